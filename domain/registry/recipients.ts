/**
 * REG-04 recipients as the municipality keeps them (대상자 선정): the recipient with its
 * eligibility (자격) per service type, more eligibility later, grade changes (REG-06: recorded in
 * month M, they apply from M+1's voucher) and suspensions (서비스 중지, VCH-02: no payment inside
 * the period, no voucher for a month it covers from the 1st). A municipality acts only on its own
 * recipients; another's is answered as unknown.
 */
import { addMonths, formatKst, kstDate, kstMonth, monthOf } from '../shared/calendar';
import { auditEntry, type AuditEntry } from './audit';
import { type Changed, changeWith, type ContractRecord, type Eligibility, type RecipientRecord, type RegistryActor, type RegistryDeps, type RegistryWrite, refuse, replayOf, type Suspension, type Versioned } from './changes';
import { periodOverlaps } from './entities';
import { maskRrn, parseRrn } from './identity';

export interface RecipientRegistration {
  recipientId: string;
  name: string;
  rrn: string;
  birthDate: string;
  municipalityCode: string;
  eligibility: Eligibility[];
}

const unknownRecipient = (recipientId: string) => refuse('NOT_FOUND', 'REG-04', `recipient ${recipientId} not found`);

/** The recipient when the actor may act on it: the agency always, a municipality its own. */
async function recipientFor(deps: RegistryDeps, actor: RegistryActor, recipientId: string): Promise<Versioned<RecipientRecord> | null> {
  const found = await deps.port.recipientRecord(recipientId);
  if (!found) return null;
  if (actor.role === 'agency' || (actor.role === 'municipality' && found.value.municipalityCode === actor.municipalityCode)) return found;
  return null;
}

/** Each period's end is not before its start. */
const badPeriod = (p: { from: string; to: string | null }) => p.to !== null && p.to < p.from;

/** An eligibility's service type exists and has its grade (REG-04); answers the refusal or null. */
async function checkEligibility(deps: RegistryDeps, e: Eligibility) {
  if (badPeriod(e)) return refuse('INVALID_PERIOD', 'REG-04', `the eligibility for ${e.serviceCode} ends before it starts`);
  const serviceType = await deps.port.serviceType(e.serviceCode);
  if (!serviceType) return refuse('UNKNOWN_SERVICE', 'REG-04', `service code ${e.serviceCode} is not in the catalog`);
  if (!serviceType.grades.some((g) => g.grade === e.grade)) return refuse('GRADE_NOT_IN_CATALOG', 'REG-04', `grade ${e.grade} does not exist for ${e.serviceCode}`);
  return null;
}

const overlapping = (list: Eligibility[], e: Eligibility) => list.find((o) => o.serviceCode === e.serviceCode && periodOverlaps(o, e.from, e.to ?? '9999-12-31'));

/** `POST /v1/recipients`: idempotent on the recipient id (the same body answers again; another is a conflict). */
export async function registerRecipient(deps: RegistryDeps, actor: RegistryActor, request: RecipientRegistration): Promise<Changed<RecipientRecord>> {
  if (actor.role === 'municipality' && request.municipalityCode !== actor.municipalityCode)
    return refuse('NOT_OWN_MUNICIPALITY', 'REG-04', 'a municipality selects recipients of its own code only');
  const rrn = parseRrn(request.rrn);
  if (!rrn) return refuse('INVALID_RRN', 'REG-07', 'the resident registration number is not of the form YYMMDD-GNNNNNN with a real birth date');
  if (rrn.birthDate !== request.birthDate) return refuse('BIRTH_DATE_MISMATCH', 'REG-04', 'the birth date differs from the one in the RRN');
  const scope = 'recipient';
  const requestHash = deps.hash({ ...request, rrn: rrn.canonical });
  const seen: Eligibility[] = [];
  for (const e of request.eligibility) {
    const bad = await checkEligibility(deps, e);
    if (bad) return bad;
    if (overlapping(seen, e)) return refuse('ELIGIBILITY_OVERLAPS', 'REG-04', `two eligibilities for ${e.serviceCode} overlap`);
    seen.push(e);
  }
  return changeWith(deps, async () => {
    if (await deps.port.recipientRecord(request.recipientId)) {
      const replay = await replayOf<RecipientRecord>(deps, scope, request.recipientId, requestHash);
      return { answer: replay ?? refuse('IDEMPOTENCY_CONFLICT', 'REG-08', `recipient ${request.recipientId} already exists`) };
    }
    const value: RecipientRecord = {
      recipientId: request.recipientId,
      name: request.name,
      rrnMasked: maskRrn(rrn.canonical),
      birthDate: request.birthDate,
      municipalityCode: request.municipalityCode,
      status: 'ACTIVE',
      eligibility: [...request.eligibility].sort(byServiceThenFrom),
      suspensions: [],
    };
    return {
      change: {
        writes: [{ kind: 'recipient', value, expected: null, rrn: rrn.canonical }],
        audit: [auditEntry('recipient', value.recipientId, 'SELECTED', actor, formatKst(deps.now()), null, value)],
        remember: { scope, key: request.recipientId, requestHash, status: 201, body: value },
      },
      answer: { ok: true, status: 201, body: value },
    };
  });
}

