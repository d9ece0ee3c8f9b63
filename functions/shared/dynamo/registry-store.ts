/**
 * DynamoDB side of the registry import. Each record is an upsert guarded by a content
 * fingerprint (a re-import of the same record writes nothing) and, where a value must be
 * unique system-wide, a uniqueness item in the same transaction.
 */
import { mapConcurrent } from '../../../domain/shared/concurrency';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ExistingRegistry, ImportPlan, ReferencedIds } from '../../../domain/registry/document';
import type { Card, Contract, Program, Provider, Recipient, ServiceType, Terminal, Worker } from '../../../domain/registry/entities';
import { maskRrn } from '../../../domain/registry/identity';
import type { ImportAudit, ImportSaveReport, RegistryImportStore } from '../../../domain/registry/ports';
import { AUDITED_ID_FIELD, auditEntry, type AuditedEntity } from '../../../domain/registry/audit';
import { randomHex } from '../clock';
import { entityOf } from './items';
import type { Issue } from '../../../domain/shared/result';
import type { PersonalDataVault } from '../vault';
import { batchGetAll, stableJson, type TransactItem, transactWrite } from './batch';
import { cachedNamesOf, feedEntry } from './registry-feed';
import { readCatalog } from './catalog';
import type { Table } from './client';
import { gsi1, gsi2, type Key, keys } from './keys';

const WRITE_CONCURRENCY = 16;
/** REG-02: the system assigns 8-digit worker payment IDs from this base upwards. */
const WORKER_PAYMENT_ID_BASE = 20_000_000;
const MAX_ALLOCATION_ATTEMPTS = 5;

type Outcome = 'created' | 'updated' | 'unchanged' | Issue;
type Put = { Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } };

/** Conditions spelled once (the self-service store writes the same items). */
export const conditions = {
  /** A record is written only when its content changed. */
  changed: 'attribute_not_exists(PK) OR fingerprint <> :fp',
  /** A unique value is free or already this owner's (REG-01..03). */
  ownedBy: 'attribute_not_exists(PK) OR #owner = :owner',
  /** A service code belongs to one program. */
  sameProgram: 'attribute_not_exists(PK) OR programCode = :program',
  /** Only the provider's own smartphone entry is released. */
  phoneOfProvider: 'attribute_not_exists(PK) OR providerId = :p',
} as const;

/** One import's audit context: who, when, and the records as they were before it. */
type SaveContext = ImportAudit & { records: ReadonlyMap<string, Record<string, unknown>> };

/** The item types an import writes that have a change history (REG-08), by their audited entity. */
const AUDITED: Record<string, AuditedEntity | undefined> = { Provider: 'provider', Worker: 'worker', Terminal: 'terminal', Recipient: 'recipient', Card: 'card', Contract: 'contract' };
const auditedIdOf = (item: Record<string, unknown>): { entity: AuditedEntity; id: string } | null => {
  const entity = AUDITED[item.type as string];
  return entity ? { entity, id: String(item[AUDITED_ID_FIELD[entity]]) } : null;
};

/** A stored item as its history shows it: the entity, without keys, bookkeeping or anything sealed. */
function snapshotOf(item: Record<string, unknown>): Record<string, unknown> {
  const entity = entityOf<Record<string, unknown>>(item);
  for (const k of ['rrnSealed', 'rrnHash', 'secretSealed', 'secretHash', 'version']) delete entity[k];
  return entity;
}

export class DynamoRegistryStore implements RegistryImportStore {

  constructor(
    private readonly table: Table,
    private readonly vault: PersonalDataVault,
  ) {}

