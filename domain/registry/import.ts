/**
 * The registry import (api.md `POST /v1/admin/import`): decides, record by record, what is
 * stored and what is rejected with which rule. References may point to records of the same
 * document or to records already stored.
 */
import type { IsoDate } from '../shared/calendar';
import type { Issue } from '../shared/result';
import type { ExistingRegistry, ImportDocument, ImportPlan, Indexed, ReferencedIds } from './document';
import { type Card, type Contract, MAX_DESIGNATED_WORKERS, type Program, type Provider, type Recipient, type ServiceType, type Terminal, terminalKindOf, type Worker } from './entities';
import { isValidBusinessNumber, parseRrn } from './identity';
import type { ImportAudit, RegistryImportStore } from './ports';

/** The ids a document refers to, so that the store can load exactly those. */
export function referencedIds(doc: ImportDocument): ReferencedIds {
  const ids: ReferencedIds = {
    programs: new Set<string>(),
    serviceCodes: new Set<string>(),
    providers: new Set<string>(),
    workers: new Set<string>(),
    terminals: new Set<string>(),
    recipients: new Set<string>(),
    cards: new Set<string>(),
    contracts: new Set<string>(),
  };
  doc.programs.forEach(({ record }) => record.serviceTypes.forEach((s) => ids.serviceCodes.add(s.serviceCode)));
  doc.providers.forEach(({ record }) => record.accounts.forEach((a) => ids.programs.add(a.programCode)));
  doc.workers.forEach(({ record }) => {
    ids.workers.add(record.workerId);
    ids.providers.add(record.providerId);
    record.contracts.forEach((c) => ids.programs.add(c.programCode));
  });
  doc.terminals.forEach(({ record }) => {
    ids.terminals.add(record.serial);
    ids.providers.add(record.providerId);
    record.workerIds.forEach((w) => ids.workers.add(w));
  });
  doc.recipients.forEach(({ record }) => ids.recipients.add(record.recipientId));
  doc.cards.forEach(({ record }) => {
    ids.cards.add(record.cardNumber);
    ids.recipients.add(record.recipientId);
  });
  doc.contracts.forEach(({ record }) => {
    ids.contracts.add(record.contractId);
    ids.recipients.add(record.recipientId);
    ids.providers.add(record.providerId);
    ids.serviceCodes.add(record.serviceCode);
    record.designatedWorkerIds.forEach((w) => ids.workers.add(w));
  });
  return ids;
}

/**
 * Validates every record (check digits, RRN shape, dates, references) and normalises the
 * accepted ones into registry entities. `today` dates the grade changes a re-import records (REG-06).
 */
