/**
 * The registry in memory, with the adapter's conditions: a record re-imported unchanged writes
 * nothing; a business number, a worker payment ID, a smartphone and a contract id each have one
 * owner (REG-01..04), and a new worker gets the next free payment ID. It also answers what other
 * contexts read of the registry: people's records and the access log (REG-07), and the recipient
 * months voucher generation and claims work from. Passes the registry and people contracts.
 */
import type { ExistingRegistry, ImportPlan, ReferencedIds } from '../../domain/registry/document';
import type { Card, Contract, Program, Provider, Recipient, ServiceType, Terminal, Worker } from '../../domain/registry/entities';
import { maskRrn } from '../../domain/registry/identity';
import type { PersonRecordAccess } from '../../domain/registry/access-log';
import type { ImportAudit, ImportSaveReport, PeoplePort, PersonRecord, RegistryImportStore } from '../../domain/registry/ports';
import { AUDITED_ID_FIELD, auditEntry, type AuditedEntity, type AuditEntry } from '../../domain/registry/audit';
import type { Issue } from '../../domain/shared/result';

const WORKER_PAYMENT_ID_BASE = 20_000_000;

/** Content fingerprint: the same record imported again is unchanged. */
const fingerprint = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

type Stored<T> = { entity: T; fp: string };
type Outcome = 'created' | 'updated' | 'unchanged' | Issue;
type StoredRecipient = Omit<Recipient, 'rrn'> & { rrnMasked: string };
type StoredWorker = Omit<Worker, 'rrn'> & { workerPaymentId: string; rrnMasked: string };

/** The sections whose records have a change history (REG-08), by their audited entity. */
const IMPORT_AUDITED: Record<string, AuditedEntity | undefined> = { providers: 'provider', workers: 'worker', terminals: 'terminal', recipients: 'recipient', cards: 'card', contracts: 'contract' };

export class InMemoryRegistry implements RegistryImportStore, PeoplePort {
  /** The import's change history (REG-08), oldest first. */
  readonly audits: AuditEntry[] = [];
  readonly programs = new Map<string, Stored<Omit<Program, 'serviceTypes'>>>();
  readonly serviceTypes = new Map<string, ServiceType>();
  readonly providers = new Map<string, Stored<Provider>>();
  readonly workers = new Map<string, Stored<StoredWorker>>();
  readonly terminals = new Map<string, Stored<Omit<Terminal, 'secret'> & { secret: string }>>();
  readonly recipients = new Map<string, Stored<StoredRecipient>>();
  readonly cards = new Map<string, Stored<Card>>();
  readonly contracts = new Map<string, Stored<Contract>>();
  /** Uniqueness owners: business number → provider, payment ID → worker, phone → provider. */
  private readonly businessNumbers = new Map<string, string>();
  private readonly paymentIds = new Map<string, string>();
  private readonly phones = new Map<string, string>();
  private sequence = 0;
  readonly accesses: PersonRecordAccess[] = [];

  async loadExisting(ids: ReferencedIds): Promise<ExistingRegistry> {
    const pick = <T, U>(m: Map<string, Stored<T>>, wanted: ReadonlySet<string>, f: (e: T) => U) => new Map([...wanted].filter((id) => m.has(id)).map((id) => [id, f(m.get(id)!.entity)] as const));
    return {
      serviceTypes: new Map(this.serviceTypes),
      programs: new Set(this.programs.keys()),
      providers: pick(this.providers, ids.providers, (p) => ({ businessNumber: p.businessNumber })),
      workers: pick(this.workers, ids.workers, (w) => ({ providerId: w.providerId, workerPaymentId: w.workerPaymentId })),
      terminals: pick(this.terminals, ids.terminals, (t) => ({ providerId: t.providerId, phone: t.phone })),
      recipients: pick(this.recipients, ids.recipients, (r) => ({ status: r.status })),
      cards: pick(this.cards, ids.cards, (c) => ({ recipientId: c.recipientId })),
      contracts: pick(this.contracts, ids.contracts, (c) => structuredClone(c)),
    };
  }