  async loadExisting(ids: ReferencedIds): Promise<ExistingRegistry> {
    const { doc, name } = this.table;
    const catalog = await readCatalog(this.table);
    const pointerKeys = [...ids.contracts].map(keys.contractPointer);
    const itemKeys: Key[] = [
      ...[...ids.providers].map(keys.provider),
      ...[...ids.workers].map(keys.worker),
      ...[...ids.terminals].map(keys.terminal),
      ...[...ids.recipients].map(keys.recipient),
      ...[...ids.cards].map(keys.card),
      ...pointerKeys,
    ];
    const items = await batchGetAll(doc, name, itemKeys);
    const byType = (type: string) => items.filter((i) => i.type === type);
    const pointers = byType('ContractPointer') as { contractId: string; recipientId: string }[];
    const contracts = (await batchGetAll(doc, name, pointers.map((p) => keys.contract(p.recipientId, p.contractId)))) as unknown as Contract[];

    return {
      serviceTypes: catalog.serviceTypes,
      programs: new Set(catalog.programs.keys()),
      providers: new Map(byType('Provider').map((p) => [p.providerId as string, { businessNumber: p.businessNumber as string }])),
      workers: new Map(byType('Worker').map((w) => [w.workerId as string, { providerId: w.providerId as string, workerPaymentId: w.workerPaymentId as string }])),
      terminals: new Map(byType('Terminal').map((t) => [t.serial as string, { providerId: t.providerId as string, phone: t.phone as string }])),
      recipients: new Map(byType('Recipient').map((r) => [r.recipientId as string, { status: r.status as Recipient['status'], municipalityCode: r.municipalityCode as string }])),
      cards: new Map(byType('Card').map((c) => [c.cardNumber as string, { recipientId: c.recipientId as string }])),
      contracts: new Map(contracts.map((c) => [c.contractId, c])),
      records: new Map([...items, ...(contracts as unknown as Record<string, unknown>[])].flatMap((i) => {
        const audited = auditedIdOf(i);
        return audited ? [[`${audited.entity}#${audited.id}`, snapshotOf(i)] as const] : [];
      })),
    };
  }

  async save(plan: ImportPlan, existing: ExistingRegistry, audit: ImportAudit): Promise<ImportSaveReport> {
    const ctx: SaveContext = { ...audit, records: existing.records ?? new Map() };
    const report: ImportSaveReport = { rejected: [], created: 0, updated: 0, unchanged: 0 };
    const tally = (outcomes: Outcome[]) => {
      for (const o of outcomes) {
        if (typeof o === 'string') report[o]++;
        else report.rejected.push(o);
      }
    };
    const sections = [
      ['programs', plan.programs, (p: Program) => this.saveProgram(p, existing.programs.has(p.code), ctx)],
      ['providers', plan.providers, (p: Provider) => this.saveProvider(p, existing.providers.get(p.providerId)?.businessNumber, ctx)],
      ['workers', plan.workers, (w: Worker) => this.saveWorker(w, existing.workers.has(w.workerId), ctx)],
      ['terminals', plan.terminals, (t: Terminal) => this.saveTerminal(t, existing.terminals.get(t.serial)?.phone, ctx)],
      ['recipients', plan.recipients, (r: Recipient) => this.saveRecipient(r, existing.recipients.has(r.recipientId), ctx)],
      ['cards', plan.cards, (c: Card) => this.saveSimple(keys.card(c.cardNumber), 'Card', c, {}, existing.cards.has(c.cardNumber), ctx)],
      ['contracts', plan.contracts, (c: Contract) => this.saveContract(c, existing.contracts.has(c.contractId), ctx)],
    ] as const;
    // Sections in reference order; records of one section concurrently.
    for (const [section, records, save] of sections) {
      tally(
        await mapConcurrent(records as { index: number; record: never }[], WRITE_CONCURRENCY, async ({ index, record }) => {
          const outcome = await (save as (r: unknown) => Promise<Outcome>)(record);
          return typeof outcome === 'string' ? outcome : { ...outcome, path: `${section}[${index}]${outcome.path}` };
        }),
      );
    }
    return report;
  }

  /** The item itself, written unless its fingerprint is unchanged. */
  private fingerprinted(key: Key, type: string, entity: object, extra: Record<string, unknown> = {}): Put {
    const fingerprint = this.vault.lookupHash(stableJson(entity));
    return {
      Put: {
        TableName: this.table.name,
        Item: { ...key, type, ...entity, ...extra, fingerprint },
        ConditionExpression: conditions.changed,
        ExpressionAttributeValues: { ':fp': fingerprint },
      },
    };
  }

  private unique(key: Key, owner: Record<string, string>, snapshot: Record<string, unknown> = {}): Put {
    const [field, value] = Object.entries(owner)[0]!;
    return {
      Put: {
        TableName: this.table.name,
        Item: { ...key, type: 'Unique', ...snapshot, ...owner },
        ConditionExpression: conditions.ownedBy,
        ExpressionAttributeNames: { '#owner': field },
        ExpressionAttributeValues: { ':owner': value },
      },
    };
  }

  private async saveSimple(key: Key, type: string, entity: object, extra: Record<string, unknown>, existed: boolean, ctx: SaveContext): Promise<Outcome> {
    return this.transact([this.fingerprinted(key, type, entity, extra)], existed, () => 'unchanged', ctx);
  }