export function planImport(doc: ImportDocument, existing: ExistingRegistry, today: IsoDate): ImportPlan {
  const rejected: Issue[] = [];
  const plan: ImportPlan = { programs: [], providers: [], workers: [], terminals: [], recipients: [], cards: [], contracts: [], rejected };

  /** Runs the checks of one record; the first failed check rejects it. */
  const decide = <R, E>(section: string, item: Indexed<R>, check: (reject: Reject) => E | undefined, into: Indexed<E>[]) => {
    let failed = false;
    const reject: Reject = (code, message, field, rule) => {
      failed = true;
      rejected.push({ path: field ? `${section}[${item.index}].${field}` : `${section}[${item.index}]`, code, message, ...(rule ? { rule } : {}) });
      return undefined;
    };
    const entity = check(reject);
    if (!failed && entity !== undefined) into.push({ index: item.index, record: entity });
  };
  const seen = (section: string) => {
    const ids = new Set<string>();
    return (id: string, reject: Reject) => {
      if (ids.has(id)) return reject('DUPLICATE_RECORD', `${id} appears more than once in ${section}`);
      ids.add(id);
      return true;
    };
  };

  // Programs and their service types (catalog).
  const serviceTypes = new Map(existing.serviceTypes);
  const programs = new Set(existing.programs);
  const firstProgram = seen('programs');
  for (const item of doc.programs) {
    decide('programs', item, (reject) => {
      const p = item.record;
      if (!firstProgram(p.code, reject)) return;
      const codes = new Set<string>();
      for (const [i, s] of p.serviceTypes.entries()) {
        const owner = serviceTypes.get(s.serviceCode)?.programCode;
        if (codes.has(s.serviceCode) || (owner !== undefined && owner !== p.code))
          return reject('SERVICE_CODE_TAKEN', `service code ${s.serviceCode} already belongs to another program or repeats`, `serviceTypes.${i}.serviceCode`);
        codes.add(s.serviceCode);
        if (new Set(s.grades.map((g) => g.grade)).size !== s.grades.length)
          return reject('DUPLICATE_GRADE', `service code ${s.serviceCode} lists a grade twice`, `serviceTypes.${i}.grades`);
      }
      const program: Program = {
        code: p.code,
        name: p.name,
        kind: p.kind,
        requiresTerminalMatch: p.requiresTerminalMatch,
        ...(p.kind === 'TIME' ? { time: { hourlyRate: p.hourlyRate!, unitMinutes: p.unitMinutes!, maxSessionMinutes: p.maxSessionMinutes!, surchargeMultiple: p.surchargeMultiple! } } : {}),
        serviceTypes: p.serviceTypes.map((s) => ({
          ...s,
          programCode: p.code,
          grades: s.grades.map((g) => ({ grade: g.grade, monthlySubsidy: g.monthlySubsidy, sessionsPerMonth: g.sessionsPerMonth ?? 0, ...(g.monthlyMinutes !== undefined ? { monthlyMinutes: g.monthlyMinutes } : {}) })),
        })),
      };
      programs.add(program.code);
      program.serviceTypes.forEach((s) => serviceTypes.set(s.serviceCode, s));
      return program;
    }, plan.programs);
  }

  // Providers (REG-01).
  const providers = new Set(existing.providers.keys());
  const firstProvider = seen('providers');
  const businessNumbers = new Map<string, string>();
  for (const item of doc.providers) {
    decide('providers', item, (reject) => {
      const p = item.record;
      if (!firstProvider(p.providerId, reject)) return;
      if (!isValidBusinessNumber(p.businessNumber))
        return reject('INVALID_BUSINESS_NUMBER', 'business registration number fails its check digit', 'businessNumber', 'REG-01');
      const holder = businessNumbers.get(p.businessNumber);
      if (holder !== undefined && holder !== p.providerId)
        return reject('BUSINESS_NUMBER_TAKEN', `business number already used by ${holder} in this document`, 'businessNumber', 'REG-01');
      const accountPrograms = new Set<string>();
      for (const [i, a] of p.accounts.entries()) {
        if (!programs.has(a.programCode)) return reject('UNKNOWN_PROGRAM', `program ${a.programCode} is not registered`, `accounts.${i}.programCode`);
        if (accountPrograms.has(a.programCode))
          return reject('DUPLICATE_ACCOUNT', `one payout account per program (${a.programCode})`, `accounts.${i}.programCode`, 'REG-01');
        accountPrograms.add(a.programCode);
      }
      businessNumbers.set(p.businessNumber, p.providerId);
      providers.add(p.providerId);
      return { ...p } satisfies Provider;
    }, plan.providers);
  }

  // Workers (REG-02).
  const workers = new Map<string, { providerId: string }>(existing.workers);
  const firstWorker = seen('workers');
  const paymentIds = new Map<string, string>();
  for (const item of doc.workers) {
    decide('workers', item, (reject) => {
      const w = item.record;
      if (!firstWorker(w.workerId, reject)) return;
      const rrn = parseRrn(w.rrn);
      if (!rrn) return reject('INVALID_RRN', 'resident registration number is not of the form YYMMDD-GNNNNNN with a real birth date', 'rrn', 'REG-07');
      if (!providers.has(w.providerId)) return reject('UNKNOWN_PROVIDER', `provider ${w.providerId} is not registered`, 'providerId');
      const stored = existing.workers.get(w.workerId);
      if (stored && stored.providerId !== w.providerId)
        return reject('WORKER_PROVIDER_IMMUTABLE', 'a worker cannot move to another provider by import', 'providerId', 'REG-02');
      if (stored?.workerPaymentId && w.workerPaymentId && stored.workerPaymentId !== w.workerPaymentId)
        return reject('WORKER_PAYMENT_ID_IMMUTABLE', 'the worker payment ID, once assigned, never changes', 'workerPaymentId', 'REG-02');
      const paymentId = w.workerPaymentId ?? stored?.workerPaymentId;
      if (paymentId !== undefined) {
        const other = paymentIds.get(paymentId);
        if (other !== undefined && other !== w.workerId)
          return reject('WORKER_PAYMENT_ID_TAKEN', `worker payment ID ${paymentId} is given twice`, 'workerPaymentId', 'REG-02');
        paymentIds.set(paymentId, w.workerId);
      }
      const programsSeen = new Set<string>();
      for (const [i, c] of w.contracts.entries()) {
        if (!programs.has(c.programCode)) return reject('UNKNOWN_PROGRAM', `program ${c.programCode} is not registered`, `contracts.${i}.programCode`);
        if (programsSeen.has(c.programCode)) return reject('DUPLICATE_CONTRACT', `one contract per program (${c.programCode})`, `contracts.${i}`, 'REG-02');
        programsSeen.add(c.programCode);
        // REG-02: termination never on the contract date itself, nor before it.
        if (c.to !== null && c.to <= c.from)
          return reject('INVALID_TERMINATION_DATE', 'a contract ends after its start date, never on or before it', `contracts.${i}.to`, 'REG-02');
      }
      workers.set(w.workerId, { providerId: w.providerId });
      return { ...w, rrn: rrn.canonical, ...(paymentId !== undefined ? { workerPaymentId: paymentId } : {}) } satisfies Worker;
    }, plan.workers);
  }

  // Terminals (REG-03).
  const firstTerminal = seen('terminals');
  const smartphones = new Map<string, string>();
  for (const item of doc.terminals) {
    decide('terminals', item, (reject) => {
      const t = item.record;
      if (!firstTerminal(t.serial, reject)) return;
      if (!providers.has(t.providerId)) return reject('UNKNOWN_PROVIDER', `provider ${t.providerId} is not registered`, 'providerId');
      const stored = existing.terminals.get(t.serial);
      if (stored && stored.providerId !== t.providerId)
        return reject('TERMINAL_TRANSFER_NEEDS_APPROVAL', 'a terminal changes provider only through an approved transfer (명의변경)', 'providerId', 'REG-03');
      for (const [i, workerId] of t.workerIds.entries()) {
        const worker = workers.get(workerId);
        if (!worker) return reject('UNKNOWN_WORKER', `worker ${workerId} is not registered`, `workerIds.${i}`);
        if (worker.providerId !== t.providerId)
          return reject('WORKER_OF_OTHER_PROVIDER', `worker ${workerId} is not a worker of ${t.providerId}`, `workerIds.${i}`, 'REG-03');
      }
      const kind = t.kind ?? terminalKindOf(t.model);
      if (kind === 'SMARTPHONE') {
        if (t.workerIds.length !== 1)
          return reject('SMARTPHONE_NEEDS_ONE_WORKER', 'a smartphone is registered to exactly one worker', 'workerIds', 'REG-03');
        const other = smartphones.get(t.phone);
        if (other !== undefined && other !== t.providerId)
          return reject('PHONE_REGISTERED_ELSEWHERE', 'a smartphone may not be registered to two providers', 'phone', 'REG-03');
        smartphones.set(t.phone, t.providerId);
      }
      return { ...t, kind } satisfies Terminal;
    }, plan.terminals);
  }

  // Recipients (REG-04, REG-07).
  const recipients = new Map<string, { status: Recipient['status']; municipalityCode?: string }>(existing.recipients);
  const firstRecipient = seen('recipients');
  for (const item of doc.recipients) {
    decide('recipients', item, (reject) => {
      const r = item.record;
      if (!firstRecipient(r.recipientId, reject)) return;
      const rrn = parseRrn(r.rrn);
      if (!rrn) return reject('INVALID_RRN', 'resident registration number is not of the form YYMMDD-GNNNNNN with a real birth date', 'rrn', 'REG-07');
      if (rrn.birthDate !== r.birthDate) return reject('BIRTH_DATE_MISMATCH', 'birth date differs from the one in the RRN', 'birthDate', 'REG-04');
      if (r.deathDate !== undefined && r.deathDate < r.birthDate) return reject('INVALID_DEATH_DATE', 'death date is before the birth date', 'deathDate');
      for (const [i, e] of (r.eligibility ?? []).entries()) {
        const serviceType = serviceTypes.get(e.serviceCode);
        if (!serviceType) return reject('UNKNOWN_SERVICE', `service code ${e.serviceCode} is not registered`, `eligibility.${i}.serviceCode`, 'REG-04');
        if (!serviceType.grades.some((g) => g.grade === e.grade)) return reject('UNKNOWN_GRADE', `grade ${e.grade} does not exist for service ${e.serviceCode}`, `eligibility.${i}.grade`, 'REG-04');
        if (e.to !== null && e.to < e.from) return reject('INVALID_PERIOD', 'an eligibility cannot end before it starts', `eligibility.${i}.to`, 'REG-04');
      }
      recipients.set(r.recipientId, { status: r.status, municipalityCode: r.municipalityCode });
      return { ...r, rrn: rrn.canonical } satisfies Recipient;
    }, plan.recipients);
  }

  // Cards (REG-05).
  const firstCard = seen('cards');
  for (const item of doc.cards) {
    decide('cards', item, (reject) => {
      const c = item.record;
      if (!firstCard(c.cardNumber, reject)) return;
      if (!recipients.has(c.recipientId)) return reject('UNKNOWN_RECIPIENT', `recipient ${c.recipientId} is not registered`, 'recipientId');
      const stored = existing.cards.get(c.cardNumber);
      if (stored && stored.recipientId !== c.recipientId)
        return reject('CARD_OWNER_IMMUTABLE', 'a card belongs to one recipient for its whole life', 'recipientId', 'REG-05');
      return { ...c } satisfies Card;
    }, plan.cards);
  }

  // Contracts (REG-04, REG-06).
  const firstContract = seen('contracts');
  for (const item of doc.contracts) {
    decide('contracts', item, (reject) => {
      const c = item.record;
      if (!firstContract(c.contractId, reject)) return;
      const recipient = recipients.get(c.recipientId);
      if (!recipient) return reject('UNKNOWN_RECIPIENT', `recipient ${c.recipientId} is not registered`, 'recipientId');
      if (recipient.status !== 'ACTIVE') return reject('RECIPIENT_NOT_ELIGIBLE', 'contracts are made only with eligible recipients', 'recipientId', 'REG-04');
      if (!providers.has(c.providerId)) return reject('UNKNOWN_PROVIDER', `provider ${c.providerId} is not registered`, 'providerId');
      const serviceType = serviceTypes.get(c.serviceCode);
      if (!serviceType) return reject('UNKNOWN_SERVICE', `service code ${c.serviceCode} is not registered`, 'serviceCode');
      if (!serviceType.grades.some((g) => g.grade === c.grade))
        return reject('UNKNOWN_GRADE', `grade ${c.grade} does not exist for service ${c.serviceCode}`, 'grade');
      if (c.to !== null && c.to < c.from) return reject('INVALID_PERIOD', 'a contract cannot end before it starts', 'to', 'REG-04');
      if (c.terminatedOn !== undefined && c.terminatedOn < c.from)
        return reject('INVALID_TERMINATION_DATE', 'a contract cannot be terminated before it starts', 'terminatedOn', 'REG-04');
      if (c.designatedWorkerIds.length > MAX_DESIGNATED_WORKERS)
        return reject('TOO_MANY_DESIGNATED_WORKERS', `a contract names at most ${MAX_DESIGNATED_WORKERS} designated workers`, 'designatedWorkerIds', 'REG-04');
      for (const [i, workerId] of c.designatedWorkerIds.entries()) {
        const worker = workers.get(workerId);
        if (!worker) return reject('UNKNOWN_WORKER', `worker ${workerId} is not registered`, `designatedWorkerIds.${i}`);
        if (worker.providerId !== c.providerId)
          return reject('WORKER_OF_OTHER_PROVIDER', `worker ${workerId} is not a worker of ${c.providerId}`, `designatedWorkerIds.${i}`, 'REG-04');
      }
      const stored = existing.contracts.get(c.contractId);
      if (stored && (stored.recipientId !== c.recipientId || stored.providerId !== c.providerId || stored.serviceCode !== c.serviceCode))
        return reject('CONTRACT_PARTIES_IMMUTABLE', 'recipient, provider and service of a contract never change; register a new contract', 'contractId', 'REG-04');
      // REG-06: a changed grade is recorded today and applies from next month's voucher.
      const gradeChanges = stored ? [...stored.gradeChanges] : [];
      if (stored && stored.grade !== c.grade) gradeChanges.push({ grade: c.grade, recordedOn: today });
      const { terminatedOn, ...rest } = c;
      return {
        ...rest,
        ...(recipient.municipalityCode ? { municipalityCode: recipient.municipalityCode } : {}),
        initialGrade: stored?.initialGrade ?? c.grade,
        gradeChanges,
        ...(terminatedOn !== undefined ? { terminatedOn } : {}),
      } satisfies Contract;
    }, plan.contracts);
  }

  return plan;
}

type Reject = (code: string, message: string, field?: string, rule?: string) => undefined;

export interface ImportReport {
  accepted: number;
  rejected: Issue[];
  created: number;
  updated: number;
  unchanged: number;
}

/** The whole import: load what the document refers to, decide every record, store the accepted ones. */
export async function importRegistry(
  doc: ImportDocument,
  store: RegistryImportStore,
  today: IsoDate,
  malformed: Issue[] = [],
  audit: ImportAudit = { actor: { sub: 'import', role: 'agency' }, at: `${today}T00:00:00+09:00` },
): Promise<ImportReport> {
  const existing = await store.loadExisting(referencedIds(doc));
  const plan = planImport(doc, existing, today);
  const saved = await store.save(plan, existing, audit);
  const planned = plan.programs.length + plan.providers.length + plan.workers.length + plan.terminals.length
    + plan.recipients.length + plan.cards.length + plan.contracts.length;
  return {
    accepted: planned - saved.rejected.length,
    rejected: [...malformed, ...plan.rejected, ...saved.rejected],
    created: saved.created,
    updated: saved.updated,
    unchanged: saved.unchanged,
  };
}
