/**
 * CMS files end to end through the HTTP API of the local stack (domain.md §7): a payout's transfer
 * joins its pay date's file, the file is created one business day before (16:00) and transmitted
 * through the production relay adapter to the CMS simulator; a failed or timed-out transmission is
 * retried only when the relay confirms it did not get the file; nothing is sent after the cut-off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCmsFile } from '../../domain/cms/parse';
import { paymentBody } from '../support/terminal';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const { call, tokens } = world;
const setNow = (instant: string) => world.setNow(instant);
// The local scheduler also fires these jobs when the clock jumps past their times; after a manual
// run, wait for any such run too (a run that found the file claimed by it returns at once).
const settle = () => world.drain();
const transmit = async () => {
  expect((await call('POST', '/_local/schedules/cms-transmit/run')).status).toBe(200);
  await settle();
};
const file = async (date: string) => (await call('GET', `/v1/cms/files/CMS-${date}`, undefined, tokens.agency)).body;
const payout = async (id: string) => (await call('GET', `/v1/payouts/${id}`, undefined, tokens.agency)).body;
const sent = (name: string) => world.stack.cms.attempts.filter((a) => a.fileName === name);

beforeAll(async () => {
  await world.start({ cards: 2, at: '2026-03-01T09:00:00+09:00' });
  await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 50_000, depositedAt: '2026-03-01T10:00:00+09:00' }, tokens.city);
  for (const card of [1, 2]) {
    await setNow(`2026-03-0${card + 1}T10:00:00+09:00`);
    await world.pay(card, '10:00');
  }
  await call('POST', '/_local/drain');
}, 60_000);

afterAll(() => world.stop());

describe('CMS-01/02/05 files and transmission', () => {
  it('CMS-01 a payout\'s transfer waits in the open file of its pay date; the file has no content before it is created', async () => {
    await setNow('2026-03-12T06:35:00+09:00');
    await call('POST', '/_local/schedules/payout-batch/run');
    expect(await payout('PO-2026-03-1-P0001-COMMUNITY')).toMatchObject({ amount: 50_000, status: 'SCHEDULED', payDate: '2026-03-13' });
    expect(await file('2026-03-13')).toMatchObject({ fileId: 'CMS-2026-03-13', fileName: 'EB310313', state: 'OPEN', itemCount: 1, totalAmount: 50_000 });
    expect((await call('GET', '/v1/cms/files/CMS-2026-03-13/content', undefined, tokens.agency)).body.error).toMatchObject({ code: 'NOT_CREATED' });
    expect((await call('GET', '/v1/cms/files', undefined, tokens.provider)).status).toBe(403);
    await transmit(); // before 16:00: nothing is created or sent
    expect(await file('2026-03-13')).toMatchObject({ state: 'OPEN' });
  }, 60_000);

  it('CMS-02 a failed transmission is retried after its backoff and then succeeds; the payout is SENT', async () => {
    await call('POST', '/_local/cms', { transmit: 'FAIL', times: 1 });
    await setNow('2026-03-12T16:05:00+09:00');
    await transmit();
    expect(await file('2026-03-13')).toMatchObject({ state: 'TRANSMIT_FAILED', lastError: 'RELAY_UNAVAILABLE', attempts: 1, recordCount: 1, totalAmount: 50_000 });
    expect(await payout('PO-2026-03-1-P0001-COMMUNITY')).toMatchObject({ status: 'SCHEDULED' });
    await transmit(); // too early to retry
    expect(sent('EB310313')).toHaveLength(1);
    await setNow('2026-03-12T16:11:00+09:00');
    await transmit();
    expect(await file('2026-03-13')).toMatchObject({ state: 'TRANSMITTED', attempts: 2 });
    expect((await file('2026-03-13')).history.map((h: { to: string }) => h.to)).toEqual(['OPEN', 'CREATED', 'TRANSMITTING', 'TRANSMIT_FAILED', 'TRANSMITTING', 'TRANSMITTED']);
    expect(await payout('PO-2026-03-1-P0001-COMMUNITY')).toMatchObject({ status: 'SENT', transferDate: '2026-03-13' });
    await transmit();
    expect(sent('EB310313')).toHaveLength(2);
    expect(world.stack.cms.received.size).toBe(1);
  }, 60_000);

  it('the content is the exact EB31 that was sent; an operator reads it with account numbers masked (§8)', async () => {
    const res = await fetch(`${world.stack.url}/v1/cms/files/CMS-2026-03-13/content`, { headers: { authorization: `Bearer ${tokens.agency}` } });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(world.stack.cms.received.get('2026-03-13/EB310313')!.bytes)).toBe(true);
    const parsed = parseCmsFile(bytes);
    expect(parsed.records).toEqual([expect.objectContaining({ serial: 1, amount: 50_000, account: '12345678901234', bankBranch: '0040000', reference: 'T26031300000001' })]);
    const masked = Buffer.from(await (await fetch(`${world.stack.url}/v1/cms/files/CMS-2026-03-13/content`, { headers: { authorization: `Bearer ${tokens.ops}` } })).arrayBuffer());
    expect(masked.length).toBe(bytes.length);
    expect(masked.toString('latin1')).not.toContain('12345678901234');
    expect(masked.subarray(150, 300).toString('latin1').slice(26, 42).trimEnd()).toBe('**********1234');
    expect(masked.subarray(0, 150).equals(bytes.subarray(0, 150))).toBe(true);
  }, 30_000);

  it('CMS-02 after a timeout the relay is asked: a file it got is not sent again', async () => {
    await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 100_000, depositedAt: '2026-03-12T17:30:00+09:00' }, tokens.city);
    await setNow('2026-03-13T07:05:00+09:00');
    await call('POST', '/_local/schedules/adhoc-payout/run'); // the delayed 22,000, paid on the 16th
    expect(await file('2026-03-16')).toMatchObject({ state: 'OPEN', totalAmount: 22_000 });
    // 1st attempt: the relay never got it and the send timed out; asked, the relay says no → retry later.
    await call('POST', '/_local/cms', { transmit: 'TIMEOUT', times: 1 });
    await setNow('2026-03-13T16:05:00+09:00');
    await transmit();
    expect(await file('2026-03-16')).toMatchObject({ state: 'TRANSMIT_FAILED', lastError: 'TIMEOUT_NOT_RECEIVED', attempts: 1 });
    expect(world.stack.cms.received.has('2026-03-16/EB310316')).toBe(false);
    // 2nd attempt: the relay got it but the answer timed out; asked, the relay says yes → not sent again.
    await call('POST', '/_local/cms', { mode: 'timeout-after-receive', times: 1 });
    await setNow('2026-03-13T16:11:00+09:00');
    await transmit();
    expect(await file('2026-03-16')).toMatchObject({ state: 'TRANSMITTED', attempts: 2 });
    await setNow('2026-03-13T16:40:00+09:00');
    await transmit();
    expect(sent('EB310316')).toHaveLength(2);
    expect(world.stack.cms.received.has('2026-03-16/EB310316')).toBe(true);
  }, 30_000);

  it('CMS-05 nothing is sent after the 17:00 cut-off; the transfer moves to the next business day\'s file', async () => {
    await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 1, depositedAt: '2026-03-13T17:30:00+09:00', depositId: 'noop' }, tokens.city);
    const lateFile = '2026-03-17';
    // A transfer for the 17th arrives; the transmit job does not run until after the cut-off on the 16th.
    await setNow('2026-03-16T17:10:00+09:00');
    const { SendMessageCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    const sqs = new SQSClient({ endpoint: process.env.SQS_ENDPOINT, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: world.stack.queues.urls['cms-outbound'], MessageBody: JSON.stringify({ version: 1, payoutId: 'PO-late', providerId: 'P0001', programCode: 'COMMUNITY', payDate: lateFile, amount: 1000, bankCode: '004', accountNumber: '12345678901234', holder: '행복', businessNumber: '1234567891' }) }));
    sqs.destroy();
    await call('POST', '/_local/drain');
    await transmit();
    // CMS-05: never abandoned: the transfer moves to the next business day's file, and is sent with it.
    expect(await file(lateFile)).toMatchObject({ state: 'TRANSMIT_FAILED', lastError: 'CUTOFF_PASSED', movedTo: '2026-03-18' });
    expect(sent('EB310317')).toHaveLength(0);
    expect((await call('GET', '/v1/cms/files/CMS-2026-03-18', undefined, tokens.agency)).body).toMatchObject({ state: 'OPEN', itemCount: 1 });
  }, 30_000);
});

describe('CMS-03/04 results', () => {
  const receive = async () => {
    expect((await call('POST', '/_local/schedules/cms-receive/run')).status).toBe(200);
    await settle();
  };

  it('CMS-03 from 03:00 the day after, the result marks each payout PAID with the bank\'s code; with nothing failed the relay sends no file, only "no failures"', async () => {
    await setNow('2026-03-14T03:05:00+09:00'); // a Saturday: results come the day after the transfer date, whatever the day
    await receive();
    expect(await file('2026-03-13')).toMatchObject({ state: 'RECEIVED', resultForm: 'NO_FAILURES', paidCount: 1, failedCount: 0 });
    await setNow('2026-03-16T17:20:00+09:00');
    expect(await payout('PO-2026-03-1-P0001-COMMUNITY')).toMatchObject({ status: 'PAID', resultCode: '0000' });
    expect(await file('2026-03-16')).toMatchObject({ state: 'TRANSMITTED' }); // its result comes on the 17th
  }, 30_000);

  it('CMS-03 a file another run is receiving is left alone until its claim lapses; a tampered result is then rejected whole: flagged, nothing applied', async () => {
    // Another run claimed the file at 03:03 and is still working on it (its claim is fresh at 03:05).
    const { documentClient } = await import('../../functions/shared/dynamo/client');
    const { TABLE_NAME } = await import('../../infra/local/stack');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const db = documentClient({ region: 'ap-northeast-2', endpoint: process.env.DYNAMODB_ENDPOINT });
    await db.send(new UpdateCommand({
      TableName: TABLE_NAME, Key: { PK: 'CMSFILE#2026-03-16', SK: '#FILE' },
      UpdateExpression: 'SET #st = :receiving, receivingSince = :since', ConditionExpression: '#st = :transmitted',
      ExpressionAttributeNames: { '#st': 'state' }, ExpressionAttributeValues: { ':receiving': 'RECEIVING', ':transmitted': 'TRANSMITTED', ':since': new Date('2026-03-17T03:03:00+09:00').toISOString() },
    }));
    db.destroy();
    await call('POST', '/_local/cms', { mode: 'tamper-result', times: 1 });
    await setNow('2026-03-17T03:05:00+09:00');
    await receive();
    expect(world.stack.cms.resultsServed.filter((r) => r.resultName === 'EB320316')).toHaveLength(0);
    expect(await file('2026-03-16')).toMatchObject({ state: 'RECEIVING' });
    // That run died: after the 5-minute lease a run takes the file over and fetches the result once.
    await setNow('2026-03-17T03:10:00+09:00');
    await receive();
    expect(world.stack.cms.resultsServed.filter((r) => r.resultName === 'EB320316')).toHaveLength(1);
    const flagged = await file('2026-03-16');
    expect(flagged).toMatchObject({ state: 'FLAGGED' });
    expect(flagged.history).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'RECEIVING', to: 'RECEIVING', note: 'taken over from a run that did not finish' })]));
    expect(flagged.issues).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'ITEM_MISMATCH', field: 'amount' })]));
    expect(await payout('PO-adhoc-2026-03-13-P0001-COMMUNITY')).toMatchObject({ status: 'SENT' });
    await receive(); // flagged files wait for operators
    expect(await file('2026-03-16')).toMatchObject({ state: 'FLAGGED' });
    expect(world.stack.cms.resultsServed.filter((r) => r.resultName === 'EB320316')).toHaveLength(1);
  }, 30_000);

  it('CMS-04 a closed account fails its transfer with the bank\'s code (payments → payout → file → transmit → result)', async () => {
    const provider = { ...world.doc.providers[0]!, accounts: [{ ...world.doc.providers[0]!.accounts[0]!, accountNumber: '12345678900031' }] };
    expect((await call('POST', '/v1/admin/import', { providers: [provider] }, tokens.agency)).body.rejected).toEqual([]);
    await setNow('2026-03-17T10:00:00+09:00');
    const res = await world.terminalFetch()('POST', '/v1/terminal/payments', paymentBody(world.terminal, { cardNumber: '9410000000000001', serviceDate: '2026-03-17', serviceStartAt: '2026-03-17T10:00:00+09:00' }, '2026-03-17'));
    expect(res.status).toBe(201);
    await call('POST', '/_local/drain');
    await setNow('2026-03-24T06:35:00+09:00');
    await call('POST', '/_local/schedules/payout-batch/run');
    expect(await payout('PO-2026-03-2-P0001-COMMUNITY')).toMatchObject({ amount: 36_000, payDate: '2026-03-25', account: { accountNumber: '12345678900031' } });
    await setNow('2026-03-24T16:05:00+09:00');
    await transmit();
    expect(await file('2026-03-25')).toMatchObject({ state: 'TRANSMITTED' });
    await setNow('2026-03-26T03:05:00+09:00');
    await receive();
    // The relay lists only the failed item (cms.md, EB22 practice).
    expect(await file('2026-03-25')).toMatchObject({ state: 'RECEIVED', resultForm: 'FAILURES_ONLY', paidCount: 0, failedCount: 1, failedAmount: 36_000 });
    expect(await payout('PO-2026-03-2-P0001-COMMUNITY')).toMatchObject({ status: 'FAILED', resultCode: '0031', returnedAt: expect.any(String) });
  }, 60_000);

  it('CMS-04 the failed amount returns to the payable and the deposit, and is paid by an ad-hoc payout once the account is corrected', async () => {
    // Account unchanged: nothing is sent to it again; the amount waits as a delay.
    await setNow('2026-03-26T07:05:00+09:00');
    await call('POST', '/_local/schedules/adhoc-payout/run');
    expect((await call('GET', '/v1/payouts?providerId=P0001', undefined, tokens.agency)).body.items.find((p: { payoutId: string }) => p.payoutId === 'PO-adhoc-2026-03-26-P0001-COMMUNITY')).toMatchObject({ amount: 0, status: 'DELAYED', delays: [{ reason: 'OTHER', amount: 36_000 }] });
    // The provider cannot change it itself (REG-01); the agency corrects it (CMS-04): the next ad-hoc run pays.
    const account = { bankCode: '004', accountNumber: '12345678905555', holder: '행복심리상담센터' };
    expect((await call('PUT', '/v1/providers/P0001/accounts/COMMUNITY', account, tokens.provider)).status).toBe(403);
    expect(await call('PUT', '/v1/providers/P0001/accounts/COMMUNITY', account, tokens.agency)).toMatchObject({ status: 200, body: { providerId: 'P0001', programCode: 'COMMUNITY', accountNumber: '12345678905555' } });
    await setNow('2026-03-27T07:05:00+09:00');
    await call('POST', '/_local/schedules/adhoc-payout/run');
    expect(await payout('PO-adhoc-2026-03-27-P0001-COMMUNITY')).toMatchObject({ amount: 36_000, status: 'SCHEDULED', payDate: '2026-03-30', account: { accountNumber: '12345678905555' } });
    const report = await call('GET', '/v1/reports/conservation', undefined, tokens.agency);
    expect(report.body.differences).toEqual([]);
    expect(report.body.balanced).toBe(true);
  }, 60_000);
});
