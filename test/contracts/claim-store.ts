/**
 * The exception-claim store's contract (EXC-01/02/03): a session is claimed once and never on a
 * paid day, a received claim can be withdrawn; a claim is decided
 * once, from RECEIVED, and its approval puts the amount on its day bucket in the same write; a
 * provider's claims are listed newest first; a claim is checked against the registry. One suite,
 * run against the in-memory fake (test/unit) and the DynamoDB adapter (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import type { Claim, ClaimPort } from '../../domain/payments/claims';
import type { PaymentHistoryPort } from '../../domain/payments/history';
import { importRegistry } from '../../domain/registry/import';
import type { RegistryImportStore } from '../../domain/registry/ports';
import type { Bucket } from '../../domain/settlement/ledger';
import type { BucketRef } from '../../domain/settlement/ports';
import { importEnvelope, parseImportRecords } from '../../events/import';
import { importDocument } from '../support/fixtures';

export interface ClaimStoreUnderTest {
  registry: RegistryImportStore;
  claims: ClaimPort;
  bucket(ref: BucketRef): Promise<Bucket | null>;
  /** The usage history (PAY-13) as the payment store reads it. */
  history: PaymentHistoryPort;
  /** A payment was taken for this date: the month's voucher lists it in `paidDays`. */
  seedPaidDay(recipientId: string, serviceCode: string, date: string): Promise<void>;
}

let n = 0;

