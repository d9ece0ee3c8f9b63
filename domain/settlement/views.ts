/**
 * What providers, municipalities and the agency read of settlement (domain.md §6, §8): payouts
 * and their PO-07 statements, delays and the PO-06 forecast. Tenancy comes in as the `Caller`.
 */
import { addMonths, kstMonth, type YearMonth } from '../shared/calendar';
import type { Caller, Clock, Page, PageRequest } from '../shared/ports';
import { type Refusal, type Refused, refusalOf } from '../shared/result';
import { forecast, type ForecastMonth } from './forecast';
import type { Payout } from './payout';
import type { DepositPort, PayoutRecords } from './ports';
import { settledBy, statementCsv, type StatementPort } from './statements';

export type PayoutViewRefusal = Refused<'NOT_FOUND', '§8'> | Refused<'PAY_DATE_REQUIRED', '§6'>;
type WithNotFound = Extract<PayoutViewRefusal, { code: 'NOT_FOUND' }>;
const refuse = refusalOf<PayoutViewRefusal>();

/** A provider's payouts (newest first, optionally of one pay day), or all payouts of a pay day. */
export async function listPayouts(records: PayoutRecords, providerId: string | undefined, payDate: string | undefined, page: PageRequest): Promise<{ ok: true; page: Page<Payout> } | Refusal<PayoutViewRefusal>> {
  if (providerId) return { ok: true, page: await records.providerPayouts(providerId, payDate, page) };
  if (!payDate) return refuse('PAY_DATE_REQUIRED', '§6', 'the agency lists payouts by providerId or by payDate');
  return { ok: true, page: await records.payDayPayouts(payDate, page) };
}

/** A payout the caller may see; another provider's is not found (never forbidden: ids are not confirmed). */
export async function payoutFor(records: PayoutRecords, caller: Caller, payoutId: string): Promise<{ ok: true; payout: Payout } | Refusal<WithNotFound>> {
  const payout = await records.payout(payoutId);
  if (!payout || !caller.sees({ providerId: payout.providerId, municipalityCode: null })) return refuse('NOT_FOUND', '§8', `payout ${payoutId} not found`);
  return { ok: true, payout };
}

/** PO-07: the statement of a payout, as CSV. */
export async function payoutStatement(deps: { records: PayoutRecords; statements: StatementPort }, caller: Caller, payoutId: string): Promise<{ ok: true; payout: Payout; csv: string } | Refusal<WithNotFound>> {
  const found = await payoutFor(deps.records, caller, payoutId);
  if (!found.ok) return found;
  return { ok: true, payout: found.payout, csv: statementCsv(found.payout, settledBy(found.payout, await deps.statements.statementFacts(found.payout))) };
}

export interface ForecastView {
  municipalityCode: string;
  programCode: string;
  balance: number;
  /** What the deposit has paid for services of each month, from the previous month on. */
  paid: Record<YearMonth, number>;
  /** What current delays of this deposit still owe. */
  waiting: number;
  months: ForecastMonth[];
}

/** PO-06 for the deposit accounts matching the filter, from this month for three months. */
export async function depositForecasts(deps: { deposits: DepositPort; clock: Clock }, filter: { municipalityCode?: string | undefined; programCode?: string | undefined }): Promise<ForecastView[]> {
  const month = kstMonth(deps.clock.now());
  const facts = await deps.deposits.forecastFacts(filter, month, addMonths(month, 2));
  // The previous month's third cycle is run from 01:00 on the 1st (PO-01); before then its rest is still to pay.
  const previousMonthOpen = deps.clock.now() < new Date(`${month}-01T01:00:00+09:00`);
  return facts.map((f) => ({ municipalityCode: f.municipalityCode, programCode: f.programCode, balance: f.balance, paid: Object.fromEntries(f.paid), waiting: f.waiting, months: forecast(f.balance, f.granted, month, { paid: f.paid, waiting: f.waiting, previousMonthOpen }) }));
}

/** PO-06 as a provider reads it: whether each month is expected to be paid, never a municipality's balance. */
export interface ProviderForecastView {
  municipalityCode: string;
  programCode: string;
  months: Pick<ForecastMonth, 'month' | 'status'>[];
}

/**
 * PO-06 for a provider (api.md: `GET /v1/forecasts` also answers a provider): the forecasts of the
 * deposits of the municipalities its recipients belong to (`municipalities`, from its contracts).
 */
export async function providerForecasts(deps: { deposits: DepositPort; clock: Clock }, municipalities: readonly string[], programCode: string | undefined): Promise<ProviderForecastView[]> {
  const wanted = [...new Set(municipalities)].sort();
  const views = await Promise.all(wanted.map((municipalityCode) => depositForecasts(deps, { municipalityCode, programCode })));
  return views.flat().map((v) => ({ municipalityCode: v.municipalityCode, programCode: v.programCode, months: v.months.map((m) => ({ month: m.month, status: m.status })) }));
}
