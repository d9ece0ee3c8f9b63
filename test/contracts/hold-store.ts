/**
 * The hold store's contract (§5, HOLD-01..03): what the hold workflow and screening rely on the
 * store to guarantee. One suite, run against the in-memory fake (test/unit) and the DynamoDB
 * adapter on DynamoDB Local (test/integration).
 */
import { expect, it } from 'vitest';
import type { DepositPort, LedgerPort, PayoutPort } from '../../domain/settlement/ports';
import { contractSuite } from './suite';
import { holdOf } from '../../domain/screening/flow';
import type { Hold } from '../../domain/screening/holds';
import type { HoldMove, HoldPort, ScreeningHoldPort } from '../../domain/screening/ports';
import type { ScreenedPayment } from '../../domain/screening/rules';
import { type Bucket, factOfPayment } from '../../domain/settlement/ledger';
import type { Payout } from '../../domain/settlement/payout';
import { addDays } from '../../domain/shared/calendar';
import { MAX_HOLDS_PER_ACTION } from '../../events/screening';

export interface HoldStoreUnderTest {
  store: HoldPort & ScreeningHoldPort;
  /** Records the payment as approved (holdable) or cancelled where the store reads payments. */
  payment(p: ScreenedPayment): Promise<void>;
  /** The payment's hold counts as stored. */
  counts(p: ScreenedPayment): Promise<{ open: number; denied: number }>;
  /** The day bucket the payment's money is in. */
  bucket(p: ScreenedPayment): Promise<Pick<Bucket, 'held' | 'released' | 'denied' | 'unscreened'> | null>;
  /** The settlement the payments' day buckets are in: their approvals, and payouts settling them. */
  settlement: { ledger: LedgerPort; deposits: DepositPort; engine: PayoutPort };
}

let serial = 0;
const at = '2026-03-12T10:00:00+09:00';