export function claimStoreContract(name: string, make: () => Promise<ClaimStoreUnderTest>) {
  /** The subject, seeded. */
  const seeded = async () => {
    const t = await make();
    const { parsed, issues } = parseImportRecords(importEnvelope.parse(importDocument(1)));
    expect((await importRegistry(parsed, t.registry, '2026-02-20', issues)).rejected).toEqual([]);
    return t;
  };
  contractSuite(`claim store contract: ${name}`, seeded, (t) => {

    const claimOf = (over: Partial<Claim> = {}): Claim => ({
      claimId: `CL${String(++n).padStart(4, '0')}`, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', amount: 36_000, state: 'RECEIVED',
      serviceCode: '110101', reason: 'CARD_LOST', reasonOccurredOn: '2026-02-03', recipientId: 'R0001', workerId: 'W0001', serviceDate: '2026-02-04',
      // Each claim its own session (EXC-03), unless a test says otherwise.
      serviceStartAt: `2026-02-04T${String(n % 24).padStart(2, '0')}:00:00+09:00`, serviceEndAt: `2026-02-04T${String(n % 24).padStart(2, '0')}:50:00+09:00`, filedAt: `2026-03-0${Math.min(9, n)}T10:00:00+09:00`, filedBy: 'u-P0001', ...over,
    });
    const decision = { decidedAt: '2026-03-10T10:00:00+09:00', decidedBy: 'agency-user' };

    it('EXC-03: a session is claimed once: the same claim or another for that session gets the claim holding it', async () => {
      const c = claimOf();
      expect(await t.claims.save(c)).toEqual({ kind: 'saved' });
      expect(await t.claims.save({ ...c, amount: 1 })).toEqual({ kind: 'taken', claim: c });
      // The same session, its start written in another zone, under another id.
      expect(await t.claims.save({ ...c, claimId: `${c.claimId}-B`, serviceStartAt: new Date(c.serviceStartAt).toISOString() })).toEqual({ kind: 'taken', claim: c });
      expect(await t.claims.claim(c.claimId)).toEqual(c);
      expect(await t.claims.claim(`${c.claimId}-B`)).toBeNull();
      expect(await t.claims.claim('CL-none')).toBeNull();
    });

    it('EXC-03: no claim for a day that has a payment, and nothing is written', async () => {
      await t.seedPaidDay('R0001', '110101', '2026-02-06');
      const c = claimOf({ serviceDate: '2026-02-06', serviceStartAt: '2026-02-06T10:00:00+09:00', serviceEndAt: '2026-02-06T11:00:00+09:00' });
      expect(await t.claims.save(c)).toEqual({ kind: 'paid' });
      expect(await t.claims.claim(c.claimId)).toBeNull();
      expect((await t.claims.context('R0001', 'W0001', { serviceCode: '110101', month: '2026-02' })).paidDays).toEqual(['2026-02-06']);
    });

    it('EXC-03: a received claim is withdrawn once, by its provider, and its session can be claimed again', async () => {
      const c = claimOf({ serviceStartAt: '2026-02-05T10:00:00+09:00', serviceDate: '2026-02-05', serviceEndAt: '2026-02-05T11:00:00+09:00' });
      await t.claims.save(c);
      expect(await t.claims.withdraw({ ...c, providerId: 'P0002' }, '2026-03-10T10:00:00+09:00', 'u-P0002')).toBe(false);
      expect(await t.claims.withdraw(c, '2026-03-10T10:00:00+09:00', 'u-P0001')).toBe(true);
      expect(await t.claims.withdraw(c, '2026-03-10T10:00:00+09:00', 'u-P0001')).toBe(false);
      expect(await t.claims.claim(c.claimId)).toMatchObject({ state: 'WITHDRAWN', decidedBy: 'u-P0001' });
      expect(await t.claims.decide(c, { ...decision, state: 'APPROVED', payableOn: '2026-03-10' })).toBe(false);
      expect(await t.claims.save({ ...c, claimId: `${c.claimId}-again` })).toEqual({ kind: 'saved' });
    });

    it('EXC-02: an approval is decided once and puts the amount on its day bucket', async () => {
      const c = claimOf({ municipalityCode: '44131' });
      await t.claims.save(c);
      const approve = { ...decision, state: 'APPROVED' as const, payableOn: '2026-03-10' };
      expect(await t.claims.decide(c, approve)).toBe(true);
      expect(await t.claims.decide(c, approve)).toBe(false);
      expect(await t.claims.decide(c, { ...decision, state: 'REJECTED', decisionReason: 'late' })).toBe(false);
      expect(await t.claims.claim(c.claimId)).toMatchObject({ state: 'APPROVED', payableOn: '2026-03-10', decidedBy: 'agency-user' });
      expect(await t.bucket({ providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44131', day: '2026-03-10' })).toMatchObject({ claims: 36_000, approved: 0 });
    });

    it('EXC-03: an approved claim is in its provider\'s usage history on the day it was approved, with channel EXCEPTION_CLAIM; a rejected one is not', async () => {
      const approved = claimOf({ providerId: 'P0009', serviceDate: '2026-02-11' });
      const rejected = claimOf({ providerId: 'P0009', serviceDate: '2026-02-12' });
      for (const c of [approved, rejected]) expect(await t.claims.save(c)).toEqual({ kind: 'saved' });
      expect(await t.claims.decide(approved, { decidedAt: '2026-03-09T10:00:00+09:00', decidedBy: 'agency-user', state: 'APPROVED', payableOn: '2026-02-28' })).toBe(true);
      expect(await t.claims.decide(rejected, { decidedAt: '2026-03-09T10:00:00+09:00', decidedBy: 'agency-user', state: 'REJECTED', decisionReason: 'no' })).toBe(true);
      const page = await t.history.providerPayments('P0009', '2026-03', { from: '2026-03-09', to: '2026-03-09' }, { limit: 50 });
      expect(page.items.filter((i) => 'claimId' in i)).toEqual([
        { entry: 'CLAIM', claimId: approved.claimId, channel: 'EXCEPTION_CLAIM', providerId: 'P0009', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: 'R0001', workerId: 'W0001', serviceDate: '2026-02-11', amount: 36_000, reason: 'CARD_LOST', approvedAt: '2026-03-09T10:00:00+09:00', approvalDate: '2026-03-09' },
      ]);
      expect((await t.history.providerPayments('P0009', '2026-03', { from: '2026-03-10', to: '2026-03-31' }, { limit: 50 })).items.filter((i) => 'claimId' in i && i.claimId === approved.claimId)).toEqual([]);
    });

    it('EXC-02: a rejection pays nothing', async () => {
      const c = claimOf({ municipalityCode: '44132' });
      await t.claims.save(c);
      expect(await t.claims.decide(c, { ...decision, state: 'REJECTED', decisionReason: 'not a system error' })).toBe(true);
      expect(await t.claims.claim(c.claimId)).toMatchObject({ state: 'REJECTED', decisionReason: 'not a system error' });
      expect(await t.bucket({ providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44132', day: '2026-03-10' })).toBeNull();
    });

    it('EXC-01: a provider\'s claims are listed newest first, page by page', async () => {
      const first = await t.claims.ofProvider('P0001', { limit: 2 });
      const rest = await t.claims.ofProvider('P0001', { limit: 10, nextToken: first.nextToken! });
      const all = [...first.items, ...rest.items];
      expect(all.map((c) => c.filedAt)).toEqual([...all.map((c) => c.filedAt)].sort().reverse());
      expect(all).toHaveLength(5);
      expect((await t.claims.ofProvider('P0002', { limit: 10 })).items).toEqual([]);
    });

    it('EXC-01: a claim is checked against the catalog, the recipient\'s contracts and the worker', async () => {
      expect(await t.claims.serviceType('110101')).toMatchObject({ serviceType: { serviceCode: '110101', programCode: 'COMMUNITY' }, programKind: 'SESSION' });
      expect(await t.claims.serviceType('999999')).toEqual({ serviceType: undefined, programKind: undefined });
      const ctx = await t.claims.context('R0001', 'W0001', { serviceCode: '110101', month: '2026-03' });
      expect(ctx).toMatchObject({ recipient: { municipalityCode: '44130' }, worker: { providerId: 'P0001', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] } });
      expect(ctx.contracts.map((c) => c.contractId)).toEqual(['C0001']);
      expect(ctx.paidDays).toEqual([]);
      expect(await t.claims.context('R9999', 'W9999', { serviceCode: '110101', month: '2026-03' })).toEqual({ recipient: null, contracts: [], worker: null, paidDays: [] });
    });
  });
}