  /** REG-08: the audit entry of the record a transaction's first item writes, beside it. */
  private auditPut(record: Put, ctx: SaveContext): Put[] {
    const item = record.Put.Item;
    const kind = auditedIdOf(item);
    if (!kind) return [];
    const { id } = kind;
    const before = ctx.records.get(`${kind.entity}#${id}`) ?? null;
    const entry = auditEntry(kind.entity, id, before ? 'IMPORTED_UPDATE' : 'IMPORTED', ctx.actor, ctx.at, before, snapshotOf(item));
    return [{ Put: { TableName: this.table.name, Item: { ...keys.audit(kind.entity, id, ctx.at, `000000000#import${randomHex(8).toLowerCase()}`), type: 'Audit', ...entry } } }];
  }

  /**
   * Writes the record's transaction. Item 0 is the record (its condition failing means
   * unchanged); a later item failing is a uniqueness conflict, answered by `conflict(index)`.
   */
  private async transact(items: object[], existed: boolean, conflict: (index: number) => Outcome, ctx: SaveContext): Promise<Outcome> {
    const record = (items[0] as Put).Put.Item as Record<string, unknown>;
    const names = cachedNamesOf(record.type, record);
    const feed = names.length ? [feedEntry(this.table.name, names)] : [];
    const cancelled = await transactWrite(this.table.doc, [...items, ...this.auditPut(items[0] as Put, ctx), ...feed] as TransactItem[]);
    if (cancelled === null) return existed ? 'updated' : 'created';
    const conflicting = cancelled.indexes.find((i) => i > 0);
    return conflicting === undefined ? 'unchanged' : conflict(conflicting);
  }

  private async saveProgram(program: Program, existed: boolean, ctx: SaveContext): Promise<Outcome> {
    const { serviceTypes, ...rest } = program;
    const main = this.fingerprinted(keys.program(program.code), 'Program', { ...rest, serviceCodes: serviceTypes.map((s) => s.serviceCode) });
    const services = serviceTypes.map((s: ServiceType) => ({
      Put: {
        TableName: this.table.name,
        Item: { ...keys.serviceType(s.serviceCode), type: 'ServiceType', ...s },
        ConditionExpression: conditions.sameProgram,
        ExpressionAttributeValues: { ':program': program.code },
      },
    }));
    // The program item carries the fingerprint; service types are rewritten with it.
    return this.transact([main, ...services], existed, (i) => ({
      path: `.serviceTypes.${i - 1}.serviceCode`,
      code: 'SERVICE_CODE_TAKEN',
      message: `service code ${serviceTypes[i - 1]?.serviceCode} belongs to another program`,
    }), ctx);
  }

  private async saveProvider(provider: Provider, storedBusinessNumber: string | undefined, ctx: SaveContext): Promise<Outcome> {
    const items: object[] = [
      this.fingerprinted(keys.provider(provider.providerId), 'Provider', provider, gsi1.providerShard(provider.providerId)),
      this.unique(keys.businessNumber(provider.businessNumber), { providerId: provider.providerId }),
    ];
    if (storedBusinessNumber !== undefined && storedBusinessNumber !== provider.businessNumber) {
      items.push({ Delete: { TableName: this.table.name, Key: keys.businessNumber(storedBusinessNumber) } });
    }
    return this.transact(items, storedBusinessNumber !== undefined, () => ({
      path: '.businessNumber',
      code: 'BUSINESS_NUMBER_TAKEN',
      message: 'business registration number belongs to another provider',
      rule: 'REG-01',
    }), ctx);
  }

  /** REG-02: the plan carries the given or already assigned payment ID; a new worker without one gets the next free one. */
  private async saveWorker(worker: Worker, existed: boolean, ctx: SaveContext): Promise<Outcome> {
    const given = worker.workerPaymentId;
    for (let attempt = 0; attempt < MAX_ALLOCATION_ATTEMPTS; attempt++) {
      const paymentId = given ?? (await allocateWorkerPaymentId(this.table));
      const { rrn, ...rest } = worker;
      const entity = { ...rest, workerPaymentId: paymentId, rrnMasked: maskRrn(rrn) };
      const rrnHash = this.vault.lookupHash(rrn);
      const main = this.fingerprinted(keys.worker(worker.workerId), 'Worker', { ...entity, rrnHash }, {
        rrnSealed: this.vault.seal(rrn),
        ...gsi1.ofProvider(worker.providerId, 'WORKER', worker.workerId),
        ...gsi2.person(rrnHash, 'WORKER', worker.workerId),
      });
      // The payment ID item also carries what a payment checks (PAY-02), so intake reads one item.
      const snapshot = { worker: { workerId: worker.workerId, providerId: worker.providerId, workerPaymentId: paymentId, contracts: worker.contracts } };
      const outcome = await this.transact([main, this.unique(keys.workerPaymentId(paymentId), { workerId: worker.workerId }, snapshot)], existed, () => ({
        path: '.workerPaymentId',
        code: 'WORKER_PAYMENT_ID_TAKEN',
        message: `worker payment ID ${paymentId} belongs to another worker`,
        rule: 'REG-02',
      }), ctx);
      // A given ID that is taken is the caller's error; an allocated one is retried with the next.
      if (typeof outcome === 'string' || given !== undefined) return outcome;
    }
    throw new Error('could not allocate a free worker payment ID');
  }

