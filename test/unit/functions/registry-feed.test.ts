/** REG-08: the registry feed's reader — when it asks, how far back, what it forgets (the table mocked). */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cached, FEED_SHARDS, feedEntry, POLL_MS, RegistryFeed } from '../../../functions/shared/dynamo/registry-feed';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-2' }));
const mock = mockClient(doc);
const clocks = { platform: 0, wall: 1_000_000 };
let forgotten: string[] = [];
let wiped = 0;
/** Shard 3 answers `items`; the other shards nothing. */
const answer = (items: object[]) => {
  mock.on(QueryCommand).resolves({ Items: [] });
  mock.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REGFEED#3' } }).resolves({ Items: items });
};
const feed = () => new RegistryFeed({ doc, name: 't' }, (n) => forgotten.push(n), () => wiped++, { platformMs: () => clocks.platform, wallMs: () => clocks.wall });
const entry = (wallMs: number, id: string, names: string[]) => ({ PK: 'REGFEED#3', SK: `${String(wallMs).padStart(15, '0')}#${id}`, names });

beforeEach(() => {
  mock.reset();
  forgotten = [];
  wiped = 0;
  clocks.platform = 0;
  clocks.wall = 1_000_000;
});

describe('REG-08 the registry feed', () => {
  it('REG-08: asks nothing within POLL_MS of its last poll; once due, one Query forgets what the entries name', async () => {
    answer([entry(1_000_500, 'a', [cached.card('9410000000000001'), cached.contracts('R0001')])]);
    const f = feed();
    clocks.platform = POLL_MS - 1;
    await f.fresh();
    expect(mock.commandCalls(QueryCommand)).toHaveLength(0);
    clocks.platform = POLL_MS;
    clocks.wall += POLL_MS;
    await Promise.all([f.fresh(), f.fresh(), f.fresh()]);
    // One poll: a Query of each shard.
    expect(mock.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues![':pk']).sort()).toEqual(Array.from({ length: FEED_SHARDS }, (_, i) => `REGFEED#${i}`));
    expect(forgotten).toEqual(['card:9410000000000001', 'contracts:R0001']);
    // It read back 30 s before the previous poll, consistently.
    const input = mock.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ ConsistentRead: true, ExpressionAttributeValues: { ':from': String(1_000_000 - 30_000).padStart(15, '0') } });
  });

  it('REG-08: an entry read again in the look-back is not applied twice; a clock set back makes a poll due', async () => {
    answer([entry(1_000_500, 'a', ['card:1'])]);
    const f = feed();
    clocks.platform = POLL_MS;
    await f.fresh();
    answer([entry(1_000_500, 'a', ['card:1']), entry(1_004_000, 'b', ['wpid:2'])]);
    clocks.platform = -1;
    await f.fresh();
    expect(mock.commandCalls(QueryCommand)).toHaveLength(2 * FEED_SHARDS);
    expect(forgotten).toEqual(['card:1', 'wpid:2']);
  });

  it('REG-08: a failed poll forgets everything and the next request asks again', async () => {
    mock.on(QueryCommand).rejectsOnce(new Error('throttled')).resolves({ Items: [] });
    const f = feed();
    clocks.platform = POLL_MS;
    await f.fresh();
    expect(wiped).toBe(1);
    await f.fresh();
    expect(mock.commandCalls(QueryCommand)).toHaveLength(2 * FEED_SHARDS);
    await f.fresh();
    expect(mock.commandCalls(QueryCommand)).toHaveLength(2 * FEED_SHARDS);
  });

  it('REG-08: a write\'s feed entry names each cached record once, sorted by the wall clock, and expires in a day', () => {
    const put = feedEntry('t', ['card:1', 'card:1', 'contracts:R1'], 1_700_000_000_123).Put!;
    expect(String(put.Item!.PK)).toMatch(new RegExp(`^REGFEED#[0-${FEED_SHARDS - 1}]$`));
    expect(put.Item).toMatchObject({ type: 'RegistryFeed', names: ['card:1', 'contracts:R1'], expiresAt: 1_700_000_000 + 24 * 3600 });
    expect(String(put.Item!.SK)).toMatch(/^001700000000123#[0-9a-f]{8}$/);
  });
});
