/** CMS-02..05: the file state machine's use cases on the in-memory CMS store and a scripted relay. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildResultFile, encodeCmsFile } from '../../../domain/cms/encode';
import { CmsGatewayTimeout, type CmsTransferItem, MAX_TRANSMIT_ATTEMPTS } from '../../../domain/cms/files';
import { parseCmsFile } from '../../../domain/cms/parse';
import { type ReceiveDeps, RECEIVING_LEASE_MS, resultsFrom, runReceive } from '../../../domain/cms/receive';
import { runTransmit, type TransmitDeps } from '../../../domain/cms/transmit';
import type { Payout } from '../../../domain/settlement/payout';
import { koreanHolidays } from '../../../functions/shared/holidays';
import { InMemoryCmsStore } from '../../fakes/cms-store';
import { InMemoryCmsObjects, type RelayScript, scriptedRelay } from '../../fakes/cms-relay';

const agency = { originator: 'SSIS000001', debitBankBranch: '0880001', debitAccount: '10012345678' };
const item = (n: number, amount = 36_000): CmsTransferItem => ({ payoutId: `PO-${n}`, providerId: `P${n}`, programCode: 'COMMUNITY', amount, bankCode: '004', accountNumber: '12345678901234', holder: '제공기관', businessNumber: '1234567891' });
const kst = (s: string) => new Date(`${s}+09:00`);
// 2026-03-16 is a Monday: its file is created and sent on Friday 13 March.
const transferDate = '2026-03-16';

function world(script: RelayScript = {}) {
  const files = new InMemoryCmsStore();
  const gateway = scriptedRelay(script);
  const store = new InMemoryCmsObjects();
  const { objects } = store;
  const { sent } = gateway;
  const returned: string[] = [];
  const transmit: TransmitDeps = { files, objects: store, gateway, holidays: koreanHolidays, agency, digest: (b) => createHash('sha256').update(b).digest('hex') };
  const receive: ReceiveDeps = {
    files, objects: store, gateway,
    // As the settlement store: a refused transfer comes back only from SENT.
    payouts: { payout: async (id) => ({ payoutId: id }) as Payout, returnFailedPayout: async (p) => (files.payouts.get(p.payoutId) as { status?: string } | undefined)?.status === 'SENT' && returned.push(p.payoutId) > 0 },
  };
  return { files, objects, sent, transmit, receive, returned };
}

describe('CMS-02/05 transmit', () => {
  it('creates the file from its creation time, keeps its bytes and sends it once', async () => {
    const w = world();
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.transmit, kst('2026-03-13T08:59:00'))).events).toEqual([]);
    const run = await runTransmit(w.transmit, kst('2026-03-13T09:00:00'));
    expect(run.events.map((e) => e.kind)).toEqual(['created', 'transmitted']);
    expect(await w.files.file(transferDate)).toMatchObject({ state: 'TRANSMITTED', recordCount: 1, totalAmount: 36_000, attempts: 1 });
    expect(w.files.payouts.get('PO-1')).toMatchObject({ status: 'SENT', transferDate });
    expect(w.objects.size).toBe(1);
    await runTransmit(w.transmit, kst('2026-03-13T16:05:00'));
    expect(w.sent).toHaveLength(1);
    expect(await w.files.addItem(transferDate, item(2), '2026-03-13T16:06:00+09:00')).toBe('closed');
  });

  it('after a timeout the relay is asked before anything is sent again; not received → retried', async () => {
    let timeouts = 1;
    const w = world({ send: async () => (timeouts-- > 0 ? Promise.reject(new CmsGatewayTimeout('slow')) : { ok: true }), received: async () => false });
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.transmit, kst('2026-03-13T16:00:00'))).events.map((e) => e.kind)).toEqual(['created', 'failed']);
    expect(await w.files.file(transferDate)).toMatchObject({ state: 'TRANSMIT_FAILED', lastError: 'TIMEOUT_NOT_RECEIVED', retryable: true });
    await runTransmit(w.transmit, kst('2026-03-13T16:30:00'));
    expect(await w.files.file(transferDate)).toMatchObject({ state: 'TRANSMITTED', attempts: 2 });
  });

  it('a timeout the relay cannot answer leaves the file TRANSMITTING; a refusal is final when not retryable', async () => {
    const w = world({ send: async () => Promise.reject(new CmsGatewayTimeout('slow')), received: async () => Promise.reject(new Error('relay down')) });
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.transmit, kst('2026-03-13T16:00:00'))).events.map((e) => e.kind)).toEqual(['created', 'receipt-unknown']);
    expect((await w.files.file(transferDate))!.state).toBe('TRANSMITTING');
    const refused = world({ send: async () => ({ ok: false, reason: 'BAD_FILE', retryable: false }) });
    await refused.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    await runTransmit(refused.transmit, kst('2026-03-13T16:00:00'));
    await runTransmit(refused.transmit, kst('2026-03-13T16:50:00'));
    expect(refused.sent).toHaveLength(1);
    expect(await refused.files.file(transferDate)).toMatchObject({ state: 'TRANSMIT_FAILED', lastError: 'BAD_FILE' });
  });

  it('a file that would be sent after its 17:00 cut-off is not sent: its transfers go to the next business day\'s file', async () => {
    const w = world();
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.transmit, kst('2026-03-13T17:00:00'))).events.map((e) => e.kind)).toEqual(['cutoff-missed']);
    expect(w.sent).toEqual([]);
    expect(await w.files.items('2026-03-17')).toEqual([item(1)]);
  });
});

describe('CMS-02 transmit: races, restarts and limits', () => {
  it('an OPEN file without transfers is left alone; a file another run created meanwhile is not sent by this one', async () => {
    const w = world();
    w.files.records.set(transferDate, { fileId: 'CMS-x', fileName: 'EB310316', transferDate, state: 'OPEN', recordCount: 0, totalAmount: 0, itemCount: 0, history: [] });
    expect((await runTransmit(w.transmit, kst('2026-03-13T16:00:00'))).events).toEqual([]);
    const raced = world();
    await raced.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    const move = raced.files.move.bind(raced.files);
    raced.files.move = async (d, from, to, ...rest) => (from === 'OPEN' ? false : move(d, from, to, ...rest));
    expect((await runTransmit(raced.transmit, kst('2026-03-13T16:00:00'))).events).toEqual([]);
    expect(raced.sent).toEqual([]);
  });

  it('after a timeout a file the relay did receive is TRANSMITTED without a second send', async () => {
    const w = world({ send: async () => Promise.reject(new CmsGatewayTimeout('slow')), received: async () => true });
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.transmit, kst('2026-03-13T16:00:00'))).events.map((e) => e.kind)).toEqual(['created', 'transmitted']);
    expect(w.sent).toHaveLength(1);
  });

  it('a file left TRANSMITTING by a run that died is checked with the relay after two minutes, not sent again', async () => {
    let answer = false;
    const w = world({ send: async () => Promise.reject(new CmsGatewayTimeout('slow')), received: async () => (answer ? true : Promise.reject(new Error('relay down'))) });
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    await runTransmit(w.transmit, kst('2026-03-13T16:00:00'));
    answer = true;
    expect((await runTransmit(w.transmit, kst('2026-03-13T16:01:00'))).events).toEqual([]);
    expect((await runTransmit(w.transmit, kst('2026-03-13T16:03:00'))).events.map((e) => e.kind)).toEqual(['transmitted']);
    expect(w.sent).toHaveLength(1);
  });

  it('a retryable failure is retried with growing pauses, and not after MAX_TRANSMIT_ATTEMPTS attempts', async () => {
    const w = world({ send: async () => ({ ok: false, reason: 'BUSY', retryable: true }) });
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    await runTransmit(w.transmit, kst('2026-03-13T16:00:00'));
    await runTransmit(w.transmit, kst('2026-03-13T16:04:00'));
    expect(w.sent).toHaveLength(1);
    await runTransmit(w.transmit, kst('2026-03-13T16:05:00'));
    expect(w.sent).toHaveLength(2);
    const file = (await w.files.file(transferDate))!;
    w.files.records.set(transferDate, { ...file, attempts: MAX_TRANSMIT_ATTEMPTS, lastAttemptAt: kst('2026-03-13T10:00:00').toISOString() });
    await runTransmit(w.transmit, kst('2026-03-13T16:50:00'));
    expect(w.sent).toHaveLength(2);
  });

  it('a send claimed by another run is not made twice; an unexpected relay error fails the run loudly', async () => {
    const w = world();
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    const move = w.files.move.bind(w.files);
    w.files.move = async (d, from, to, ...rest) => (from === 'CREATED' && to === 'TRANSMITTING' ? false : move(d, from, to, ...rest));
    expect((await runTransmit(w.transmit, kst('2026-03-13T16:00:00'))).events.map((e) => e.kind)).toEqual(['created']);
    expect(w.sent).toEqual([]);
    const broken = world({ send: async () => Promise.reject(new Error('socket hang up')) });
    await broken.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    await expect(runTransmit(broken.transmit, kst('2026-03-13T16:00:00'))).rejects.toThrow('socket hang up');
  });
});

describe('CMS-03/04 receive', () => {
  async function transmitted(result: (sent: Uint8Array) => Uint8Array | 'NO_FAILURES' | null) {
    const w = world({ result });
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    await w.files.addItem(transferDate, item(2, 50_000), '2026-03-12T10:00:00+09:00');
    await runTransmit(w.transmit, kst('2026-03-13T16:00:00'));
    return w;
  }

  it('applies a matching result from 03:00 of the next business day: paid, and failed amounts returned', async () => {
    const w = await transmitted((sent) => encodeCmsFile(buildResultFile(parseCmsFile(sent), (r) => (r.amount === 50_000 ? '0031' : '0000'))));
    expect((await runReceive(w.receive, kst('2026-03-17T02:59:00'))).files).toBe(0);
    const run = await runReceive(w.receive, kst('2026-03-17T03:00:00'));
    expect(run.events).toEqual([{ kind: 'transfers-failed', fileName: 'EB310316', failed: [{ payoutId: 'PO-2', resultCode: '0031', amount: 50_000 }] }]);
    expect(w.files.payouts.get('PO-1')).toMatchObject({ status: 'PAID', resultCode: '0000' });
    expect(w.returned).toEqual(['PO-2']);
    expect(await w.files.file(transferDate)).toMatchObject({ state: 'RECEIVED', paidCount: 1, failedCount: 1 });
  });

  it('CMS-04 seed 100: a transmit that died between TRANSMITTED and marking its payouts SENT still gets its refused transfer returned', async () => {
    const w = world({ result: (sent) => encodeCmsFile(buildResultFile(parseCmsFile(sent), (r) => (r.amount === 50_000 ? '0031' : '0000'))) });
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    await w.files.addItem(transferDate, item(2, 50_000), '2026-03-12T10:00:00+09:00');
    const mark = w.files.markPayouts.bind(w.files);
    w.files.markPayouts = async () => Promise.reject(new Error('the function died after the file was TRANSMITTED'));
    await expect(runTransmit(w.transmit, kst('2026-03-13T16:00:00'))).rejects.toThrow('died');
    w.files.markPayouts = mark;
    expect(await w.files.file(transferDate)).toMatchObject({ state: 'TRANSMITTED' });
    expect(w.files.payouts.get('PO-2')).toBeUndefined(); // never marked SENT
    await runReceive(w.receive, kst('2026-03-17T03:00:00'));
    expect(w.returned).toEqual(['PO-2']);
    expect(w.files.payouts.get('PO-1')).toMatchObject({ status: 'PAID' });
    // Marking again never undoes a result.
    await w.files.markPayouts(['PO-1'], 'SENT');
    expect(w.files.payouts.get('PO-1')).toMatchObject({ status: 'PAID' });
  });

  it('an all-paid result reports nothing; a failed transfer whose payout is gone is not returned', async () => {
    const paid = await transmitted((sent) => encodeCmsFile(buildResultFile(parseCmsFile(sent), () => '0000')));
    expect((await runReceive(paid.receive, kst('2026-03-17T03:00:00'))).events).toEqual([]);
    expect(await paid.files.file(transferDate)).toMatchObject({ state: 'RECEIVED', paidCount: 2, failedCount: 0 });
    const gone = await transmitted((sent) => encodeCmsFile(buildResultFile(parseCmsFile(sent), () => '0031')));
    gone.receive.payouts.payout = async () => null;
    expect((await runReceive(gone.receive, kst('2026-03-17T03:00:00'))).events[0]).toMatchObject({ kind: 'transfers-failed' });
    expect(gone.returned).toEqual([]);
  });

  it('CMS-03 a result listing only the failed items pays the others; the relay\'s "no failures" answer pays every item', async () => {
    const w = await transmitted((sent) => encodeCmsFile(buildResultFile(parseCmsFile(sent), (r) => (r.amount === 50_000 ? '0031' : '0000'), 'FAILURES_ONLY')));
    const run = await runReceive(w.receive, kst('2026-03-17T03:00:00'));
    expect(run.events).toEqual([{ kind: 'transfers-failed', fileName: 'EB310316', failed: [{ payoutId: 'PO-2', resultCode: '0031', amount: 50_000 }] }]);
    expect(w.files.payouts.get('PO-1')).toMatchObject({ status: 'PAID', resultCode: '0000' });
    expect(w.returned).toEqual(['PO-2']);
    expect(await w.files.file(transferDate)).toMatchObject({ state: 'RECEIVED', resultForm: 'FAILURES_ONLY', paidCount: 1, failedCount: 1, failedAmount: 50_000 });

    const none = await transmitted(() => 'NO_FAILURES');
    expect((await runReceive(none.receive, kst('2026-03-17T03:00:00'))).events).toEqual([]);
    expect(['PO-1', 'PO-2'].map((id) => none.files.payouts.get(id)!.status)).toEqual(['PAID', 'PAID']);
    expect(await none.files.file(transferDate)).toMatchObject({ state: 'RECEIVED', resultForm: 'NO_FAILURES', paidCount: 2, failedCount: 0 });
  });

  it('CMS-03 results are asked for from 03:00 of the day after the transfer date, also when that day is a holiday', () => {
    expect(resultsFrom('2026-03-13')).toEqual(kst('2026-03-14T03:00:00'));
    expect(resultsFrom('2026-09-23')).toEqual(kst('2026-09-24T03:00:00')); // Chuseok
  });

  it('a result that does not match what was sent is flagged and nothing is applied', async () => {
    const w = await transmitted(() => new TextEncoder().encode('not a CMS result file'));
    expect((await runReceive(w.receive, kst('2026-03-17T03:00:00'))).events[0]).toMatchObject({ kind: 'flagged' });
    expect((await w.files.file(transferDate))!.state).toBe('FLAGGED');
    expect(w.files.payouts.get('PO-1')!.status).toBe('SENT');
  });

  it('no result yet: the claim is released and the next run asks again; a live claim is left alone', async () => {
    const w = await transmitted(() => null);
    await runReceive(w.receive, kst('2026-03-17T03:00:00'));
    expect(await w.files.file(transferDate)).toMatchObject({ state: 'RECEIVING' });
    expect((await w.files.file(transferDate))!.receivingSince).toBeUndefined();
    const at = kst('2026-03-17T04:00:00');
    expect(await w.files.reclaimReceiving(transferDate, undefined, at.toISOString(), '2026-03-17T04:00:00+09:00')).toBe(true);
    await runReceive(w.receive, new Date(at.getTime() + RECEIVING_LEASE_MS - 1));
    expect((await w.files.file(transferDate))!.receivingSince).toBe(at.toISOString());
    await runReceive(w.receive, new Date(at.getTime() + RECEIVING_LEASE_MS + 1));
    expect((await w.files.file(transferDate))!.history.at(-1)).toMatchObject({ note: 'taken over from a run that did not finish' });
  });
});