  private async saveTerminal(terminal: Terminal, storedPhone: string | undefined, ctx: SaveContext): Promise<Outcome> {
    const { secret, ...rest } = terminal;
    // The secret is sealed and never part of any answer; its fingerprint still notices a rotation.
    const main = this.fingerprinted(keys.terminal(terminal.serial), 'Terminal', { ...rest, secretHash: this.vault.lookupHash(secret) }, {
      secretSealed: this.vault.seal(secret),
      ...gsi1.ofProvider(terminal.providerId, 'TERM', terminal.serial),
    });
    const items: object[] = [main];
    if (terminal.kind === 'SMARTPHONE') items.push(this.unique(keys.smartphone(terminal.phone), { providerId: terminal.providerId }));
    if (storedPhone !== undefined && storedPhone !== terminal.phone) {
      items.push({ Delete: { TableName: this.table.name, Key: keys.smartphone(storedPhone), ConditionExpression: conditions.phoneOfProvider, ExpressionAttributeValues: { ':p': terminal.providerId } } });
    }
    return this.transact(items, storedPhone !== undefined, () => ({
      path: '.phone',
      code: 'PHONE_REGISTERED_ELSEWHERE',
      message: 'a smartphone may not be registered to two providers',
      rule: 'REG-03',
    }), ctx);
  }

  private async saveRecipient(recipient: Recipient, existed: boolean, ctx: SaveContext): Promise<Outcome> {
    const { rrn, ...rest } = recipient;
    const rrnHash = this.vault.lookupHash(rrn);
    return this.saveSimple(keys.recipient(recipient.recipientId), 'Recipient', { ...rest, rrnMasked: maskRrn(rrn), rrnHash }, {
      rrnSealed: this.vault.seal(rrn),
      ...gsi1.recipientShard(recipient.recipientId),
      ...gsi2.person(rrnHash, 'RCPT', recipient.recipientId),
    }, existed, ctx);
  }

  private async saveContract(contract: Contract, existed: boolean, ctx: SaveContext): Promise<Outcome> {
    const key = keys.contract(contract.recipientId, contract.contractId);
    const main = this.fingerprinted(key, 'Contract', contract, {
      ...gsi1.ofProvider(contract.providerId, 'CONTRACT', contract.contractId),
      ...(contract.municipalityCode ? gsi2.municipalityContract(contract.municipalityCode, contract.contractId) : {}),
    });
    const pointer = this.unique(keys.contractPointer(contract.contractId), { recipientId: contract.recipientId });
    (pointer.Put.Item as Record<string, unknown>).type = 'ContractPointer';
    (pointer.Put.Item as Record<string, unknown>).contractId = contract.contractId;
    return this.transact([main, pointer], existed, () => ({
      path: '.recipientId',
      code: 'CONTRACT_PARTIES_IMMUTABLE',
      message: 'the contract id belongs to another recipient',
      rule: 'REG-04',
    }), ctx);
  }
}

/** REG-02: the next 8-digit worker payment ID from the sequence (the import and self-service share it). */
export async function allocateWorkerPaymentId(table: Table): Promise<string> {
  const out = await table.doc.send(new UpdateCommand({
    TableName: table.name,
    Key: keys.sequence('WORKER_PAYMENT_ID'),
    UpdateExpression: 'ADD #v :one',
    ExpressionAttributeNames: { '#v': 'value' },
    ExpressionAttributeValues: { ':one': 1 },
    ReturnValues: 'UPDATED_NEW',
  }));
  const id = WORKER_PAYMENT_ID_BASE + Number(out.Attributes?.value);
  if (id > 99_999_999) throw new Error('worker payment IDs exhausted');
  return String(id);
}
