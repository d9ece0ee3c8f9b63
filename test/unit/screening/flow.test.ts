/**
 * The screening use cases against an in-memory port: the orderings the queue can produce, made
 * deterministic (SCR-01 pairs, cancellations before and during screening, SCR-05).
 */
import { describe, expect, it } from 'vitest';
import { rescreenPerson, screenApproval, type ScreeningSettings, screenWithdrawal } from '../../../domain/screening/flow';
import type { ScreeningPort } from '../../../domain/screening/ports';
import { DEFAULT_SCREENING_RULES, holdIdOf, type ScreenedPayment } from '../../../domain/screening/rules';
import { inMemoryScreening } from '../../fakes/screening-store';

const settings: ScreeningSettings = { rules: DEFAULT_SCREENING_RULES, programKind: () => 'SESSION' };
const at = new Date('2026-03-10T15:00:00+09:00');

const payment = (n: number, over: Partial<ScreenedPayment> = {}): ScreenedPayment => ({
  approvalNumber: `2603100000000${n}`, providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: `R000${n}`, workerId: 'W0001', municipalityCode: '44130',
  channel: 'TERMINAL', kind: 'NORMAL', amount: 36_000, serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', approvedAt: `2026-03-10T14:0${n}:00+09:00`, status: 'APPROVED', ...over,
});

const memoryPort = inMemoryScreening;

describe('SCR-01 pairs', () => {
  it('SCR-01 the later payment of a pair holds both, each with the other as evidence', async () => {
    const m = memoryPort();
    const [a, b] = [payment(1), payment(2)];
    m.approve(a);
    m.approve(b);
    await screenApproval(m.port, a, settings, at);
    expect(m.holds.size).toBe(0);
    await screenApproval(m.port, b, settings, at);
    expect([...m.holds.values()].map((h) => [h.approvalNumber, h.evidence.map((e) => (e.kind === 'PAYMENT' ? e.approvalNumber : ''))])).toEqual([
      [b.approvalNumber, [a.approvalNumber]],
      [a.approvalNumber, [b.approvalNumber]],
    ]);
  });

  it('SCR-01 screening the same approval twice changes nothing', async () => {
    const m = memoryPort();
    const [a, b] = [payment(1), payment(2)];
    m.approve(a);
    m.approve(b);
    await screenApproval(m.port, a, settings, at);
    await screenApproval(m.port, b, settings, at);
    const before = structuredClone([...m.holds.values()]);
    await screenApproval(m.port, b, settings, at);
    await screenApproval(m.port, a, settings, at);
    expect([...m.holds.values()]).toEqual(before);
  });
});

describe('cancellations', () => {
  it('a payment cancelled before it is screened is held by nothing and holds nobody', async () => {
    const m = memoryPort();
    const [a, b] = [payment(1), payment(2)];
    m.approve(a);
    m.approve(b);
    await screenApproval(m.port, a, settings, at);
    m.cancel(b);
    await screenWithdrawal(m.port, { ...b, status: 'CANCELLED' }, settings, at);
    await screenApproval(m.port, b, settings, at);
    expect(m.holds.size).toBe(0);
  });

  it('a payment cancelled while its partners are being held is taken back out of their holds', async () => {
    const [a, b] = [payment(1), payment(2)];
    // b is cancelled, and its cancellation fully screened, right after b's own hold is raised and
    // before b's screening holds its partner a.
    const m = memoryPort({
      onRaise: async (hold) => {
        if (hold.approvalNumber === b.approvalNumber) {
          m.cancel(b);
          await screenWithdrawal(m.port, { ...b, status: 'CANCELLED' }, settings, at);
        }
      },
    });
    m.approve(a);
    m.approve(b);
    await screenApproval(m.port, a, settings, at);
    await screenApproval(m.port, b, settings, at);
    const open = [...m.holds.values()].filter((h) => h.state === 'UNPROCESSED');
    expect(open).toEqual([]);
    expect(m.holds.get(`H${a.approvalNumber}-SCR01`)).toMatchObject({ state: 'VOIDED', voidReason: 'EVIDENCE_CANCELLED' });
  });

  it('a cancellation releases only holds left without evidence', async () => {
    const m = memoryPort();
    const [a, b, c] = [payment(1), payment(2), payment(3)];
    for (const p of [a, b, c]) m.approve(p);
    for (const p of [a, b, c]) await screenApproval(m.port, p, settings, at);
    m.cancel(c);
    await screenWithdrawal(m.port, { ...c, status: 'CANCELLED' }, settings, at);
    expect(m.holds.get(`H${c.approvalNumber}-SCR01`)).toMatchObject({ state: 'VOIDED', voidReason: 'PAYMENT_CANCELLED' });
    // a and b still match each other: their holds stay.
    expect(m.holds.get(`H${a.approvalNumber}-SCR01`)).toMatchObject({ state: 'UNPROCESSED' });
    expect(m.holds.get(`H${b.approvalNumber}-SCR01`)).toMatchObject({ state: 'UNPROCESSED' });
  });
});