const byServiceThenFrom = (a: { serviceCode: string; from: string }, b: { serviceCode: string; from: string }) => a.serviceCode.localeCompare(b.serviceCode) || a.from.localeCompare(b.from);

/** `POST /v1/recipients/{id}/eligibility`: one more period; the same one again answers as before. */
export async function addEligibility(deps: RegistryDeps, actor: RegistryActor, recipientId: string, e: Eligibility): Promise<Changed<RecipientRecord>> {
  const bad = await checkEligibility(deps, e);
  if (bad) return bad;
  return changeWith(deps, async () => {
    const found = await recipientFor(deps, actor, recipientId);
    if (!found) return { answer: unknownRecipient(recipientId) };
    const same = found.value.eligibility.find((o) => o.serviceCode === e.serviceCode && o.grade === e.grade && o.from === e.from && o.to === e.to);
    if (same) return { answer: { ok: true, status: 201, body: found.value } };
    if (overlapping(found.value.eligibility, e)) return { answer: refuse('ELIGIBILITY_OVERLAPS', 'REG-04', `the recipient is already eligible for ${e.serviceCode} in part of that period`) };
    const value: RecipientRecord = { ...found.value, eligibility: [...found.value.eligibility, e].sort(byServiceThenFrom) };
    return {
      change: { writes: [{ kind: 'recipient', value, expected: found.version }], audit: [auditEntry('recipient', recipientId, 'ELIGIBILITY_ADDED', actor, formatKst(deps.now()), found.value, value)] },
      answer: { ok: true, status: 201, body: value },
    };
  });
}

/**
 * `POST /v1/recipients/{id}/grade-changes` (등급변경, REG-06): the current eligibility of the
 * service takes the new grade, and each of the recipient's running contracts of that service
 * records it, so the voucher of the next month is generated at the new grade.
 */
