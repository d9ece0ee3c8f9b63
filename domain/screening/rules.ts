/**
 * Screening (부정사용관리, domain.md §5): small, versioned rules that look at one approved payment
 * with what is known around it and propose holds. Pure: the consumer gathers the payment's
 * neighbours and the people's evidence, this module decides, the store writes.
 *
 * SCR-06: every threshold is configuration with a version; a hold records the rule, the version
 * it was raised under and the evidence.
 */
import type { PaymentChannel, PaymentKind } from '../payments/payment';
import type { ProgramKind } from '../registry/entities';
import { formatKst, type IsoDate } from '../shared/calendar';

export const SCREENING_RULE_IDS = ['SCR-01', 'SCR-02', 'SCR-03', 'SCR-04'] as const;

export type ScreeningRuleId = (typeof SCREENING_RULE_IDS)[number];

/** SCR-06: the rules' configuration. Each rule carries its own version. */
export interface ScreeningRules {
  'SCR-01': { version: number; enabled: boolean; gapMinutes: number; sessionMinutes: number; maxEvidence: number };
  'SCR-02': { version: number; enabled: boolean; nightStart: string; nightEnd: string };
  'SCR-03': { version: number; enabled: boolean };
  'SCR-04': { version: number; enabled: boolean };
}

export const DEFAULT_SCREENING_RULES: ScreeningRules = {
  // Two payments by one worker or on one card approved less than 10 minutes apart, or whose
  // sessions (taken as `sessionMinutes` long from their start) overlap.
  'SCR-01': { version: 1, enabled: true, gapMinutes: 10, sessionMinutes: 60, maxEvidence: 10 },
  'SCR-02': { version: 1, enabled: true, nightStart: '23:00', nightEnd: '06:00' },
  'SCR-03': { version: 1, enabled: true },
  'SCR-04': { version: 1, enabled: true },
};

/** A payment as screening sees it (from the payment event and the screening index). */
export interface ScreenedPayment {
  approvalNumber: string;
  providerId: string;
  programCode: string;
  serviceCode: string;
  recipientId: string;
  workerId: string;
  municipalityCode: string | null;
  channel: PaymentChannel;
  kind: PaymentKind;
  amount: number;
  serviceDate: IsoDate;
  serviceStartAt: string | null;
  /** §4.6: a time payment's service end (its service lasts from start to end, not one session). */
  serviceEndAt?: string | null;
  approvedAt: string;
  status: 'APPROVED' | 'CANCELLED' | 'REFUNDED';
}

export type PersonKind = 'RECIPIENT' | 'WORKER';

/** What the national registries told us about one person (SCR-03/04); never the RRN. */
export interface PersonEvidence {
  personKind: PersonKind;
  personId: string;
  deathDate: IsoDate | null;
  movements: { date: IsoDate; direction: 'DEPARTURE' | 'ENTRY' }[];
}

export type Evidence =
  | {
      kind: 'PAYMENT';
      approvalNumber: string;
      /** Whose payment it is: who may see it as evidence (issue 15 §2). */
      providerId: string;
      municipalityCode: string | null;
      match: 'SAME_WORKER' | 'SAME_CARD';
      reason: 'APPROVED_WITHIN_GAP' | 'SERVICE_TIMES_OVERLAP';
      approvedAt: string;
      serviceStartAt: string | null;
      minutesApart: number;
    }
  | { kind: 'NIGHT_WINDOW'; approvedAtKst: string; window: string }
  | { kind: 'DEATH_RECORD'; person: PersonKind; personId: string; deathDate: IsoDate }
  | { kind: 'IMMIGRATION_RECORD'; person: PersonKind; personId: string; departedOn: IsoDate; returnedOn: IsoDate | null };

/** A hold the rules ask for. `groupKey` names the event behind it (HOLD-01). */
export interface HoldProposal {
  ruleId: ScreeningRuleId;
  ruleVersion: number;
  groupKey: string;
  evidence: Evidence[];
}

/** The evidence's stable key on a hold: adding the same evidence twice changes nothing. */
export function evidenceKey(e: Evidence): string {
  switch (e.kind) {
    case 'PAYMENT':
      return `PAYMENT#${e.approvalNumber}`;
    case 'NIGHT_WINDOW':
      return 'NIGHT_WINDOW';
    case 'DEATH_RECORD':
      return `DEATH#${e.person}#${e.personId}`;
    case 'IMMIGRATION_RECORD':
      return `IMMIGRATION#${e.person}#${e.personId}#${e.departedOn}`;
  }
}

const MINUTE = 60_000;

const ms = (instant: string) => new Date(instant).getTime();

/**
 * SCR-01 rapid succession (연속결제). `others` are payments near this one by the same worker or
 * on the same recipient's card; cancelled and refunded ones never count. Service times that
 * overlap count for every kind; approvals within the gap only between two normal payments. The closest come first
 * and at most `maxEvidence` are kept, so one busy worker cannot make a hold unbounded.
 */
