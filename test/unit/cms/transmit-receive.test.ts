/** CMS-02..05: the file state machine's use cases on the in-memory CMS store and a scripted relay. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildResultFile, encodeCmsFile } from '../../../domain/cms/encode';
import { CmsGatewayTimeout, type CmsTransferItem } from '../../../domain/cms/files';
import { parseCmsFile } from '../../../domain/cms/parse';
import type { CmsGateway } from '../../../domain/cms/ports';
import { type ReceiveDeps, RECEIVING_LEASE_MS, runReceive } from '../../../domain/cms/receive';
import { runTransmit, type TransmitDeps } from '../../../domain/cms/transmit';
import type { Payout } from '../../../domain/settlement/payout';
import { koreanHolidays } from '../../../functions/shared/holidays';
import { InMemoryCmsStore } from '../../fakes/cms-store';

const agency = { originator: 'SSIS000001', debitBankBranch: '0880001', debitAccount: '10012345678' };
const item = (n: number, amount = 36_000): CmsTransferItem => ({ payoutId: `PO-${n}`, providerId: `P${n}`, programCode: 'COMMUNITY', amount, bankCode: '004', accountNumber: '12345678901234', holder: '제공기관', businessNumber: '1234567891' });
const kst = (s: string) => new Date(`${s}+09:00`);
// 2026-03-16 is a Monday: its file is created and sent on Friday 13 March.
const transferDate = '2026-03-16';

function world(script: { send?: () => Promise<{ ok: true } | { ok: false; reason: string; retryable: boolean }>; received?: () => Promise<boolean>; result?: (sent: Uint8Array) => Uint8Array | null } = {}) {
  const files = new InMemoryCmsStore();
  const objects = new Map<string, Uint8Array>();
  const sent: string[] = [];
  let last: Uint8Array | null = null;
  const gateway: CmsGateway = {
    async send(f) {
      sent.push(f.fileName);
      last = f.bytes;
      return script.send ? script.send() : { ok: true };
    },
    wasReceived: async () => (script.received ? script.received() : true),
    fetchResult: async () => (last && script.result ? script.result(last) : null),
  };
  const put = async (date: string, name: string, bytes: Uint8Array) => {
    objects.set(`cms/${date}/${name}`, bytes);
    return `cms/${date}/${name}`;
  };
  const returned: string[] = [];
  const store = { putRequest: put, putResult: put, read: async (k: string) => objects.get(k)! };
  const transmit: TransmitDeps = { files, objects: store, gateway, holidays: koreanHolidays, agency, digest: (b) => createHash('sha256').update(b).digest('hex') };
  const receive: ReceiveDeps = {
    files, objects: store, gateway, holidays: koreanHolidays,
    payouts: { payout: async (id) => ({ payoutId: id }) as Payout, returnFailedPayout: async (p) => returned.push(p.payoutId) > 0 },
  };
  return { files, objects, sent, transmit, receive, returned };
}

describe('CMS-02/05 transmit', () => {
  it('creates the file from its creation time, keeps its bytes and sends it once', async () => {
    const w = world();
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.transmit, kst('2026-03-13T15:59:00'))).events).toEqual([]);
    const run = await runTransmit(w.transmit, kst('2026-03-13T16:00:00'));
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

  it('a file that would be sent after its 17:00 cut-off is not sent', async () => {
    const w = world();
    await w.files.addItem(transferDate, item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.transmit, kst('2026-03-13T17:00:00'))).events.map((e) => e.kind)).toEqual(['created', 'cutoff-passed']);
    expect(w.sent).toEqual([]);
  });
});

describe('CMS-03/04 receive', () => {
  async function transmitted(result: (sent: Uint8Array) => Uint8Array | null) {
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
