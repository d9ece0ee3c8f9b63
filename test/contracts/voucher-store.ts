/**
 * Voucher generation's store contract (VCH-01..03, PO-06): a month is generated once however
 * often it runs, with what it grants counted once; a non-generation record never hides a voucher;
 * recipients come by shard, page by page; providers list the month's outcomes. One suite, run
 * against the in-memory fake (test/unit) and the DynamoDB adapter (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import { importRegistry } from '../../domain/registry/import';
import type { RegistryImportStore } from '../../domain/registry/ports';
import type { VoucherStore } from '../../domain/vouchers/ports';
import { type LapseReportPort, lapseVouchers, type VoucherLapsePort } from '../../domain/vouchers/lapse';
import { generateMonth } from '../../domain/vouchers/generation';
import { importEnvelope, parseImportRecords } from '../../events/import';
import { importDocument } from '../support/fixtures';

export interface VoucherStoreUnderTest {
  registry: RegistryImportStore;
  vouchers: VoucherStore & VoucherLapsePort & LapseReportPort;
  shardOf(recipientId: string): number;
  /** What a month grants a municipality × program, as counted with the vouchers. */
  granted(municipalityCode: string, programCode: string, month: string): Promise<number>;
}

const decidedAt = '2026-03-01T00:10:00+09:00';