export function rapidSuccession(payment: ScreenedPayment, others: readonly ScreenedPayment[], rule: ScreeningRules['SCR-01']): Evidence[] {
  const found: (Evidence & { kind: 'PAYMENT' })[] = [];
  for (const other of others) {
    if (other.approvalNumber === payment.approvalNumber || other.status !== 'APPROVED') continue;
    const match = other.workerId === payment.workerId ? 'SAME_WORKER' : other.recipientId === payment.recipientId ? 'SAME_CARD' : null;
    if (!match) continue;
    const approvedApart = Math.abs(ms(other.approvedAt) - ms(payment.approvedAt)) / MINUTE;
    const startsApart = payment.serviceStartAt && other.serviceStartAt ? Math.abs(ms(other.serviceStartAt) - ms(payment.serviceStartAt)) / MINUTE : null;
    let reason: 'APPROVED_WITHIN_GAP' | 'SERVICE_TIMES_OVERLAP' | null = null;
    let apart = approvedApart;
    if (startsApart !== null && serviceTimesOverlap(payment, other, rule.sessionMinutes)) {
      reason = 'SERVICE_TIMES_OVERLAP';
      apart = startsApart;
    } else if (approvedApart < rule.gapMinutes && payment.kind === 'NORMAL' && other.kind === 'NORMAL') {
      // Only payments taken at the time of service say anything by when they were approved: an
      // offline upload sends retroactive and makeup payments in bursts (§4.7).
      reason = 'APPROVED_WITHIN_GAP';
    }
    if (!reason) continue;
    found.push({ kind: 'PAYMENT', approvalNumber: other.approvalNumber, providerId: other.providerId, municipalityCode: other.municipalityCode, match, reason, approvedAt: other.approvedAt, serviceStartAt: other.serviceStartAt, minutesApart: Math.round(apart * 10) / 10 });
  }
  found.sort((a, b) => a.minutesApart - b.minutesApart || a.approvalNumber.localeCompare(b.approvalNumber));
  return found.slice(0, rule.maxEvidence);
}

/**
 * SCR-01 and TIME-04: a payment's service runs from its start to its end (a time payment), or for
 * one session of `sessionMinutes` (a session payment); two services overlap when each starts
 * before the other ends. Between two session payments this is "starts less than a session apart".
 */
export function serviceTimesOverlap(a: Pick<ScreenedPayment, 'serviceStartAt' | 'serviceEndAt'>, b: Pick<ScreenedPayment, 'serviceStartAt' | 'serviceEndAt'>, sessionMinutes: number): boolean {
  if (!a.serviceStartAt || !b.serviceStartAt) return false;
  const span = (p: typeof a) => [ms(p.serviceStartAt!), p.serviceEndAt ? ms(p.serviceEndAt) : ms(p.serviceStartAt!) + sessionMinutes * MINUTE] as const;
  const [aStart, aEnd] = span(a);
  const [bStart, bEnd] = span(b);
  return aStart < bEnd && bStart < aEnd;
}

/** The longest service a time payment can stand for (the import caps a session at a day). */
const LONGEST_SERVICE_MINUTES = 1_440;

/**
 * The window SCR-01 needs to look at around a payment: approvals, and service starts that could
 * overlap it. Only a normal payment is compared by when it was approved: a retroactive or makeup
 * payment has no approval window, and is looked up by its service times alone.
 */
export function successionWindow(payment: Pick<ScreenedPayment, 'approvedAt' | 'serviceStartAt' | 'serviceEndAt' | 'kind'>, rule: ScreeningRules['SCR-01']) {
  const around = (instant: string, minutes: number) => ({ from: formatKst(new Date(ms(instant) - minutes * MINUTE)), to: formatKst(new Date(ms(instant) + minutes * MINUTE)) });
  const start = payment.serviceStartAt;
  const end = payment.serviceEndAt ? ms(payment.serviceEndAt) : start ? ms(start) + rule.sessionMinutes * MINUTE : 0;
  return {
    approved: payment.kind === 'NORMAL' ? around(payment.approvedAt, rule.gapMinutes) : null,
    // Any earlier service, of a session or of a day-long time payment, that could still be running at the start.
    serviceStart: start ? { from: formatKst(new Date(ms(start) - Math.max(rule.sessionMinutes, LONGEST_SERVICE_MINUTES) * MINUTE)), to: formatKst(new Date(end)) } : null,
  };
}

const minutesOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** SCR-02 night payment (심야결제): a `SESSION` payment approved inside the night window (KST). */
export function nightPayment(payment: Pick<ScreenedPayment, 'approvedAt'>, programKind: ProgramKind | undefined, rule: ScreeningRules['SCR-02']): Evidence[] {
  if (programKind !== 'SESSION') return [];
  const kst = formatKst(new Date(payment.approvedAt));
  const t = minutesOfDay(kst.slice(11, 16));
  const start = minutesOfDay(rule.nightStart);
  const end = minutesOfDay(rule.nightEnd);
  const inside = start <= end ? t >= start && t < end : t >= start || t < end;
  return inside ? [{ kind: 'NIGHT_WINDOW', approvedAtKst: kst, window: `${rule.nightStart}-${rule.nightEnd}` }] : [];
}

/** SCR-03 suspected death (사망의심): a recorded death on or before the service date. */
export function suspectedDeath(payment: Pick<ScreenedPayment, 'serviceDate'>, people: readonly PersonEvidence[]): Evidence[] {
  return people
    .filter((p) => p.deathDate !== null && p.deathDate <= payment.serviceDate)
    .map((p) => ({ kind: 'DEATH_RECORD', person: p.personKind, personId: p.personId, deathDate: p.deathDate! }));
}

/**
 * Where a person was on a date from their movements: the last movement on or before the date
 * decides (a departure and an entry on the same day: back in Korea).
 */
export function departureCovering(movements: PersonEvidence['movements'], date: IsoDate): { departedOn: IsoDate; returnedOn: IsoDate | null } | null {
  const sorted = [...movements].sort((a, b) => a.date.localeCompare(b.date) || (a.direction === b.direction ? 0 : a.direction === 'DEPARTURE' ? -1 : 1));
  let last: (typeof sorted)[number] | undefined;
  for (const m of sorted) if (m.date <= date) last = m;
  if (last?.direction !== 'DEPARTURE') return null;
  const back = sorted.find((m) => m.direction === 'ENTRY' && m.date > last.date);
  return { departedOn: last.date, returnedOn: back?.date ?? null };
}

/** SCR-04 abroad (출입국): recipient or worker outside Korea on the service date. */
export function abroad(payment: Pick<ScreenedPayment, 'serviceDate'>, people: readonly PersonEvidence[]): Evidence[] {
  return people.flatMap((p) => {
    const away = departureCovering(p.movements, payment.serviceDate);
    return away ? [{ kind: 'IMMIGRATION_RECORD' as const, person: p.personKind, personId: p.personId, ...away }] : [];
  });
}

export interface ScreeningContext {
  rules: ScreeningRules;
  programKind: ProgramKind | undefined;
  /** Payments near this one by the same worker or card (SCR-01). */
  neighbours: readonly ScreenedPayment[];
  /** The recipient's and the worker's evidence (SCR-03/04). */
  people: readonly PersonEvidence[];
  /** Only these rules (SCR-05 re-screens the evidence rules alone). */
  only?: readonly ScreeningRuleId[];
}

/** Every enabled rule over one approved payment: the holds it should carry. */
export function screenPayment(payment: ScreenedPayment, ctx: ScreeningContext): HoldProposal[] {
  if (payment.status !== 'APPROVED') return [];
  const { rules } = ctx;
  const active = (id: ScreeningRuleId) => rules[id].enabled && (!ctx.only || ctx.only.includes(id));
  const proposals: HoldProposal[] = [];
  const propose = (ruleId: ScreeningRuleId, groupKey: string, evidence: Evidence[]) => {
    if (evidence.length) proposals.push({ ruleId, ruleVersion: rules[ruleId].version, groupKey, evidence });
  };
  if (active('SCR-01')) {
    const evidence = rapidSuccession(payment, ctx.neighbours, rules['SCR-01']);
    const first = evidence[0];
    const group = first?.kind === 'PAYMENT' && first.match === 'SAME_CARD' ? `SCR-01#CARD#${payment.recipientId}#${payment.serviceDate}` : `SCR-01#WORKER#${payment.workerId}#${payment.serviceDate}`;
    propose('SCR-01', group, evidence);
  }
  if (active('SCR-02')) propose('SCR-02', `SCR-02#WORKER#${payment.workerId}#${formatKst(new Date(payment.approvedAt)).slice(0, 10)}`, nightPayment(payment, ctx.programKind, rules['SCR-02']));
  if (active('SCR-03')) {
    const evidence = suspectedDeath(payment, ctx.people);
    const first = evidence[0];
    if (first?.kind === 'DEATH_RECORD') propose('SCR-03', `SCR-03#${first.person}#${first.personId}`, evidence);
  }
  if (active('SCR-04')) {
    const evidence = abroad(payment, ctx.people);
    const first = evidence[0];
    if (first?.kind === 'IMMIGRATION_RECORD') propose('SCR-04', `SCR-04#${first.person}#${first.personId}#${first.departedOn}`, evidence);
  }
  return proposals;
}

/** The hold's id: one hold per payment and rule, so raising it twice is harmless. */
export function holdIdOf(approvalNumber: string, ruleId: ScreeningRuleId | 'HOLD-03'): string {
  return `H${approvalNumber}-${ruleId.replace('-', '')}`;
}
