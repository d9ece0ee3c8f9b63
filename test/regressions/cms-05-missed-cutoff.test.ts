/**
 * Regression (money always right, point 3), CMS-05:
 * - the file of a transfer date was created at 16:00 of the business day before, which left one
 *   hour for retries; it is created from 09:00;
 * - a file that missed its 17:00 cut-off ended TRANSMIT_FAILED (CUTOFF_PASSED) and its payouts
 *   stayed SCHEDULED with the deposit already drawn: stranded. Its transfers now move to the next
 *   business day's file, their payouts' pay day moves (`CUTOFF_MISSED`), and an alarm is raised;
 *   no drawn amount is ever without a file;
 * - a transfer decided after its file was created joined the next day's file with its payout
 *   still showing the old pay day.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CmsTransferItem } from '../../domain/cms/files';
import { fileTransfer, runTransmit, type TransmitDeps } from '../../domain/cms/transmit';
import { koreanHolidays } from '../../functions/shared/holidays';
import { InMemoryCmsObjects, scriptedRelay } from '../fakes/cms-relay';
import { InMemoryCmsStore } from '../fakes/cms-store';

const agency = { originator: 'SSIS000001', debitBankBranch: '0880001', debitAccount: '10012345678' };
const item = (n: number): CmsTransferItem => ({ payoutId: `PO-${n}`, providerId: `P${n}`, programCode: 'COMMUNITY', amount: 36_000, bankCode: '004', accountNumber: '12345678901234', holder: '제공기관', businessNumber: '1234567891' });
const kst = (s: string) => new Date(`${s}+09:00`);

function world(relayDown = false) {
  const files = new InMemoryCmsStore();
  const gateway = scriptedRelay(relayDown ? { send: async () => ({ ok: false, reason: 'RELAY_UNAVAILABLE', retryable: true }) } : {});
  const deps: TransmitDeps = { files, objects: new InMemoryCmsObjects(), gateway, holidays: koreanHolidays, agency, digest: (b) => createHash('sha256').update(b).digest('hex') };
  return { files, gateway, deps };
}

describe('CMS-05 file timing and missed cut-offs', () => {
  it('CMS-05 the file of Monday 16 March is created and sent from 09:00 on Friday the 13th', async () => {
    const w = world();
    await w.files.addItem('2026-03-16', item(1), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.deps, kst('2026-03-13T09:00:00'))).events.map((e) => e.kind)).toEqual(['created', 'transmitted']);
  });

  it('CMS-05 a file the relay never took by 17:00 hands its transfers and pay days to the next business day; the next run sends them', async () => {
    const w = world(true);
    await w.files.addItem('2026-03-16', item(1), '2026-03-12T10:00:00+09:00');
    await w.files.addItem('2026-03-16', item(2), '2026-03-12T10:00:00+09:00');
    for (const at of ['09:00', '09:10', '09:30', '10:10', '11:30']) await runTransmit(w.deps, kst(`2026-03-13T${at}:00`));
    expect(await w.files.file('2026-03-16')).toMatchObject({ state: 'TRANSMIT_FAILED', lastError: 'RELAY_UNAVAILABLE', attempts: 5 });
    const late = await runTransmit(w.deps, kst('2026-03-13T17:00:00'));
    expect(late.events).toEqual([{ kind: 'cutoff-missed', fileName: 'EB310316', transferDate: '2026-03-16', movedTo: '2026-03-17', transfers: 2, amount: 72_000 }]);
    expect(await w.files.file('2026-03-16')).toMatchObject({ state: 'TRANSMIT_FAILED', movedTo: '2026-03-17' });
    expect((await w.files.items('2026-03-17')).map((i) => i.payoutId)).toEqual(['PO-1', 'PO-2']);
    expect(w.files.payouts.get('PO-1')).toMatchObject({ status: 'SCHEDULED', payDate: '2026-03-17', payDateReason: 'CUTOFF_MISSED' });
    // Done once: the next run moves nothing again.
    expect((await runTransmit(w.deps, kst('2026-03-13T17:05:00'))).events).toEqual([]);
  });

  it('CMS-05 a file never created (the transmit schedule was down all day) is not abandoned either', async () => {
    const w = world();
    await w.files.addItem('2026-03-16', item(3), '2026-03-12T10:00:00+09:00');
    expect((await runTransmit(w.deps, kst('2026-03-13T18:00:00'))).events.map((e) => e.kind)).toEqual(['cutoff-missed']);
    expect((await w.files.items('2026-03-17')).map((i) => i.payoutId)).toEqual(['PO-3']);
    expect(w.gateway.sent).toEqual([]);
  });

  it("CMS-05 a transfer decided after its file was created joins the next business day's file and its payout says so", async () => {
    const w = world();
    await w.files.addItem('2026-03-16', item(1), '2026-03-12T10:00:00+09:00');
    await runTransmit(w.deps, kst('2026-03-13T09:00:00'));
    expect(await fileTransfer(w.files, koreanHolidays, item(4), '2026-03-16', '2026-03-13T09:30:00+09:00')).toEqual({ transferDate: '2026-03-17', outcome: 'added' });
    expect(w.files.payouts.get('PO-4')).toMatchObject({ payDate: '2026-03-17', payDateReason: 'CUTOFF_MISSED' });
  });
});