export async function changeGrade(deps: RegistryDeps, actor: RegistryActor, recipientId: string, request: { serviceCode: string; grade: string }): Promise<Changed<{ recipientId: string; serviceCode: string; grade: string; appliesFrom: string }>> {
  const today = kstDate(deps.now());
  const appliesFrom = addMonths(kstMonth(deps.now()), 1);
  const body = { recipientId, serviceCode: request.serviceCode, grade: request.grade, appliesFrom };
  return changeWith(deps, async () => {
    const found = await recipientFor(deps, actor, recipientId);
    if (!found) return { answer: unknownRecipient(recipientId) };
    const current = found.value.eligibility.find((e) => e.serviceCode === request.serviceCode && e.from <= today && (e.to === null || e.to >= today));
    if (!current) return { answer: refuse('NO_ELIGIBILITY', 'REG-04', `the recipient has no current eligibility for ${request.serviceCode}`) };
    const serviceType = await deps.port.serviceType(request.serviceCode);
    if (!serviceType?.grades.some((g) => g.grade === request.grade)) return { answer: refuse('GRADE_NOT_IN_CATALOG', 'REG-04', `grade ${request.grade} does not exist for ${request.serviceCode}`) };
    const contracts = (await deps.port.recipientContracts(recipientId)).filter((c) => c.value.serviceCode === request.serviceCode && c.value.status !== 'TERMINATED' && (c.value.to === null || c.value.to >= today));
    // A retry: the grade is recorded this month already on the eligibility and on every running contract.
    const recorded = (c: ContractRecord) => c.gradeChanges.some((g) => g.grade === request.grade && monthOf(g.recordedOn) === monthOf(today));
    if (current.grade === request.grade) {
      if (contracts.every((c) => recorded(c.value) || c.value.grade === request.grade)) return { answer: { ok: true, status: 201, body } };
    }
    const at = formatKst(deps.now());
    const value: RecipientRecord = { ...found.value, eligibility: found.value.eligibility.map((e) => (e === current ? { ...e, grade: request.grade } : e)) };
    const writes: RegistryWrite[] = [{ kind: 'recipient', value, expected: found.version }];
    const audit: AuditEntry[] = [auditEntry('recipient', recipientId, 'GRADE_CHANGED', actor, at, found.value, value)];
    for (const c of contracts) {
      if (c.value.grade === request.grade) continue;
      // REG-06: a second change in the same month replaces the first one's grade for next month.
      const gradeChanges = [...c.value.gradeChanges.filter((g) => monthOf(g.recordedOn) !== monthOf(today)), { grade: request.grade, recordedOn: today }];
      const next: ContractRecord = { ...c.value, grade: request.grade, gradeChanges };
      writes.push({ kind: 'contract', value: next, expected: c.version });
      audit.push(auditEntry('contract', c.value.contractId, 'GRADE_CHANGED', actor, at, c.value, next));
    }
    return { change: { writes, audit }, answer: { ok: true, status: 201, body } };
  });
}

/**
 * `POST /v1/recipients/{id}/suspensions` (서비스 중지): the recipient's contracts of that service
 * take the period, so a payment on a day inside it is refused (PAY-03) and no voucher is made for
 * a month it covers from the 1st (VCH-02). The same period again changes nothing.
 */
export async function suspendService(deps: RegistryDeps, actor: RegistryActor, recipientId: string, s: Suspension): Promise<Changed<RecipientRecord>> {
  if (badPeriod(s)) return refuse('INVALID_PERIOD', 'REG-04', 'the suspension ends before it starts');
  return changeWith(deps, async () => {
    const found = await recipientFor(deps, actor, recipientId);
    if (!found) return { answer: unknownRecipient(recipientId) };
    if (!(await deps.port.serviceType(s.serviceCode))) return { answer: refuse('UNKNOWN_SERVICE', 'REG-04', `service code ${s.serviceCode} is not in the catalog`) };
    if (found.value.suspensions.some((o) => o.serviceCode === s.serviceCode && o.from === s.from && o.to === s.to)) return { answer: { ok: true, status: 201, body: found.value } };
    const at = formatKst(deps.now());
    const value: RecipientRecord = { ...found.value, suspensions: [...found.value.suspensions, s].sort(byServiceThenFrom) };
    const writes: RegistryWrite[] = [{ kind: 'recipient', value, expected: found.version }];
    const audit: AuditEntry[] = [auditEntry('recipient', recipientId, 'SUSPENDED', actor, at, found.value, value)];
    for (const c of await deps.port.recipientContracts(recipientId)) {
      if (c.value.serviceCode !== s.serviceCode || c.value.status === 'TERMINATED') continue;
      const next: ContractRecord = { ...c.value, suspensions: [...(c.value.suspensions ?? []), { from: s.from, to: s.to }] };
      writes.push({ kind: 'contract', value: next, expected: c.version });
      audit.push(auditEntry('contract', c.value.contractId, 'SUSPENDED', actor, at, c.value, next));
    }
    return { change: { writes, audit }, answer: { ok: true, status: 201, body: value } };
  });
}

/** The periods the recipient's service is suspended (a contract registered later takes them too). */
export const suspensionsOf = (recipient: RecipientRecord, serviceCode: string) => recipient.suspensions.filter((s) => s.serviceCode === serviceCode).map(({ from, to }) => ({ from, to }));
