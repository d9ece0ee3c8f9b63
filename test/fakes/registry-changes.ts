/**
 * Registry self-service in memory, with the adapter's conditions: a change commits all or
 * nothing; each record only at the version it was read (or when absent), each smartphone number
 * only free or already its provider's, a remembered answer only once per key.
 */
import type { AuditedEntity, AuditEntry } from '../../domain/registry/audit';
import { type CardRecord, type CommitOutcome, type ContractFilter, type ContractRecord, contractMatches, idOfWrite, type ProviderRecord, type RecipientRecord, type RecipientRef, type RegistryChange, type RegistryChangePort, type RegistryWrite, type RememberedAnswer, type TerminalRecord, type TerminalTransfer, type UniqueClaim, type Versioned, type WorkerRecord } from '../../domain/registry/changes';
import type { ServiceType } from '../../domain/registry/entities';
import type { Page } from '../../domain/shared/ports';

type Stored<T> = { value: T; version: number };

const page = <T>(all: T[], limit: number, nextToken?: string): Page<T> => {
  const from = nextToken ? Number(nextToken) : 0;
  const items = all.slice(from, from + limit);
  return from + limit < all.length ? { items, nextToken: String(from + limit) } : { items };
};

export class InMemoryRegistryChanges implements RegistryChangePort {
  readonly records = new Map<string, Stored<unknown>>();
  /** The sealed secret of each terminal as the adapter would hold it; `null` once cleared. */
  readonly secrets = new Map<string, string | null>();
  readonly phones = new Map<string, string>();
  readonly remembers = new Map<string, RememberedAnswer>();
  readonly audits: AuditEntry[] = [];
  readonly workers = new Map<string, { workerId: string; providerId: string }>();
  readonly recipients = new Map<string, RecipientRef>();
  readonly programs = new Set<string>(['COMMUNITY']);
  readonly businessNumbers = new Map<string, string>();
  readonly serviceTypes = new Map<string, ServiceType>();
  /** Canonical RRN → recipient ids (the adapter keeps a keyed hash instead). */
  readonly rrns = new Map<string, Set<string>>();
  /** Worker payment ID → worker id; contract id → recipient id. */
  readonly paymentIds = new Map<string, string>();
  readonly contractIds = new Map<string, string>();
  private sequence = 0;
  commits = 0;

  private read<T>(kind: RegistryWrite['kind'], id: string): Versioned<T> | null {
    const found = this.records.get(`${kind}#${id}`);
    return found ? structuredClone(found as Stored<T>) : null;
  }

  /** Records as the import would have left them (version 0). */
  seed(write: Pick<RegistryWrite, 'kind' | 'value'>): void {
    this.records.set(`${write.kind}#${idOf(write as RegistryWrite)}`, { value: structuredClone(write.value), version: 0 });
    if (write.kind === 'provider') this.businessNumbers.set((write.value as ProviderRecord).businessNumber, (write.value as ProviderRecord).providerId);
    if (write.kind === 'terminal' && (write.value as TerminalRecord).kind === 'SMARTPHONE') this.phones.set((write.value as TerminalRecord).phone, (write.value as TerminalRecord).providerId);
  }