  async save(plan: ImportPlan, existing: ExistingRegistry, audit: ImportAudit): Promise<ImportSaveReport> {
    const report: ImportSaveReport = { rejected: [], created: 0, updated: 0, unchanged: 0 };
    const sections = [
      ['programs', plan.programs, (p: Program) => this.saveProgram(p)],
      ['providers', plan.providers, (p: Provider) => this.saveProvider(p)],
      ['workers', plan.workers, (w: Worker) => this.saveWorker(w)],
      ['terminals', plan.terminals, (t: Terminal) => this.saveTerminal(t)],
      ['recipients', plan.recipients, (r: Recipient) => this.upsert(this.recipients, r.recipientId, { ...withoutRrn(r), rrnMasked: maskRrn(r.rrn) })],
      ['cards', plan.cards, (c: Card) => this.upsert(this.cards, c.cardNumber, c)],
      ['contracts', plan.contracts, (c: Contract) => this.saveContract(c)],
    ] as const;
    void existing;
    for (const [section, records, save] of sections) {
      for (const { index, record } of records as { index: number; record: never }[]) {
        const outcome = (save as (r: unknown) => Outcome)(record);
        const audited = IMPORT_AUDITED[section];
        if (audited && (outcome === 'created' || outcome === 'updated')) {
          const id = String((record as Record<string, unknown>)[AUDITED_ID_FIELD[audited]]);
          this.audits.push(auditEntry(audited, id, outcome === 'created' ? 'IMPORTED' : 'IMPORTED_UPDATE', audit.actor, audit.at, null, withoutRrn(record as never)));
        }
        if (typeof outcome === 'string') report[outcome]++;
        else report.rejected.push({ ...outcome, path: `${section}[${index}]${outcome.path}` });
      }
    }
    return report;
  }

  private upsert<T>(m: Map<string, Stored<T>>, id: string, entity: T): 'created' | 'updated' | 'unchanged' {
    const fp = fingerprint(entity);
    const had = m.get(id);
    if (had?.fp === fp) return 'unchanged';
    m.set(id, { entity: structuredClone(entity), fp });
    return had ? 'updated' : 'created';
  }

  private saveProgram(program: Program): Outcome {
    const { serviceTypes, ...rest } = program;
    const taken = serviceTypes.findIndex((s) => this.serviceTypes.has(s.serviceCode) && this.serviceTypes.get(s.serviceCode)!.programCode !== program.code);
    if (taken >= 0) return { path: `.serviceTypes.${taken}.serviceCode`, code: 'SERVICE_CODE_TAKEN', message: `service code ${serviceTypes[taken]!.serviceCode} belongs to another program` };
    const outcome = this.upsert(this.programs, program.code, { ...rest, serviceCodes: serviceTypes.map((s) => s.serviceCode) } as never);
    if (outcome !== 'unchanged') for (const s of serviceTypes) this.serviceTypes.set(s.serviceCode, structuredClone(s));
    return outcome;
  }

  private saveProvider(provider: Provider): Outcome {
    const owner = this.businessNumbers.get(provider.businessNumber);
    if (owner !== undefined && owner !== provider.providerId) return { path: '.businessNumber', code: 'BUSINESS_NUMBER_TAKEN', message: 'business registration number belongs to another provider', rule: 'REG-01' };
    const stored = this.providers.get(provider.providerId)?.entity.businessNumber;
    const outcome = this.upsert(this.providers, provider.providerId, provider);
    if (outcome !== 'unchanged') {
      if (stored !== undefined && stored !== provider.businessNumber) this.businessNumbers.delete(stored);
      this.businessNumbers.set(provider.businessNumber, provider.providerId);
    }
    return outcome;
  }