describe('SCR-05 late evidence', () => {
  it('SCR-05 a death recorded later holds the person\'s approved payments on or after it, and only those', async () => {
    const m = memoryPort();
    const before = payment(1, { recipientId: 'R0009', workerId: 'W0009', serviceDate: '2026-03-09', approvedAt: '2026-03-09T14:00:00+09:00', serviceStartAt: null });
    const after = payment(2, { recipientId: 'R0009', workerId: 'W0008', serviceDate: '2026-03-10', serviceStartAt: null });
    for (const p of [before, after]) {
      m.approve(p);
      await screenApproval(m.port, p, settings, at);
    }
    expect(m.holds.size).toBe(0);
    m.people.set('RECIPIENT#R0009', { personKind: 'RECIPIENT', personId: 'R0009', deathDate: '2026-03-10', movements: [] });
    const raised = await rescreenPerson(m.port, { personKind: 'RECIPIENT', personId: 'R0009' }, '2026-03-10', settings, at);
    expect(raised.map((r) => [r.approvalNumber, r.ruleId, r.outcome])).toEqual([[after.approvalNumber, 'SCR-03', 'raised']]);
    expect(await rescreenPerson(m.port, { personKind: 'RECIPIENT', personId: 'R0009' }, '2026-03-10', settings, at)).toEqual([expect.objectContaining({ outcome: 'exists' })]);
  });
});

