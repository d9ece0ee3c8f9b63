/**
 * The screening index's contract (SCR-01/05): what the screening flow relies on. One suite, run
 * against the in-memory fake (test/unit) and the DynamoDB adapter (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import type { ScreeningIndexPort } from '../../domain/screening/ports';
import { DEFAULT_SCREENING_RULES, type ScreenedPayment, successionWindow } from '../../domain/screening/rules';

export interface ScreeningIndexUnderTest {
  index: ScreeningIndexPort;
  /** Records the payment's own status where `stillApproved` reads it. */
  payment(p: ScreenedPayment): Promise<void>;
}

let n = 0;

export function screeningIndexContract(name: string, make: () => Promise<ScreeningIndexUnderTest>) {
  contractSuite(`screening index contract: ${name}`, make, (t) => {

    const worker = () => `WI${String(++n).padStart(6, '0')}`;
    const payment = (workerId: string, approvedAt: string, over: Partial<ScreenedPayment> = {}): ScreenedPayment => ({
      approvalNumber: `20260310${String(++n).padStart(6, '0')}`, providerId: 'P1', programCode: 'P11', serviceCode: '110101', recipientId: `RI${String(n).padStart(6, '0')}`, workerId, municipalityCode: '11110',
      channel: 'TERMINAL', kind: 'NORMAL', amount: 36_000, serviceDate: approvedAt.slice(0, 10), serviceStartAt: null, approvedAt, status: 'APPROVED', ...over,
    });

    it('SCR-01: neighbours are the same worker\'s payments approved inside the window, or starting service inside it', async () => {
      const w = worker();
      const own = payment(w, '2026-03-10T12:00:00+09:00', { serviceStartAt: '2026-03-10T11:00:00+09:00' });
      const close = payment(w, '2026-03-10T12:10:00+09:00');
      const far = payment(w, '2026-03-10T18:00:00+09:00');
      const overlapping = payment(w, '2026-03-10T20:00:00+09:00', { serviceStartAt: '2026-03-10T11:30:00+09:00' });
      const otherWorker = payment(worker(), '2026-03-10T12:05:00+09:00');
      for (const p of [own, close, far, overlapping, otherWorker]) await t.index.index(p, new Date(p.approvedAt));
      const found = await t.index.neighbours(own, successionWindow(own, DEFAULT_SCREENING_RULES['SCR-01']));
      expect(found.map((p) => p.approvalNumber).sort()).toEqual([close.approvalNumber, overlapping.approvalNumber].sort());
      expect(found.find((p) => p.approvalNumber === close.approvalNumber)).toMatchObject({ amount: 36_000, workerId: w, status: 'APPROVED' });
    });

    it('issue 15 §9: with `nearest`, at most that many on each side of the payment per range, the closest first; without, all', async () => {
      const w = worker();
      const own = payment(w, '2026-03-10T12:00:00+09:00');
      // 12 approvals of the worker within ±9 minutes of its own, one a minute apart.
      const around = Array.from({ length: 12 }, (_, i) => payment(w, `2026-03-10T${i < 6 ? '11' : '12'}:${String(i < 6 ? 54 + i : i - 5).padStart(2, '0')}:00+09:00`));
      for (const p of [own, ...around]) await t.index.index(p, new Date(p.approvedAt));
      const window = successionWindow(own, DEFAULT_SCREENING_RULES['SCR-01']);
      expect((await t.index.neighbours(own, window)).length).toBe(12);
      const nearest = (await t.index.neighbours(own, window, 2)).map((p) => p.approvedAt.slice(11, 16)).sort();
      expect(nearest).toEqual(['11:58', '11:59', '12:01', '12:02']);
    });

    it('SCR-01: a retroactive payment is found by its service start only, never by when it was approved', async () => {
      const w = worker();
      const own = payment(w, '2026-03-10T12:00:00+09:00', { serviceStartAt: '2026-03-10T11:50:00+09:00' });
      // Approved a minute apart, its service the day before: no window of a normal payment reaches it.
      const retro = payment(w, '2026-03-10T12:01:00+09:00', { kind: 'RETRO', serviceStartAt: '2026-03-08T09:00:00+09:00' });
      const overlapping = payment(w, '2026-03-10T13:00:00+09:00', { kind: 'RETRO', serviceStartAt: '2026-03-10T11:40:00+09:00' });
      for (const p of [own, retro, overlapping]) await t.index.index(p, new Date(p.approvedAt));
      const window = successionWindow(own, DEFAULT_SCREENING_RULES['SCR-01']);
      expect((await t.index.neighbours(own, window)).map((p) => p.approvalNumber)).toEqual([overlapping.approvalNumber]);
      expect((await t.index.neighbours(own, window, 10)).map((p) => p.approvalNumber)).toEqual([overlapping.approvalNumber]);
    });

    it('SCR-05: a person\'s payments since a date — a retroactive one only if its service is on or after it too', async () => {
      const w = worker();
      const normal = payment(w, '2026-03-10T12:00:00+09:00', { serviceStartAt: '2026-03-10T11:00:00+09:00' });
      const before = payment(w, '2026-03-09T12:00:00+09:00', { serviceStartAt: '2026-03-09T11:00:00+09:00' });
      const retroServedBefore = payment(w, '2026-03-11T09:00:00+09:00', { kind: 'RETRO', serviceStartAt: '2026-03-07T10:00:00+09:00' });
      const retroServedAfter = payment(w, '2026-03-12T09:00:00+09:00', { kind: 'RETRO', serviceStartAt: '2026-03-10T10:00:00+09:00' });
      const untimed = payment(w, '2026-03-11T09:00:00+09:00', { kind: 'MAKEUP', serviceStartAt: null });
      for (const p of [normal, before, retroServedBefore, retroServedAfter, untimed]) await t.index.index(p, new Date(p.approvedAt));
      const found = (await t.index.paymentsOf({ personKind: 'WORKER', personId: w }, '2026-03-10')).map((p) => p.approvalNumber).sort();
      expect(found).toEqual([normal.approvalNumber, retroServedAfter.approvalNumber, untimed.approvalNumber].sort());
    });

    it('SCR-05: a withdrawal and an index entry commute — withdrawn first, the payment stays withdrawn', async () => {
      const w = worker();
      const p = payment(w, '2026-03-10T12:00:00+09:00');
      await t.index.withdraw({ ...p, status: 'CANCELLED' });
      expect(await t.index.index(p, new Date(p.approvedAt))).toBe('CANCELLED');
      const q = payment(w, '2026-03-10T13:00:00+09:00');
      expect(await t.index.index(q, new Date(q.approvedAt))).toBe('APPROVED');
      await t.index.withdraw({ ...q, status: 'REFUNDED' });
      expect((await t.index.paymentsOf({ personKind: 'WORKER', personId: w }, '2026-03-10')).map((x) => x.status).sort()).toEqual(['CANCELLED', 'REFUNDED']);
    });

    it('SCR-05: a person\'s payments since a date, by approval', async () => {
      const w = worker();
      const early = payment(w, '2026-03-01T09:00:00+09:00');
      const late = payment(w, '2026-03-09T09:00:00+09:00');
      for (const p of [early, late]) await t.index.index(p, new Date(p.approvedAt));
      expect((await t.index.paymentsOf({ personKind: 'WORKER', personId: w }, '2026-03-05')).map((p) => p.approvalNumber)).toEqual([late.approvalNumber]);
      expect((await t.index.paymentsOf({ personKind: 'RECIPIENT', personId: early.recipientId }, '2026-01-01')).map((p) => p.approvalNumber)).toEqual([early.approvalNumber]);
    });

    it('stillApproved reads the payment itself, not the index', async () => {
      const p = payment(worker(), '2026-03-10T12:00:00+09:00');
      await t.payment(p);
      await t.index.index(p, new Date(p.approvedAt));
      expect(await t.index.stillApproved(p)).toBe(true);
      await t.payment({ ...p, status: 'CANCELLED' });
      expect(await t.index.stillApproved(p)).toBe(false);
    });
  });
}