  /** REG-02: the given or already assigned payment ID; a new worker without one gets the next free one. */
  private saveWorker(worker: Worker): Outcome {
    const given = worker.workerPaymentId;
    let paymentId = given;
    while (paymentId === undefined || (given === undefined && this.paymentIds.has(paymentId) && this.paymentIds.get(paymentId) !== worker.workerId)) paymentId = String(WORKER_PAYMENT_ID_BASE + ++this.sequence);
    const owner = this.paymentIds.get(paymentId);
    if (owner !== undefined && owner !== worker.workerId) return { path: '.workerPaymentId', code: 'WORKER_PAYMENT_ID_TAKEN', message: `worker payment ID ${paymentId} belongs to another worker`, rule: 'REG-02' };
    const outcome = this.upsert(this.workers, worker.workerId, { ...withoutRrn(worker), workerPaymentId: paymentId, rrnMasked: maskRrn(worker.rrn) });
    this.paymentIds.set(paymentId, worker.workerId);
    return outcome;
  }

  private saveTerminal(terminal: Terminal): Outcome {
    const owner = terminal.kind === 'SMARTPHONE' ? this.phones.get(terminal.phone) : undefined;
    if (owner !== undefined && owner !== terminal.providerId) return { path: '.phone', code: 'PHONE_REGISTERED_ELSEWHERE', message: 'a smartphone may not be registered to two providers', rule: 'REG-03' };
    const stored = this.terminals.get(terminal.serial)?.entity.phone;
    const outcome = this.upsert(this.terminals, terminal.serial, terminal);
    if (outcome !== 'unchanged') {
      if (stored !== undefined && stored !== terminal.phone && this.phones.get(stored) === terminal.providerId) this.phones.delete(stored);
      if (terminal.kind === 'SMARTPHONE') this.phones.set(terminal.phone, terminal.providerId);
    }
    return outcome;
  }

  private saveContract(contract: Contract): Outcome {
    const stored = this.contracts.get(contract.contractId)?.entity;
    if (stored && stored.recipientId !== contract.recipientId) return { path: '.recipientId', code: 'CONTRACT_PARTIES_IMMUTABLE', message: 'the contract id belongs to another recipient', rule: 'REG-04' };
    return this.upsert(this.contracts, contract.contractId, contract);
  }

  // PeoplePort (REG-07): records without what never leaves the store, and the access log.
  async recipient(recipientId: string): Promise<PersonRecord | null> {
    const r = this.recipients.get(recipientId)?.entity;
    return r ? structuredClone(r) : null;
  }
  async worker(workerId: string): Promise<PersonRecord | null> {
    const w = this.workers.get(workerId)?.entity;
    return w ? structuredClone(w) : null;
  }
  async providerHasContract(providerId: string, recipientId: string) {
    return [...this.contracts.values()].some(({ entity: c }) => c.providerId === providerId && c.recipientId === recipientId);
  }
  async record(entry: PersonRecordAccess) {
    // The same read recorded again (a retry) keeps the first entry, as the adapter's condition does.
    if (this.accesses.some((a) => a.subjectType === entry.subjectType && a.subjectId === entry.subjectId && a.at === entry.at && a.actor === entry.actor && a.requestId === entry.requestId)) return;
    this.accesses.push(structuredClone(entry));
  }
  async accessesOf(subjectType: PersonRecordAccess['subjectType'], subjectId: string) {
    return this.accesses.filter((a) => a.subjectType === subjectType && a.subjectId === subjectId).sort((a, b) => b.at.localeCompare(a.at) || b.actor.localeCompare(a.actor) || b.requestId.localeCompare(a.requestId)).map((a) => structuredClone(a));
  }

  /** Contracts of a recipient, as voucher generation and claims read them. */
  contractsOf(recipientId: string): Contract[] {
    return [...this.contracts.values()].map((c) => structuredClone(c.entity)).filter((c) => c.recipientId === recipientId).sort((a, b) => a.contractId.localeCompare(b.contractId));
  }
}

function withoutRrn<T extends { rrn: string }>(record: T): Omit<T, 'rrn'> {
  const { rrn: _, ...rest } = record;
  return rest;
}