export function voucherStoreContract(name: string, make: () => Promise<VoucherStoreUnderTest>) {
  /** The subject, seeded. */
  const seeded = async () => {
    const t = await make();
    const doc = importDocument(4);
    (doc.contracts[1] as Record<string, unknown>).status = 'SUSPENDED';
    const { parsed, issues } = parseImportRecords(importEnvelope.parse(doc));
    expect((await importRegistry(parsed, t.registry, '2026-02-20', issues)).rejected).toEqual([]);
    return t;
  };
  contractSuite(`voucher store contract: ${name}`, seeded, (t) => {
    const ids = ['R0001', 'R0002', 'R0003', 'R0004'];

    it('VCH-01: a month is generated once, however often generation runs', async () => {
      expect(await generateMonth(t.vouchers, ids, '2026-03', decidedAt)).toMatchObject({ recipients: 4, vouchersCreated: 3, notGenerated: 1 });
      expect(await generateMonth(t.vouchers, ids, '2026-03', decidedAt)).toMatchObject({ vouchersCreated: 0 });
      const month = await t.vouchers.loadRecipientMonth('R0001', '2026-03');
      expect(month?.recipient).toMatchObject({ recipientId: 'R0001', municipalityCode: '44130', status: 'ACTIVE' });
      expect(month?.contracts.map((c) => c.contractId)).toEqual(['C0001']);
      expect(month?.vouchers).toEqual([expect.objectContaining({ recipientId: 'R0001', month: '2026-03', serviceCode: '110101', contractId: 'C0001', remainingAmount: month!.vouchers[0]!.grantedAmount, remainingSessions: month!.vouchers[0]!.grantedSessions })]);
      expect((await t.vouchers.loadRecipientMonth('R0001', '2026-04'))?.vouchers).toEqual([]);
      expect(await t.vouchers.loadRecipientMonth('R9999', '2026-03')).toBeNull();
    });

    it('VCH-04: after the end of the month after, a month\'s remainders lapse once: remaining amount and sessions become lapsed', async () => {
      await generateMonth(t.vouchers, ids, '2026-03', decidedAt);
      const before = (await t.vouchers.loadRecipientMonth('R0001', '2026-03'))!.vouchers[0] as unknown as { grantedAmount: number; grantedSessions: number };
      await expect(lapseVouchers(t.vouchers, ids, '2026-03', '2026-04-30', '2026-04-30T23:59:00+09:00')).rejects.toThrow(/VCH-04/);
      const tally = await lapseVouchers(t.vouchers, ids, '2026-03', '2026-05-01', '2026-05-01T00:10:00+09:00');
      expect(tally.vouchers).toBe(3);
      expect(await lapseVouchers(t.vouchers, ids, '2026-03', '2026-05-01', '2026-05-01T00:11:00+09:00')).toEqual({ vouchers: 0, amount: 0, sessions: 0, minutes: 0 });
      const [after] = await t.vouchers.vouchersOf(['R0001'], '2026-03');
      expect(after).toMatchObject({ remainingAmount: 0, remainingSessions: 0, lapsedAmount: before.grantedAmount, lapsedSessions: before.grantedSessions, lapsedAt: '2026-05-01T00:10:00+09:00' });
      // VCH-04 report: the lapse totals were kept with the lapses, once.
      const totals = await t.vouchers.lapsedTotals('2026-03', undefined);
      expect(totals.reduce((n, x) => n + x.amount, 0)).toBe(tally.amount);
      expect(totals.reduce((n, x) => n + x.vouchers, 0)).toBe(3);
      expect(totals.reduce((n, x) => n + x.sessions, 0)).toBe(tally.sessions);
      expect(totals.every((x) => x.month === '2026-03' && x.programCode.length > 0)).toBe(true);
      expect(await t.vouchers.lapsedTotals('2026-03', '99999')).toEqual([]);
    });

    it('VCH-04: a lapse counts the remainder the voucher has, not a stale one it was given', async () => {
      await generateMonth(t.vouchers, ids, '2026-07', decidedAt);
      const [v] = await t.vouchers.vouchersOf(['R0001'], '2026-07');
      expect(await t.vouchers.lapse({ ...v!, remainingAmount: v!.remainingAmount - 1_000, remainingSessions: v!.remainingSessions - 1 }, '2026-09-01T00:10:00+09:00')).toBe(true);
      expect(await t.vouchers.lapse(v!, '2026-09-01T00:11:00+09:00')).toBe(false);
      const totals = await t.vouchers.lapsedTotals('2026-07', v!.municipalityCode);
      expect(totals).toEqual([expect.objectContaining({ municipalityCode: v!.municipalityCode, programCode: v!.programCode, vouchers: 1, amount: v!.remainingAmount, sessions: v!.remainingSessions })]);
    });

    it('PO-06: what the month grants is counted once, with its vouchers', async () => {
      const one = (await t.vouchers.loadRecipientMonth('R0001', '2026-03'))!.vouchers[0]!.grantedAmount;
      expect(await t.granted('44130', 'COMMUNITY', '2026-03')).toBe(3 * one);
    });

    it('VCH-02/03: providers list the month\'s outcomes, by status; a non-generation record never hides a voucher', async () => {
      const all = await t.vouchers.listOutcomes('P0001', '2026-03', {}, { limit: 10 });
      expect(all.items.map((o) => `${o.contractId}:${o.status}`)).toEqual(['C0001:GENERATED', 'C0002:NOT_GENERATED', 'C0003:GENERATED', 'C0004:GENERATED']);
      expect(all.items[1]).toMatchObject({ reason: 'CONTRACT_SUSPENDED' });
      const generated = all.items[0]!;
      expect(await t.vouchers.saveMonthPlan({ vouchers: [], outcomes: [{ ...generated, status: 'NOT_GENERATED', reason: 'CONTRACT_TERMINATED' }] })).toBe(0);
      expect((await t.vouchers.listOutcomes('P0001', '2026-03', {}, { limit: 10 })).items[0]).toMatchObject({ contractId: 'C0001', status: 'GENERATED' });
      expect((await t.vouchers.listOutcomes('P0001', '2026-04', {}, { limit: 10 })).items).toEqual([]);
      expect((await t.vouchers.listOutcomes('P0002', '2026-03', {}, { limit: 10 })).items).toEqual([]);
      const first = await t.vouchers.listOutcomes('P0001', '2026-03', {}, { limit: 2 });
      const rest = await t.vouchers.listOutcomes('P0001', '2026-03', {}, { limit: 10, nextToken: first.nextToken! });
      expect([...first.items, ...rest.items].map((o) => o.contractId)).toEqual(['C0001', 'C0002', 'C0003', 'C0004']);
    });

    it('VCH-01: recipients come by shard, page by page', async () => {
      const shard = t.shardOf('R0001');
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await t.vouchers.recipientIds(shard, { limit: 1, ...(nextToken ? { nextToken } : {}) });
        seen.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen).toContain('R0001');
      expect(seen.every((id) => t.shardOf(id) === shard)).toBe(true);
      expect((await t.vouchers.serviceTypes()).get('110101')).toMatchObject({ programCode: 'COMMUNITY' });
    });
    // Last: it imports 56 more recipients (and makes C0002 active again) into the shared subject.
    it('VCH-01 a page larger than one transaction, part of it generated before by another run: each voucher once, its grant counted once (PO-06)', async () => {
      // 60 recipients with one contract each: the page's plans span several 100-item transactions.
      const doc = importDocument(60);
      const { parsed, issues } = parseImportRecords(importEnvelope.parse({ recipients: doc.recipients, cards: doc.cards, contracts: doc.contracts }));
      expect((await importRegistry(parsed, t.registry, '2026-02-20', issues)).rejected).toEqual([]);
      const page = doc.recipients.map((r) => r.recipientId);
      expect(await generateMonth(t.vouchers, ['R0010', 'R0047'], '2026-05', decidedAt)).toMatchObject({ vouchersCreated: 2 });
      expect(await generateMonth(t.vouchers, page, '2026-05', decidedAt)).toMatchObject({ recipients: 60, vouchersCreated: 58, notGenerated: 0 });
      expect(await generateMonth(t.vouchers, page, '2026-05', decidedAt)).toMatchObject({ vouchersCreated: 0 });
      const held = await t.vouchers.vouchersOf(page, '2026-05');
      expect(held).toHaveLength(60);
      expect(new Set(held.map((v) => v.recipientId)).size).toBe(60);
      expect(await t.granted('44130', 'COMMUNITY', '2026-05')).toBe(held.reduce((n, v) => n + v.remainingAmount, 0)); // nothing paid yet: remaining = granted
      const outcomes = await t.vouchers.listOutcomes('P0001', '2026-05', { status: 'GENERATED' }, { limit: 100 });
      expect(outcomes.items).toHaveLength(60);
      // A recipient's month is its own: R0001's later months (May, and July of the lapse test) are not March's.
      expect((await t.vouchers.loadRecipientMonth('R0001', '2026-03'))!.vouchers.map((v) => v.month)).toEqual(['2026-03']);
      expect((await t.vouchers.loadRecipientMonth('R0001', '2026-05'))!.vouchers.map((v) => v.month)).toEqual(['2026-05']);
    });

  });
}
