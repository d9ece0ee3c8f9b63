/**
 * A restart loses nothing (issue 15 §4): a stack with a data directory is stopped and started
 * again on it. Afterwards tokens minted before still verify, terminals still sign, every record
 * and file is there, a list's token still reads its next page, a payment sent again gets its
 * original answer (PAY-09), and an approval whose screening message was still queued at the stop
 * (fauxqs keeps queues in memory) is screened after it: the stream, kept with the table, replays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/servers';
import { BUCKET_NAME } from '../../infra/local/stack';
import { importDocument } from '../support/fixtures';
import { type RunningStack, startStack } from '../support/stack-process';
import { paymentBody, terminalFetch, type TerminalIdentity } from '../support/terminal';
import { PRINCIPALS } from '../support/world';

const dir = mkdtempSync(join(tmpdir(), 'voucher-stack-'));
let stack: RunningStack;
let now = '';
const call = (method: string, path: string, body?: unknown, token?: string) => stack.call(method, path, body, token);
// `npm start`'s own program, as a person runs it: each start is a new process on the same data directory.
const start = async () => {
  stack = await startStack(undefined, { dataDir: dir });
};
const setNow = async (instant: string) => {
  now = instant;
  expect((await call('POST', '/_local/clock', { now: instant })).status).toBe(200);
};
const doc = importDocument(4);
const terminal: TerminalIdentity = { serial: doc.terminals[0]!.serial, secret: doc.terminals[0]!.secret, phone: doc.terminals[0]!.phone, businessNumber: doc.providers[0]!.businessNumber };
const signed = () => terminalFetch(stack.url, terminal, () => new Date(now));
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;
/** The S3 endpoint of the running stack (fauxqs), from its ready line. */
const s3Endpoint = () => `http://127.0.0.1:${/"screening":"http:\/\/sqs\.[a-z0-9-]+\.127\.0\.0\.1:(\d+)\//.exec(stack.output())![1]}`;

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('issue 15 §4: a restart loses nothing', () => {
  let tokens: Record<string, string>;
  let first: { status: number; body: any };
  let firstBody: Record<string, unknown>;
  let pageToken = '';
  let night = '';
  let documentKey = '';
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(60, 7)]);

  it('before: registry, vouchers, payments, an SCR-01 hold with an uploaded document, a list token, and a night payment still queued for screening at the stop', async () => {
    await start();
    await setNow('2026-03-10T10:00:00+09:00');
    tokens = Object.fromEntries(await Promise.all(Object.entries(PRINCIPALS).map(async ([name, claims]) => [name, await stack.token(claims)] as const)));
    expect((await call('POST', '/v1/admin/import', doc, tokens.agency)).body.rejected).toEqual([]);
    await call('POST', '/_local/schedules/voucher-generation/run');
    firstBody = paymentBody(terminal, { cardNumber: card(1), serviceStartAt: '2026-03-10T09:00:00+09:00' });
    first = await signed()('POST', '/v1/terminal/payments', firstBody);
    expect(first.status).toBe(201);
    await setNow('2026-03-10T10:05:00+09:00');
    expect((await signed()('POST', '/v1/terminal/payments', paymentBody(terminal, { cardNumber: card(2), serviceStartAt: '2026-03-10T09:30:00+09:00' }))).status).toBe(201);
    expect((await call('POST', '/_local/drain')).body.drained).toBe(true);

    const holdId = `H${first.body.approvalNumber}-SCR01`;
    const issued = await call('POST', `/v1/holds/${holdId}/documents`, { fileName: '근무일지.png', contentType: 'image/png', size: png.length }, tokens.provider);
    expect(issued.status).toBe(201);
    documentKey = issued.body.documentKey;
    expect((await fetch(issued.body.upload.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png })).status).toBe(200);

    const page = await call('GET', '/v1/payments?from=2026-03-01&to=2026-03-31&limit=1', undefined, tokens.provider);
    pageToken = page.body.nextToken;
    expect(pageToken).toEqual(expect.any(String));

    // Screening stands still: the night payment's message waits in the queue when the stack stops.
    expect((await call('POST', '/_local/consumers/screening', { paused: true })).status).toBe(200);
    await setNow('2026-03-10T23:40:00+09:00');
    const paid = await signed()('POST', '/v1/terminal/payments', paymentBody(terminal, { cardNumber: card(3), serviceStartAt: '2026-03-10T23:30:00+09:00' }));
    expect(paid.status).toBe(201);
    night = paid.body.approvalNumber;
    // Wait (for state) until the outbox has put it on the queue.
    let pending = 0;
    for (let i = 0; i < 100 && pending === 0; i++) pending = (await call('POST', '/_local/consumers/screening', { paused: true })).body.pending;
    expect(pending).toBeGreaterThan(0);
    expect(await stack.stop()).toBe(0);
  }, 60_000);

  it('after: the same tokens, terminal, records, file, list token and answers; the queued approval is screened', async () => {
    await start();
    await setNow('2026-03-10T23:45:00+09:00');
    // A token minted before the restart.
    const listed = await call('GET', '/v1/payments?from=2026-03-01&to=2026-03-31', undefined, tokens.provider);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { approvalNumber: string }) => p.approvalNumber)).toEqual(expect.arrayContaining([first.body.approvalNumber, night]));
    expect(listed.body.items).toHaveLength(3);
    // The list's token from before reads its next page.
    expect((await call('GET', `/v1/payments?from=2026-03-01&to=2026-03-31&limit=1&nextToken=${encodeURIComponent(pageToken)}`, undefined, tokens.provider)).status).toBe(200);
    // The terminal still signs; the voucher shows the payment.
    expect(await signed()('GET', `/v1/terminal/cards/${card(1)}/balance?serviceCode=110101`)).toMatchObject({ status: 200, body: { remainingAmount: 144_000 - 36_000 } });
    // PAY-09: the same transaction again is answered as it was.
    const again = await signed()('POST', '/v1/terminal/payments', firstBody);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // The hold and its document, and the file itself.
    const hold = await call('GET', `/v1/holds/H${first.body.approvalNumber}-SCR01`, undefined, tokens.agency);
    expect(hold.body).toMatchObject({ state: 'UNPROCESSED', documents: [expect.objectContaining({ documentKey })] });
    const s3 = new S3Client({ endpoint: s3Endpoint(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET_NAME, Key: documentKey }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(png);
    expect(object.ContentType).toBe('image/png');
    s3.destroy();
    expect((await call('POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [`H${first.body.approvalNumber}-SCR01`], comment: '근무일지', documentKeys: [documentKey] }, tokens.provider)).status).toBe(200);
    // The queued message is gone with the queue; the table's stream replays it: SCR-02 holds the night payment.
    expect((await call('POST', '/_local/drain')).body.drained).toBe(true);
    expect(await call('GET', `/v1/holds/H${night}-SCR02`, undefined, tokens.agency)).toMatchObject({ status: 200, body: { ruleId: 'SCR-02', approvalNumber: night } });
    // Replayed events change nothing twice: the first payment's voucher and hold are as they were.
    expect(await signed()('GET', `/v1/terminal/cards/${card(1)}/balance?serviceCode=110101`)).toMatchObject({ body: { remainingAmount: 108_000 } });
    expect((await call('GET', `/v1/holds/H${first.body.approvalNumber}-SCR01`, undefined, tokens.agency)).body).toMatchObject({ state: 'DOCUMENTS_SUBMITTED', evidence: hold.body.evidence });
  }, 60_000);
});