describe('the flow\'s other paths', () => {
  it('issue 15 §9: partners\' holds that are full already are read once and not written (SCR-01 keeps maxEvidence)', async () => {
    const m = memoryPort();
    const capped: ScreeningSettings = { ...settings, rules: { ...DEFAULT_SCREENING_RULES, 'SCR-01': { ...DEFAULT_SCREENING_RULES['SCR-01'], maxEvidence: 2 } } };
    const [a, b, c, d] = [payment(1), payment(2), payment(3), payment(4)];
    for (const p of [a, b, c, d]) m.approve(p);
    for (const p of [a, b, c]) await screenApproval(m.port, p, capped, at);
    const calls = { addEvidence: 0, raise: 0, evidenceKeys: 0 };
    const port: ScreeningPort = {
      ...m.port,
      addEvidence: (...args) => (calls.addEvidence++, m.port.addEvidence(...args)),
      raise: (...args) => (calls.raise++, m.port.raise(...args)),
      evidenceKeys: (...args) => (calls.evidenceKeys++, m.port.evidenceKeys(...args)),
    };
    const raised = await screenApproval(port, d, capped, at);
    // d's own hold cites a and b; both already hold two pieces of evidence.
    expect(raised.map((r) => [r.approvalNumber, r.outcome])).toEqual([[d.approvalNumber, 'raised'], [a.approvalNumber, 'exists'], [b.approvalNumber, 'exists']]);
    expect(calls).toEqual({ addEvidence: 0, raise: 1, evidenceKeys: 1 });
    expect(m.holds.get(holdIdOf(a.approvalNumber, "SCR-01"))?.evidence).toHaveLength(2);
  });

  it('issue 15 §9: a partner\'s hold with room takes the evidence; one that is gone is raised again', async () => {
    const m = memoryPort();
    const [a, b, c] = [payment(1), payment(2), payment(3)];
    for (const p of [a, b, c]) m.approve(p);
    await screenApproval(m.port, a, settings, at);
    await screenApproval(m.port, b, settings, at);
    m.holds.delete(holdIdOf(b.approvalNumber, "SCR-01"));
    await screenApproval(m.port, c, settings, at);
    const evidenceOf = (p: ScreenedPayment) => m.holds.get(holdIdOf(p.approvalNumber, "SCR-01"))?.evidence.map((e) => (e.kind === 'PAYMENT' ? e.approvalNumber : '')).sort();
    expect(evidenceOf(a)).toEqual([b.approvalNumber, c.approvalNumber]);
    expect(evidenceOf(b)).toEqual([c.approvalNumber]);
  });

  it('SCR-06 with SCR-01 disabled, screening never reads the neighbours and raises no pair', async () => {
    const m = memoryPort();
    const [a, b] = [payment(1), payment(2)];
    m.approve(a);
    m.approve(b);
    let asked = 0;
    const port = { ...m.port, neighbours: async (...args: Parameters<ScreeningPort['neighbours']>) => (asked++, m.port.neighbours(...args)) };
    const off: ScreeningSettings = { ...settings, rules: { ...DEFAULT_SCREENING_RULES, 'SCR-01': { ...DEFAULT_SCREENING_RULES['SCR-01'], enabled: false } } };
    await screenApproval(port, a, off, at);
    expect(await screenApproval(port, b, off, at)).toEqual([]);
    expect(asked).toBe(0);
  });

  it('a payment indexed as cancelled already is not screened at all', async () => {
    const m = memoryPort();
    const a = payment(1);
    await m.port.withdraw({ ...a, status: 'CANCELLED' });
    expect(await screenApproval(m.port, a, settings, at)).toEqual([]);
  });

  it('a hold its payment can no longer take is evidence against nobody: its partner is not held', async () => {
    const m = memoryPort();
    const [a, b] = [payment(1), payment(2)];
    m.approve(a); // b is never approved in truth: its own hold is not holdable
    await screenApproval(m.port, a, settings, at);
    const raised = await screenApproval(m.port, b, settings, at);
    expect(raised).toEqual([expect.objectContaining({ approvalNumber: b.approvalNumber, outcome: 'not-holdable' })]);
    expect(m.holds.size).toBe(0);
  });

  it('SCR-04 a refunded payment\'s holds are voided as PAYMENT_REFUNDED; SCR-05 reads each person\'s evidence once', async () => {
    const m = memoryPort();
    const p1 = payment(1, { recipientId: 'R0009', workerId: 'W0009', serviceStartAt: null, approvedAt: '2026-03-10T09:00:00+09:00' });
    const p2 = payment(2, { recipientId: 'R0009', workerId: 'W0009', serviceStartAt: null, approvedAt: '2026-03-10T12:00:00+09:00' });
    for (const p of [p1, p2]) {
      m.approve(p);
      await screenApproval(m.port, p, settings, at);
    }
    m.people.set('WORKER#W0009', { personKind: 'WORKER', personId: 'W0009', deathDate: null, movements: [{ date: '2026-03-01', direction: 'DEPARTURE' }] });
    let reads = 0;
    const port = { ...m.port, people: async (refs: Parameters<ScreeningPort['people']>[0]) => (reads++, m.port.people(refs)) };
    const raised = await rescreenPerson(port, { personKind: 'WORKER', personId: 'W0009' }, '2026-03-01', settings, at);
    expect(raised.map((r) => r.ruleId)).toEqual(['SCR-04', 'SCR-04']);
    expect(reads).toBe(1);
    const refunded = { ...p1, status: 'REFUNDED' as const };
    m.cancel(p1);
    expect((await screenWithdrawal(m.port, refunded, settings, at)).voided).toEqual([`H${p1.approvalNumber}-SCR04`]);
    expect(m.holds.get(`H${p1.approvalNumber}-SCR04`)).toMatchObject({ state: 'VOIDED', voidReason: 'PAYMENT_REFUNDED' });
  });
});