  async terminal(serial: string) {
    return this.read<TerminalRecord>('terminal', serial);
  }
  async terminalTransfer(transferId: string) {
    return this.read<TerminalTransfer>('terminalTransfer', transferId);
  }
  async card(cardNumber: string) {
    return this.read<CardRecord>('card', cardNumber);
  }
  async provider(providerId: string) {
    return this.read<ProviderRecord>('provider', providerId);
  }
  async providerIdByBusinessNumber(businessNumber: string) {
    return this.businessNumbers.get(businessNumber) ?? null;
  }
  async worker(workerId: string) {
    const record = this.read<WorkerRecord>('worker', workerId);
    return this.workers.get(workerId) ?? (record ? { workerId, providerId: record.value.providerId } : null);
  }
  async recipient(recipientId: string) {
    const record = this.read<RecipientRecord>('recipient', recipientId);
    return this.recipients.get(recipientId) ?? (record ? { recipientId, municipalityCode: record.value.municipalityCode, status: record.value.status } : null);
  }
  async programExists(programCode: string) {
    return this.programs.has(programCode);
  }
  async serviceType(serviceCode: string) {
    return structuredClone(this.serviceTypes.get(serviceCode));
  }
  async recipientRecord(recipientId: string) {
    return this.read<RecipientRecord>('recipient', recipientId);
  }
  async recipientsByRrn(rrn: string) {
    return [...(this.rrns.get(rrn) ?? [])].map((id) => this.read<RecipientRecord>('recipient', id)!).filter(Boolean);
  }
  async workerRecord(workerId: string) {
    return this.read<WorkerRecord>('worker', workerId);
  }
  async nextWorkerPaymentId() {
    return String(20_000_000 + ++this.sequence);
  }
  async contract(contractId: string) {
    return this.read<ContractRecord>('contract', contractId);
  }
  async recipientContracts(recipientId: string) {
    return this.list<ContractRecord>('contract', (c) => c.recipientId === recipientId).map((value) => ({ value, version: this.records.get(`contract#${value.contractId}`)!.version }));
  }
  private list<T>(kind: RegistryWrite['kind'], keep: (v: T) => boolean): T[] {
    return [...this.records.entries()].filter(([k, r]) => k.startsWith(`${kind}#`) && keep(r.value as T)).sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => structuredClone(r.value as T));
  }
  private owners(kind: UniqueClaim['kind']): Map<string, string> {
    return kind === 'smartphone' ? this.phones : kind === 'contractId' ? this.contractIds : this.paymentIds;
  }
  async remembered(scope: string, key: string) {
    return structuredClone(this.remembers.get(`${scope}#${key}`) ?? null);
  }

  async commit(change: RegistryChange): Promise<CommitOutcome> {
    if (change.remember && this.remembers.has(`${change.remember.scope}#${change.remember.key}`)) return { ok: false, reason: 'remembered' };
    // As the adapter answers a cancelled transaction: a taken value before a moved record.
    const claimed: UniqueClaim[] = [...(change.claims ?? []), ...change.writes.flatMap((w) => (w.kind === 'worker' ? [{ kind: 'workerPaymentId' as const, value: w.value.workerPaymentId, owner: w.value.workerId }] : []))];
    for (const c of claimed) {
      const owner = this.owners(c.kind).get(c.value);
      if (owner !== undefined && owner !== c.owner) return { ok: false, reason: 'taken', claim: c };
    }
    for (const w of change.writes) {
      const current = this.records.get(`${w.kind}#${idOf(w)}`);
      if (w.expected === null ? current !== undefined : current?.version !== w.expected) return { ok: false, reason: 'conflict' };
    }
    // A number is given back only by its owner (or is already free).
    for (const r of change.releases ?? []) if (this.phones.has(r.value) && this.phones.get(r.value) !== r.owner) return { ok: false, reason: 'conflict' };
    for (const w of change.writes) {
      const key = `${w.kind}#${idOf(w)}`;
      this.records.set(key, { value: structuredClone(w.value), version: (this.records.get(key)?.version ?? 0) + 1 });
      if (w.kind === 'terminal' && w.secret !== undefined) this.secrets.set(w.value.serial, w.secret);
    }
    for (const r of change.releases ?? []) this.phones.delete(r.value);
    for (const c of claimed) this.owners(c.kind).set(c.value, c.owner);
    for (const w of change.writes) {
      if (w.kind === 'recipient' && w.rrn !== undefined) {
        this.rrns.set(w.rrn, new Set([...(this.rrns.get(w.rrn) ?? []), w.value.recipientId]));
      }
    }
    this.audits.push(...structuredClone(change.audit));
    if (change.remember) this.remembers.set(`${change.remember.scope}#${change.remember.key}`, structuredClone(change.remember));
    this.commits++;
    return { ok: true };
  }

  async providerTerminals(providerId: string, limit: number, nextToken?: string) {
    const all = [...this.records.entries()].filter(([k, r]) => k.startsWith('terminal#') && (r.value as TerminalRecord).providerId === providerId).sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => structuredClone(r.value as TerminalRecord));
    return page(all, limit, nextToken);
  }
  async terminalTransfers(state: TerminalTransfer['state'], limit: number, nextToken?: string) {
    const all = [...this.records.entries()].filter(([k, r]) => k.startsWith('terminalTransfer#') && (r.value as TerminalTransfer).state === state).map(([, r]) => structuredClone(r.value as TerminalTransfer)).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    return page(all, limit, nextToken);
  }
  async providerWorkers(providerId: string, limit: number, nextToken?: string) {
    return page(this.list<WorkerRecord>('worker', (w) => w.providerId === providerId), limit, nextToken);
  }
  async providerContracts(providerId: string, filter: ContractFilter, limit: number, nextToken?: string) {
    const all = this.list<ContractRecord>('contract', (c) => c.providerId === providerId);
    const p = page(all, limit, nextToken);
    return { ...p, items: p.items.filter((c) => contractMatches(c, filter)) };
  }
  async municipalityContracts(municipalityCode: string, limit: number, nextToken?: string) {
    return page(this.list<ContractRecord>('contract', (c) => c.municipalityCode === municipalityCode), limit, nextToken);
  }
  async auditOf(entity: AuditedEntity, id: string, limit: number, nextToken?: string) {
    return page(this.audits.filter((a) => a.entity === entity && a.id === id).reverse(), limit, nextToken);
  }
}

export const idOf = idOfWrite;
