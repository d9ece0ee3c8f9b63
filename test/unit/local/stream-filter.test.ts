/**
 * The local stream poller filters records as Lambda's event source mapping does, with the
 * patterns the stack deploys (infra/system.ts): the consumer sees money items' changes only.
 */
import { describe, expect, it } from 'vitest';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { matchesFilter, streamDelivers } from '../../../infra/local/stream-poller';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', type: string): _Record => ({
  eventName,
  dynamodb: {
    SequenceNumber: '1',
    ...(eventName === 'REMOVE' ? {} : { NewImage: { PK: { S: 'X' }, type: { S: type } } }),
    ...(eventName === 'INSERT' ? {} : { OldImage: { PK: { S: 'X' }, type: { S: type } } }),
  },
});

describe('table stream filter (PO-08, the outbox)', () => {
  it('PO-08: every money item\'s insert, change and removal reaches the consumer', () => {
    for (const type of ['Voucher', 'Payment', 'Refund', 'Claim', 'LedgerBucket', 'Payout']) {
      for (const e of ['INSERT', 'MODIFY', 'REMOVE'] as const) expect(streamDelivers(record(e, type)), `${e} ${type}`).toBe(true);
    }
  });

  it('index entries, holds and fact markers written beside the money are passed over', () => {
    for (const type of ['ScreeningIndex', 'Hold', 'LedgerFact', 'TotalsMarker']) {
      for (const e of ['INSERT', 'MODIFY', 'REMOVE'] as const) expect(streamDelivers(record(e, type)), `${e} ${type}`).toBe(false);
    }
  });

  it('patterns: nested objects all match, a list names the allowed values; rules it does not know fail loudly', () => {
    expect(matchesFilter({ a: { b: 'x' }, c: 1 }, { a: { b: ['x', 'y'] } })).toBe(true);
    expect(matchesFilter({ a: { b: 'z' } }, { a: { b: ['x', 'y'] } })).toBe(false);
    expect(matchesFilter({}, { a: { b: ['x'] } })).toBe(false);
    expect(() => matchesFilter({ a: 1 }, { a: [{ numeric: ['>', 0] }] })).toThrow(/unsupported/);
  });
});
