/** PO-03 deposits, the payout views (PO-06/07, §8) and a payout shard (PO-02, CMS-04) on the settlement fake. */
import { describe, expect, it } from 'vitest';
import type { PayoutAccount } from '../../../domain/registry/entities';
import { depositIdOf, depositStatements, recordDeposit } from '../../../domain/settlement/deposits';
import type { Payout } from '../../../domain/settlement/payout';
import { payShard } from '../../../domain/settlement/payouts';
import type { Payee } from '../../../domain/settlement/ports';
import type { StatementCandidates } from '../../../domain/settlement/statements';
import { depositForecasts, listPayouts, payoutFor, payoutStatement, providerForecasts } from '../../../domain/settlement/views';
import type { Caller } from '../../../domain/shared/ports';
import { InMemorySettlement } from '../../fakes/settlement-store';

const clock = { now: () => new Date('2026-03-20T10:00:00+09:00') };
const account: PayoutAccount = { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '기관' };
const run = { runId: '2026-03-1', runDate: '2026-03-11', cycle: '2026-03-1', payDate: '2026-03-16', throughDay: '2026-03-10' };
const caller = (providerId?: string): Caller => ({ sub: 'u', role: providerId ? 'provider' : 'agency', providerId, sees: (r) => !providerId || r.providerId === providerId });

async function world() {
  const s = new InMemorySettlement();
  await recordDeposit({ deposits: s, clock }, 'm-user', { municipalityCode: '11110', programCode: 'COMMUNITY', amount: 100_000, depositedAt: '2026-03-01T09:00:00+09:00' });
  for (const [providerId, amount] of [['P1', 30_000], ['P2', 20_000]] as const) await s.apply({ factId: `F-${providerId}`, providerId, programCode: 'COMMUNITY', municipalityCode: '11110', day: '2026-03-02', deltas: { approved: amount } });
  const queued: string[] = [];
  const transfers = { queue: async (p: Payout, payee: Payee) => { queued.push(`${p.payoutId}/${payee.businessNumber}`); await s.markInstructionQueued(p.payoutId, clock.now().toISOString()); } };
  const deps = { engine: s.engine, records: s, transfers, programs: async () => ['COMMUNITY', 'HOUSEWORK'], clock };
  return { s, queued, deps };
}

describe('PO-03 recordDeposit', () => {
  it('records a deposit once: without an id, the same account, amount and instant are one deposit', async () => {
    const s = new InMemorySettlement();
    const req = { municipalityCode: '11110', programCode: 'COMMUNITY', amount: 500_000, depositedAt: '2026-03-01T09:00:00+09:00' };
    const first = await recordDeposit({ deposits: s, clock }, 'm-user', req);
    expect(first).toEqual({ depositId: depositIdOf(req), duplicate: false, municipalityCode: '11110', programCode: 'COMMUNITY', amount: 500_000, balance: 500_000, depositedTotal: 500_000, paidTotal: 0 });
    expect(await recordDeposit({ deposits: s, clock }, 'm-user', { ...req, depositedAt: '2026-03-01T00:00:00Z' })).toMatchObject({ duplicate: true, balance: 500_000 });
    expect(depositIdOf({ ...req, depositId: 'BANK-77' })).toBe('BANK-77');
    expect(depositIdOf({ ...req, amount: 500_001 })).not.toBe(first.depositId);
  });
});