export function holdStoreContract(name: string, make: () => Promise<HoldStoreUnderTest>) {
  contractSuite(`hold store contract: ${name}`, make, (t) => {

    /** A payment of a fresh provider on `day`, approved unless told. */
    async function paid(providerId: string, day = '2026-03-10', status: ScreenedPayment['status'] = 'APPROVED'): Promise<ScreenedPayment> {
      const n = String(++serial).padStart(6, '0');
      const p: ScreenedPayment = {
        approvalNumber: `${day.replace(/-/g, '')}${n}`, providerId, programCode: 'P11', serviceCode: '110101', recipientId: `R${n}`, workerId: 'W1', municipalityCode: '11110',
        channel: 'TERMINAL', kind: 'NORMAL', amount: 36_000, serviceDate: day, serviceStartAt: `${day}T10:00:00+09:00`, approvedAt: `${day}T12:00:00+09:00`, status,
      };
      await t.payment(p);
      return p;
    }
    const hold = (p: ScreenedPayment, ruleId: Hold['ruleId'] = 'HOLD-03'): Hold => holdOf(p, { ruleId, ruleVersion: 1, groupKey: `G-${p.approvalNumber}`, evidence: [] }, at);
    const move = (h: Hold, to: HoldMove['to'], actor: HoldMove['actor']): HoldMove => ({ hold: h, to, actor, entry: { at, by: 'tester', role: actor, from: h.state, to } });
    const provider = () => `PC${String(++serial).padStart(4, '0')}`;

    it('HOLD-03: raises several holds together, and a hold once per payment and rule', async () => {
      const pid = provider();
      const [a, b] = [hold(await paid(pid)), hold(await paid(pid))];
      expect(await t.store.raiseAll([a, b])).toEqual(['raised', 'raised']);
      expect(await t.store.raise(a)).toBe('exists');
      expect((await t.store.holds([a.holdId, b.holdId])).map((h) => h.state)).toEqual(['UNPROCESSED', 'UNPROCESSED']);
    });

    it('HOLD-03: all or none — an already held payment places no hold at all', async () => {
      const pid = provider();
      const held = hold(await paid(pid));
      await t.store.raise(held);
      const fresh = hold(await paid(pid));
      expect(await t.store.raiseAll([fresh, held])).toEqual(['raised', 'exists']);
      expect(await t.store.hold(fresh.holdId)).toBeNull();
    });

    it('HOLD-03: all or none — a cancelled payment is not holdable, and nothing is placed', async () => {
      const pid = provider();
      const fresh = hold(await paid(pid));
      const cancelled = hold(await paid(pid, '2026-03-10', 'CANCELLED'));
      expect(await t.store.raiseAll([fresh, cancelled])).toEqual(['raised', 'not-holdable']);
      expect(await t.store.hold(fresh.holdId)).toBeNull();
      expect(await t.store.hold(cancelled.holdId)).toBeNull();
    });

    it('§5: a move needs the state it was decided from — of two racing moves one wins, the other changes nothing', async () => {
      const h = hold(await paid(provider()));
      await t.store.raise(h);
      const [first, second] = await Promise.all([t.store.move([move(h, 'UNDER_REVIEW', 'agency')]), t.store.move([move(h, 'WITHDRAWN', 'provider')])]);
      expect([first, second].sort()).toEqual(['conflict', 'moved']);
      const after = (await t.store.hold(h.holdId))!;
      expect(['UNDER_REVIEW', 'WITHDRAWN']).toContain(after.state);
      expect(after.history).toHaveLength(2);
      expect(await t.store.move([move(h, 'REVIEWED', 'agency')])).toBe('conflict');
    });

    it('HOLD-01: holds moved together move all or none', async () => {
      const pid = provider();
      const [a, b] = [hold(await paid(pid)), hold(await paid(pid))];
      await t.store.raiseAll([a, b]);
      expect(await t.store.move([move(b, 'UNDER_REVIEW', 'agency')])).toBe('moved');
      expect(await t.store.move([move(a, 'WITHDRAWN', 'provider'), move(b, 'WITHDRAWN', 'provider')])).toBe('conflict');
      expect((await t.store.hold(a.holdId))!.state).toBe('UNPROCESSED');
    });

    it('§5: a decision is kept with its reason, and PAY releases the amount', async () => {
      const h = hold(await paid(provider()));
      await t.store.raise(h);
      expect(await t.store.move([{ ...move(h, 'REVIEWED', 'agency'), decision: 'PAY', decisionReason: 'documents fine' }])).toBe('moved');
      expect(await t.store.hold(h.holdId)).toMatchObject({ state: 'REVIEWED', decision: 'PAY', decisionReason: 'documents fine', releasedAt: at });
      expect(await t.store.voidHold((await t.store.hold(h.holdId))!, 'PAYMENT_CANCELLED', at)).toBe(false);
    });

    it('§5: a payment is held once in its counts and its day bucket, however many holds it has', async () => {
      const p = await paid(provider());
      await t.store.raise(hold(p, 'SCR-01'));
      expect(await t.counts(p)).toEqual({ open: 1, denied: 0 });
      expect(await t.bucket(p)).toMatchObject({ held: 36_000, released: 0, denied: 0 });
      await t.store.raise(hold(p, 'SCR-02'));
      expect(await t.counts(p)).toEqual({ open: 2, denied: 0 });
      expect(await t.bucket(p)).toMatchObject({ held: 36_000 });
    });

    it('PO-02: a hold raised as screening finishes tells settlement in the same write, and only once', async () => {
      const p = await paid(provider());
      expect(await t.settlement.ledger.apply(factOfPayment({ ...p, event: 'PAYMENT_APPROVED', approvalDate: '2026-03-10' })!)).toBe('applied');
      expect(await t.bucket(p)).toMatchObject({ unscreened: 36_000, held: 0 });
      expect(await t.store.raise(hold(p, 'SCR-01'), p)).toBe('raised');
      expect(await t.bucket(p)).toMatchObject({ unscreened: 0, held: 36_000 });
      // Delivered again: the hold is there, nothing moves.
      expect(await t.store.raise(hold(p, 'SCR-01'), p)).toBe('exists');
      // Another hold with the fact applied already: it is raised, the fact not counted twice.
      expect(await t.store.raise(hold(p, 'SCR-02'), p)).toBe('raised');
      expect(await t.bucket(p)).toMatchObject({ unscreened: 0, held: 36_000 });
      expect(await t.settlement.ledger.apply(factOfPayment({ ...p, event: 'PAYMENT_SCREENED', approvalDate: '2026-03-10' })!)).toBe('duplicate');
    });

    it('HOLD-02: the last open hold decided PAY releases the amount; NO_PAY denies it for good', async () => {
      const pid = provider();
      const [payMe, denyMe] = [await paid(pid, '2026-03-11'), await paid(pid, '2026-03-11')];
      const [a, b] = [hold(payMe), hold(denyMe)];
      expect(await t.store.raiseAll([a, b])).toEqual(['raised', 'raised']);
      expect(await t.bucket(payMe)).toMatchObject({ held: 72_000 });
      expect(await t.store.move([{ ...move(a, 'REVIEWED', 'agency'), decision: 'PAY', decisionReason: 'fine' }])).toBe('moved');
      expect(await t.store.move([{ ...move(b, 'REVIEWED', 'agency'), decision: 'NO_PAY', decisionReason: 'not delivered' }])).toBe('moved');
      expect(await t.counts(payMe)).toEqual({ open: 0, denied: 0 });
      expect(await t.counts(denyMe)).toEqual({ open: 0, denied: 1 });
      expect(await t.bucket(payMe)).toMatchObject({ held: 72_000, released: 36_000, denied: 36_000 });
    });

    it('§5: a voided hold releases its payment, once', async () => {
      const p = await paid(provider(), '2026-03-12');
      const h = hold(p);
      await t.store.raise(h);
      expect(await t.store.voidHold(h, 'PAYMENT_CANCELLED', at)).toBe(true);
      expect(await t.store.voidHold(h, 'PAYMENT_CANCELLED', at)).toBe(false);
      expect(await t.store.hold(h.holdId)).toMatchObject({ state: 'VOIDED', voidReason: 'PAYMENT_CANCELLED', releasedAt: at });
      expect(await t.counts(p)).toEqual({ open: 0, denied: 0 });
      expect(await t.bucket(p)).toMatchObject({ held: 36_000, released: 36_000 });
    });

    /** The payment's day bucket as the ledger and a payout leave it: `approved` in it, `settled` of it paid. */
    const ledgered = async (p: ScreenedPayment, settled: number, approved = p.amount) => {
      const ref = { providerId: p.providerId, programCode: p.programCode, municipalityCode: p.municipalityCode!, day: p.approvedAt.slice(0, 10) };
      const { ledger, deposits, engine } = t.settlement;
      await ledger.apply({ factId: `F-${p.approvalNumber}-approved`, ...ref, deltas: { approved } });
      if (!settled) return;
      await deposits.deposit({ depositId: `D-${p.approvalNumber}`, municipalityCode: ref.municipalityCode, programCode: ref.programCode, amount: settled, depositedAt: at, recordedBy: 'm', at });
      const bucket = (await ledger.bucket(ref))!;
      const plan = { amount: settled, draws: [{ bucket, amount: settled }], deposits: new Map([[ref.municipalityCode, settled]]), delays: [] };
      const payout: Payout = {
        payoutId: `PO-${p.approvalNumber}`, runId: 'r', providerId: ref.providerId, programCode: ref.programCode, cycle: '2026-03-2', payDate: '2026-03-25', payDateReason: null, amount: settled, status: 'SCHEDULED', resultCode: null, account: null,
        draws: [{ day: ref.day, municipalityCode: ref.municipalityCode, amount: settled }], deposits: [{ municipalityCode: ref.municipalityCode, amount: settled }], delays: [], createdAt: at,
      };
      expect(await engine.commit(payout, plan, [], at)).toBe('committed');
    };

    it('§5: a day already paid out takes no new hold, and nothing moves', async () => {
      const p = await paid(provider(), '2026-03-13');
      await ledgered(p, p.amount);
      expect(await t.store.raise(hold(p))).toBe('not-holdable');
      expect(await t.counts(p)).toEqual({ open: 0, denied: 0 });
      expect(await t.bucket(p)).toMatchObject({ held: 0 });
    });

    it('§5 regression: a payment not yet paid can be held on a day a payout partly paid; the day\'s paid part cannot', async () => {
      // Two payments of 36,000 on the day; a short deposit paid 36,000 of the 72,000.
      const pid = provider();
      const [a, b] = [await paid(pid, '2026-03-16'), await paid(pid, '2026-03-16')];
      await ledgered(a, 36_000, 72_000);
      expect(await t.store.raise(hold(a))).toBe('raised');
      expect(await t.store.raise(hold(b))).toBe('not-holdable');
      expect(await t.bucket(a)).toMatchObject({ held: 36_000 });
      // Two at once need both unpaid: with one left unpaid, neither is held.
      const pid2 = provider();
      const [c, d] = [await paid(pid2, '2026-03-17'), await paid(pid2, '2026-03-17')];
      await ledgered(c, 36_000, 72_000);
      expect(await t.store.raiseAll([hold(c), hold(d)])).toEqual(['not-holdable', 'not-holdable']);
      expect(await t.counts(c)).toEqual({ open: 0, denied: 0 });
    });

    it('§5 regression: a payment held when its day was paid, then released, can be held again by another rule', async () => {
      const pid = provider();
      const [p] = [await paid(pid, '2026-03-18'), await paid(pid, '2026-03-18')];
      const first = hold(p!, 'SCR-01');
      expect(await t.store.raise(first)).toBe('raised');
      // The run paid the day's other 36,000 while this one was held; then the hold is decided PAY.
      await ledgered(p!, 36_000, 72_000);
      expect(await t.store.move([{ ...move(first, 'REVIEWED', 'agency'), decision: 'PAY', decisionReason: 'fine' }])).toBe('moved');
      // A death record arriving late holds it again: it was never paid.
      expect(await t.store.raise(hold(p!, 'SCR-03'))).toBe('raised');
      expect(await t.bucket(p!)).toMatchObject({ held: 72_000, released: 36_000 });
    });

    it('HOLD-01/03: the largest action the API takes — each hold on a day of its own — is raised and withdrawn in one transaction', async () => {
      const pid = provider();
      const payments = await Promise.all(Array.from({ length: MAX_HOLDS_PER_ACTION }, (_, i) => paid(pid, addDays('2026-01-01', i))));
      const list = payments.map((p) => hold(p));
      expect(await t.store.raiseAll(list)).toEqual(list.map(() => 'raised'));
      expect(await t.store.move(list.map((h) => move(h, 'WITHDRAWN', 'provider')))).toBe('moved');
      expect(await t.counts(payments.at(-1)!)).toEqual({ open: 0, denied: 1 });
    });

    it('HOLD-01/03: an action too large for one transaction is refused whole, and nothing is held', async () => {
      const pid = provider();
      const payments = await Promise.all(Array.from({ length: MAX_HOLDS_PER_ACTION + 1 }, (_, i) => paid(pid, addDays('2026-05-01', i))));
      const list = payments.map((p) => hold(p));
      await expect(t.store.raiseAll(list)).rejects.toThrow(/100/);
      expect(await t.store.holds(list.map((h) => h.holdId))).toEqual([]);
      expect(await t.counts(payments[0]!)).toEqual({ open: 0, denied: 0 });
    });

    it('§5: documents are taken while the provider may submit, up to the cap, and only on its own hold', async () => {
      const h = hold(await paid(provider()));
      await t.store.raise(h);
      const doc = (i: number) => ({ documentKey: `holds/${h.holdId}/${i}/a.png`, fileName: 'a.png', contentType: 'image/png', size: 10, issuedAt: at });
      expect(await t.store.addDocument(h, doc(1), 2)).toBe(true);
      expect(await t.store.addDocument(h, doc(2), 2)).toBe(true);
      expect(await t.store.addDocument(h, doc(3), 2)).toBe(false);
      expect(await t.store.addDocument({ ...h, providerId: 'SOMEONE-ELSE' }, doc(4), 9)).toBe(false);
      await t.store.move([move(h, 'WITHDRAWN', 'provider')]);
      expect(await t.store.addDocument(h, doc(5), 9)).toBe(false);
      expect((await t.store.hold(h.holdId))!.documents.map((d) => d.documentKey)).toEqual([doc(1).documentKey, doc(2).documentKey]);
    });

    it('SCR-05: evidence is one entry per fact up to the cap; a hold keeping evidence is not voided for lost evidence', async () => {
      const h = hold(await paid(provider()), 'SCR-03');
      await t.store.raise(h);
      const death = (id: string) => ({ kind: 'DEATH_RECORD' as const, person: 'RECIPIENT' as const, personId: id, deathDate: '2026-03-01' });
      // What each addition found (screening raises a partner's hold only when it is absent, issue 15 §9).
      expect(await t.store.addEvidence(h.holdId, death('A'), 2)).toBe('added');
      expect(await t.store.addEvidence(h.holdId, death('A'), 2)).toBe('added');
      expect(await t.store.addEvidence(h.holdId, death('B'), 2)).toBe('added');
      expect(await t.store.addEvidence(h.holdId, death('C'), 2)).toBe('full');
      expect(await t.store.addEvidence('H00000000000000-SCR03', death('A'), 2)).toBe('absent');
      expect((await t.store.hold(h.holdId))!.evidence).toHaveLength(2);
      // Many holds' evidence in one read: only holds that exist are in the answer.
      const keys = await t.store.evidenceKeys([h.holdId, 'H00000000000000-SCR03']);
      expect([...keys.keys()]).toEqual([h.holdId]);
      expect(keys.get(h.holdId)!.sort()).toEqual(['DEATH#RECIPIENT#A', 'DEATH#RECIPIENT#B']);
      const current = (await t.store.hold(h.holdId))!;
      expect(await t.store.voidHold(current, 'EVIDENCE_CANCELLED', at)).toBe(false);
      expect(await t.store.dropEvidence(h.holdId, 'no-such-evidence')).toBeNull();
    });

    it('§5: lists page through a provider\'s holds newest first, within the dates and the filter', async () => {
      const pid = provider();
      const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
      const raised: Hold[] = [];
      for (const day of days) {
        const h = hold(await paid(pid, day));
        await t.store.raise(h);
        raised.push(h);
      }
      await t.store.move([move(raised[1]!, 'UNDER_REVIEW', 'agency')]);
      const seen: Hold[] = [];
      let nextToken: string | undefined;
      do {
        const page = await t.store.providerHolds(pid, { from: '2026-03-03', to: '2026-03-06' }, { state: 'UNPROCESSED' }, { limit: 2, ...(nextToken ? { nextToken } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen.map((h) => h.paymentDate)).toEqual(['2026-03-06', '2026-03-05', '2026-03-04']);
      const day = await t.store.dayHolds('2026-03-03', { municipalityCode: '11110' }, { limit: 50 });
      expect(day.items.map((h) => h.holdId)).toContain(raised[1]!.holdId);
    });
  });
}