describe('payout views', () => {
  it('§6 lists a provider\'s payouts, or a pay day\'s; the agency must name one of the two', async () => {
    const { s, deps } = await world();
    await payShard(deps, run, 7);
    s.payeesByShard.set(7, [{ providerId: 'P1', businessNumber: '1111111111', accounts: [account] }]);
    await payShard(deps, run, 7);
    const mine = await listPayouts(s, 'P1', undefined, { limit: 10 });
    expect(mine.ok && mine.page.items.map((p) => p.payoutId)).toEqual(['PO-2026-03-1-P1-COMMUNITY']);
    const day = await listPayouts(s, undefined, '2026-03-16', { limit: 10 });
    expect(day.ok && day.page.items).toHaveLength(1);
    expect(await listPayouts(s, undefined, undefined, { limit: 10 })).toMatchObject({ ok: false, refusal: { code: 'PAY_DATE_REQUIRED', rule: '§6' } });
  });

  it('§8 another provider\'s payout is not found; PO-07 its statement is CSV of what stands behind it', async () => {
    const { s, deps } = await world();
    s.payeesByShard.set(7, [{ providerId: 'P1', businessNumber: '1111111111', accounts: [account] }]);
    await payShard(deps, run, 7);
    const id = 'PO-2026-03-1-P1-COMMUNITY';
    expect(await payoutFor(s, caller('P2'), id)).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND', rule: '§8' } });
    expect(await payoutFor(s, caller('P1'), 'PO-none')).toMatchObject({ ok: false });
    expect(await payoutFor(s, caller(), id)).toMatchObject({ ok: true, payout: { amount: 30_000 } });
    const none: StatementCandidates = { payments: [], recoveries: [], claims: [], payouts: [] };
    const statement = await payoutStatement({ records: s, statements: { statementFacts: async () => none } }, caller('P1'), id);
    expect(statement.ok && statement.csv).toMatch(/^\uFEFFsection,payoutId.*\r\nPAYOUT,PO-2026-03-1-P1-COMMUNITY,2026-03-1,2026-03-16,30000,SCHEDULED/s);
    expect(await payoutStatement({ records: s, statements: { statementFacts: async () => none } }, caller('P2'), id)).toMatchObject({ ok: false });
  });

  it('PO-06 forecasts each matching account from this month', async () => {
    const { s } = await world();
    s.granted.set('11110|COMMUNITY', new Map([['2026-03', 60_000]]));
    const [f, ...rest] = await depositForecasts({ deposits: s, clock }, { municipalityCode: '11110' });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ municipalityCode: '11110', programCode: 'COMMUNITY', balance: 100_000 });
    expect(f!.months.map((m) => m.month)).toEqual(['2026-03', '2026-04', '2026-05']);
    expect(await depositForecasts({ deposits: s, clock }, { programCode: 'HOUSEWORK' })).toEqual([]);
  });

  it('PO-06 a provider reads the forecast of its contracts\' municipalities: the statuses, never the balance', async () => {
    const { s } = await world();
    s.granted.set('11110|COMMUNITY', new Map([['2026-03', 60_000]]));
    const views = await providerForecasts({ deposits: s, clock }, ['11110', '11110', '29999'], undefined);
    expect(views).toEqual([{ municipalityCode: '11110', programCode: 'COMMUNITY', months: [{ month: '2026-03', status: 'POSSIBLE' }, { month: '2026-04', status: expect.any(String) }, { month: '2026-05', status: expect.any(String) }] }]);
    expect(JSON.stringify(views)).not.toContain('balance');
    expect(await providerForecasts({ deposits: s, clock }, [], undefined)).toEqual([]);
  });

  it('PO-03 a deposit account\'s entries in order, each with the balance after it, summing to the balance', async () => {
    const { s, deps } = await world();
    s.payeesByShard.set(7, [{ providerId: 'P1', businessNumber: '1111111111', accounts: [account] }]);
    await payShard(deps, run, 7);
    const [statement, ...rest] = await depositStatements(s, { municipalityCode: '11110' });
    expect(rest).toEqual([]);
    expect(statement).toMatchObject({ municipalityCode: '11110', programCode: 'COMMUNITY', balance: 70_000, depositedTotal: 100_000, paidTotal: 30_000, balanced: true });
    expect(statement!.entries.map((e) => [e.kind, e.amount, e.balanceAfter])).toEqual([['FUNDED', 100_000, 100_000], ['DRAWN', -30_000, 70_000]]);
    expect(await depositStatements(s, { programCode: 'HOUSEWORK' })).toEqual([]);
  });
});

describe('PO-02 payShard', () => {
  it('pays every payee × program once, queues each transfer once; a program without an account waits as OTHER', async () => {
    const { s, queued, deps } = await world();
    s.payeesByShard.set(7, [{ providerId: 'P1', businessNumber: '1111111111', accounts: [account] }, { providerId: 'P2', businessNumber: '2222222222', accounts: [] }]);
    expect(await payShard(deps, run, 7)).toEqual({ paid: 1, delayed: 1, netted: 0, existing: 0, amount: 30_000 });
    expect(queued).toEqual(['PO-2026-03-1-P1-COMMUNITY/1111111111']);
    expect(await s.delays('P2')).toEqual([expect.objectContaining({ reason: 'OTHER', amount: 20_000 })]);
    expect(await payShard(deps, run, 7)).toEqual({ paid: 0, delayed: 0, netted: 0, existing: 2, amount: 0 });
    expect(queued).toHaveLength(1);
  });

  it('CMS-04 an account the bank refused is not paid to again until it changes', async () => {
    const { s, queued, deps } = await world();
    s.rejected.set('P1|COMMUNITY', { bankCode: account.bankCode, accountNumber: account.accountNumber });
    s.payeesByShard.set(7, [{ providerId: 'P1', businessNumber: '1111111111', accounts: [account] }]);
    expect(await payShard(deps, run, 7)).toMatchObject({ paid: 0, delayed: 1 });
    expect(queued).toEqual([]);
    s.payeesByShard.set(7, [{ providerId: 'P1', businessNumber: '1111111111', accounts: [{ ...account, accountNumber: '99998888777766' }] }]);
    expect(await payShard(deps, { ...run, runId: 'adhoc-2026-03-12', cycle: 'adhoc', payDate: '2026-03-13' }, 7)).toMatchObject({ paid: 1, amount: 30_000 });
    expect(queued).toEqual(['PO-adhoc-2026-03-12-P1-COMMUNITY/1111111111']);
  });
});
