/**
 * DynamoDB side of registry self-service: a `RegistryChange` is one TransactWriteItems — each
 * record an Update conditioned on the version it was read at (import-written records have none:
 * version 0), each smartphone number a uniqueness item, the remembered answer a Put that exists
 * once, and the audit entries beside them. Items keep the import's shape, so the payment path
 * reads them unchanged; an API write drops the import's fingerprint so a re-import rewrites.
 */
import { randomHex } from '../clock';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditedEntity, AuditEntry } from '../../../domain/registry/audit';
import { type CardRecord, type CommitOutcome, type ProviderRecord, type RegistryChange, type RegistryChangePort, type RegistryWrite, type RememberedAnswer, type TerminalRecord, type UniqueClaim, idOfWrite, type TerminalTransfer, type Versioned, versionWritten, type ContractFilter, type ContractRecord, contractMatches, type RecipientRecord, type WorkerRecord } from '../../../domain/registry/changes';
import type { Page } from '../../../domain/shared/ports';
import type { PersonalDataVault } from '../vault';
import { queryAll, type TransactItem, transactWrite } from './batch';
import { readCatalog } from './catalog';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, gsi2, type Key, keys } from './keys';
import { decodeToken, pageOf } from './pagination';
import { cachedNamesOf, feedEntry } from './registry-feed';
import { allocateWorkerPaymentId, conditions } from './registry-store';

/** A remembered answer is replayed for a day (api.md: a retry answers as the first time). */
const REMEMBER_SECONDS = 24 * 3600;
/** Never part of an entity read back: the secret and the bookkeeping. */
const HIDDEN = ['secretSealed', 'secretHash', 'version', 'rrnSealed', 'rrnHash', 'expiresAt'];

function placeOf(w: RegistryWrite): { key: Key; type: string; index: Record<string, string> } {
  switch (w.kind) {
    case 'terminal':
      return { key: keys.terminal(w.value.serial), type: 'Terminal', index: gsi1.ofProvider(w.value.providerId, 'TERM', w.value.serial) };
    case 'terminalTransfer':
      return { key: keys.terminalTransfer(w.value.transferId), type: 'TerminalTransfer', index: gsi1.terminalTransfer(w.value.state, w.value.requestedAt, w.value.transferId) };
    case 'card':
      return { key: keys.card(w.value.cardNumber), type: 'Card', index: {} };
    case 'provider':
      return { key: keys.provider(w.value.providerId), type: 'Provider', index: gsi1.providerShard(w.value.providerId) };
    case 'recipient':
      return { key: keys.recipient(w.value.recipientId), type: 'Recipient', index: gsi1.recipientShard(w.value.recipientId) };
    case 'worker':
      return { key: keys.worker(w.value.workerId), type: 'Worker', index: gsi1.ofProvider(w.value.providerId, 'WORKER', w.value.workerId) };
    case 'contract':
      return {
        key: keys.contract(w.value.recipientId, w.value.contractId),
        type: 'Contract',
        // A contract imported before municipalities were kept beside contracts has none to index.
        index: { ...gsi1.ofProvider(w.value.providerId, 'CONTRACT', w.value.contractId), ...(w.value.municipalityCode ? gsi2.municipalityContract(w.value.municipalityCode, w.value.contractId) : {}) },
      };
  }
}

/** What a payment checks of a worker (PAY-02), kept on the payment ID's item so intake reads one item. */
const workerSnapshot = (w: WorkerRecord) => ({ workerId: w.workerId, providerId: w.providerId, workerPaymentId: w.workerPaymentId, contracts: w.contracts });

const clean = <T>(item: Record<string, unknown>): T => {
  const entity = entityOf<Record<string, unknown>>(item);
  for (const k of HIDDEN) delete entity[k];
  return entity as T;
};

export class DynamoRegistryChangeStore implements RegistryChangePort {
  constructor(
    private readonly table: Table,
    private readonly vault: PersonalDataVault,
    private readonly epochSeconds: () => number,
  ) {}

  private async get(key: Key): Promise<Record<string, unknown> | undefined> {
    return (await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }))).Item;
  }

  private async versioned<T>(key: Key, shape: (item: Record<string, unknown>) => T): Promise<Versioned<T> | null> {
    const item = await this.get(key);
    return item ? { value: shape(item), version: Number(item.version ?? 0) } : null;
  }

  terminal(serial: string) {
    return this.versioned(keys.terminal(serial), (i) => terminalOf(i));
  }
  terminalTransfer(transferId: string) {
    return this.versioned(keys.terminalTransfer(transferId), (i) => clean<TerminalTransfer>(i));
  }
  card(cardNumber: string) {
    return this.versioned(keys.card(cardNumber), (i) => clean<CardRecord>(i));
  }
  provider(providerId: string) {
    return this.versioned(keys.provider(providerId), (i) => ({ accounts: [], ...clean<Partial<ProviderRecord>>(i) }) as ProviderRecord);
  }
  async providerIdByBusinessNumber(businessNumber: string) {
    return ((await this.get(keys.businessNumber(businessNumber)))?.providerId as string | undefined) ?? null;
  }
  async worker(workerId: string) {
    const item = await this.get(keys.worker(workerId));
    return item ? { workerId, providerId: item.providerId as string } : null;
  }
  async recipient(recipientId: string) {
    const item = await this.get(keys.recipient(recipientId));
    return item ? { recipientId, municipalityCode: item.municipalityCode as string, status: item.status as string } : null;
  }
  async programExists(programCode: string) {
    return (await readCatalog(this.table)).programs.has(programCode);
  }
  async serviceType(serviceCode: string) {
    return (await readCatalog(this.table)).serviceTypes.get(serviceCode);
  }
  recipientRecord(recipientId: string) {
    return this.versioned(keys.recipient(recipientId), recipientOf);
  }
  async recipientsByRrn(rrn: string) {
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :r)',
      ExpressionAttributeValues: { ':pk': gsi2.personPk(this.vault.lookupHash(rrn)), ':r': gsi2.personRecipientPrefix },
    }));
    // The index is eventually consistent: each match is read again from the table, with its version.
    const found = await Promise.all((out.Items ?? []).map((i) => this.recipientRecord(i.recipientId as string)));
    return found.filter((r): r is Versioned<RecipientRecord> => r !== null);
  }
  workerRecord(workerId: string) {
    return this.versioned(keys.worker(workerId), (i) => ({ contracts: [], ...clean<Partial<WorkerRecord>>(i) }) as WorkerRecord);
  }
  async nextWorkerPaymentId() {
    return allocateWorkerPaymentId(this.table);
  }
  async contract(contractId: string) {
    const pointer = await this.get(keys.contractPointer(contractId));
    return pointer ? this.versioned(keys.contract(pointer.recipientId as string, contractId), contractOf) : null;
  }
  async recipientContracts(recipientId: string) {
    const items = await queryAll(this.table.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :c)',
      ExpressionAttributeValues: { ':pk': keys.recipientPartition(recipientId), ':c': keys.contractPrefix },
      ConsistentRead: true,
    });
    return items.map((i) => ({ value: contractOf(i), version: Number(i.version ?? 0) }));
  }
  async remembered(scope: string, key: string): Promise<RememberedAnswer | null> {
    const item = await this.get(keys.idempotency(scope, key));
    if (!item || Number(item.expiresAt) < this.epochSeconds()) return null;
    return { scope, key, requestHash: item.requestHash as string, status: Number(item.status), body: JSON.parse(this.vault.open(item.bodySealed as string)) };
  }

  async commit(change: RegistryChange): Promise<CommitOutcome> {
    const name = this.table.name;
    const writes = change.writes.map((w) => this.update(w));
    // Every worker write keeps its payment ID's item (the ID the worker's alone, PAY-02's snapshot current).
    const claimed: UniqueClaim[] = [
      ...(change.claims ?? []),
      ...change.writes.flatMap((w) => (w.kind === 'worker' ? [{ kind: 'workerPaymentId' as const, value: w.value.workerPaymentId, owner: w.value.workerId }] : [])),
    ];
    const claims: TransactItem[] = claimed.map((c) => this.claim(c, change));
    const releases: TransactItem[] = (change.releases ?? []).map((r) => ({
      Delete: { TableName: name, Key: keys.smartphone(r.value), ConditionExpression: conditions.phoneOfProvider, ExpressionAttributeValues: { ':p': r.owner } },
    }));
    const remember: TransactItem[] = change.remember
      ? [{
          Put: {
            TableName: name,
            Item: { ...keys.idempotency(change.remember.scope, change.remember.key), type: 'Idempotency', requestHash: change.remember.requestHash, status: change.remember.status, bodySealed: this.vault.seal(JSON.stringify(change.remember.body)), expiresAt: this.epochSeconds() + REMEMBER_SECONDS },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        }]
      : [];
    const batch = randomHex(8).toLowerCase();
    // Sorted by instant, then by the version the change writes (same-second changes of one record in order).
    const audits: TransactItem[] = change.audit.map((a, i) => ({
      Put: { TableName: name, Item: { ...keys.audit(a.entity, a.id, a.at, `${String(versionWritten(change, a)).padStart(9, '0')}#${batch}${i}`), type: 'Audit', ...a } },
    }));
    // REG-08: what payments may have cached of these records is named in the feed (last item).
    const names = change.writes.flatMap((w) => cachedNamesOf(placeOf(w).type, w.value as unknown as Record<string, unknown>));
    const feed = names.length ? [feedEntry(name, names)] : [];
    const cancelled = await transactWrite(this.table.doc, [...writes, ...claims, ...releases, ...remember, ...audits, ...feed], { conflicts: 'return' });
    if (cancelled === null) return { ok: true };
    const at = (from: number, n: number) => cancelled.indexes.find((i) => i >= from && i < from + n);
    if (remember.length && at(writes.length + claims.length + releases.length, 1) !== undefined) return { ok: false, reason: 'remembered' };
    const claim = at(writes.length, claims.length);
    if (claim !== undefined) return { ok: false, reason: 'taken', claim: claimed[claim - writes.length]! };
    return { ok: false, reason: 'conflict' };
  }

  /** The uniqueness item of a claim, written only when the value is free or already its owner's. */
  private claim(c: UniqueClaim, change: RegistryChange): TransactItem {
    const name = this.table.name;
    switch (c.kind) {
      case 'smartphone':
        return { Put: { TableName: name, Item: { ...keys.smartphone(c.value), type: 'Unique', providerId: c.owner }, ConditionExpression: conditions.phoneOfProvider, ExpressionAttributeValues: { ':p': c.owner } } };
      case 'contractId':
        return {
          Put: {
            TableName: name,
            Item: { ...keys.contractPointer(c.value), type: 'ContractPointer', contractId: c.value, recipientId: c.owner },
            ConditionExpression: conditions.ownedBy,
            ExpressionAttributeNames: { '#owner': 'recipientId' },
            ExpressionAttributeValues: { ':owner': c.owner },
          },
        };
      case 'workerPaymentId': {
        const worker = change.writes.find((w) => w.kind === 'worker' && w.value.workerId === c.owner)!.value as WorkerRecord;
        return {
          Put: {
            TableName: name,
            Item: { ...keys.workerPaymentId(c.value), type: 'Unique', workerId: c.owner, worker: workerSnapshot(worker) },
            ConditionExpression: conditions.ownedBy,
            ExpressionAttributeNames: { '#owner': 'workerId' },
            ExpressionAttributeValues: { ':owner': c.owner },
          },
        };
      }
    }
  }

  /** One record's Update: every field of its value set, the version moved on, conditioned on the version read. */
  private update(w: RegistryWrite): TransactItem {
    const { key, type, index } = placeOf(w);
    const fields: Record<string, unknown> = { ...Object.fromEntries(Object.entries(w.value).filter(([, v]) => v !== undefined)), ...index, type, version: (w.expected ?? 0) + 1 };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(fields).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      return `#f${i} = :f${i}`;
    });
    const removes = ['#fp'];
    names['#fp'] = 'fingerprint';
    if (w.kind === 'terminal' && w.secret !== undefined) {
      names['#ss'] = 'secretSealed';
      names['#sh'] = 'secretHash';
      if (w.secret === null) removes.push('#ss', '#sh');
      else {
        sets.push('#ss = :ss', '#sh = :sh');
        values[':ss'] = this.vault.seal(w.secret);
        values[':sh'] = this.vault.lookupHash(w.secret);
      }
    }
    if ((w.kind === 'recipient' || w.kind === 'worker') && w.rrn !== undefined) {
      // REG-07: the RRN sealed, its keyed hash for look-up, never in clear.
      const rrnHash = this.vault.lookupHash(w.rrn);
      const person = gsi2.person(rrnHash, w.kind === 'recipient' ? 'RCPT' : 'WORKER', idOfWrite(w));
      for (const [k, v] of Object.entries({ rrnSealed: this.vault.seal(w.rrn), rrnHash, ...person })) {
        const i = sets.length;
        names[`#f${i}`] = k;
        values[`:f${i}`] = v;
        sets.push(`#f${i} = :f${i}`);
      }
    }
    let condition: string;
    if (w.expected === null) condition = 'attribute_not_exists(PK)';
    else if (w.expected === 0) {
      names['#v'] = 'version';
      condition = 'attribute_exists(PK) AND attribute_not_exists(#v)';
    } else {
      names['#v'] = 'version';
      condition = '#v = :expected';
      values[':expected'] = w.expected;
    }
    return {
      Update: {
        TableName: this.table.name,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  private async query<T>(input: { pk: string; index?: 'GSI1' | 'GSI2'; begins?: string; forward: boolean; limit: number; nextToken?: string | undefined }, shape: (i: Record<string, unknown>) => T): Promise<Page<T>> {
    const pkName = input.index ? `${input.index}PK` : 'PK';
    const skName = input.index ? `${input.index}SK` : 'SK';
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      ...(input.index ? { IndexName: input.index } : {}),
      KeyConditionExpression: `${pkName} = :pk${input.begins ? ` AND begins_with(${skName}, :b)` : ''}`,
      ExpressionAttributeValues: { ':pk': input.pk, ...(input.begins ? { ':b': input.begins } : {}) },
      ScanIndexForward: input.forward,
      Limit: input.limit,
      ExclusiveStartKey: decodeToken(input.nextToken, input.pk),
    }));
    return pageOf((out.Items ?? []).map(shape), out.LastEvaluatedKey);
  }

  providerTerminals(providerId: string, limit: number, nextToken?: string) {
    return this.query({ pk: gsi1.ofProvider(providerId, 'TERM', '').GSI1PK, index: 'GSI1', begins: gsi1.ofProvider(providerId, 'TERM', '').GSI1SK, forward: true, limit, nextToken }, terminalOf);
  }
  terminalTransfers(state: TerminalTransfer['state'], limit: number, nextToken?: string) {
    return this.query({ pk: gsi1.terminalTransfersPk(state), index: 'GSI1', forward: true, limit, nextToken }, (i) => clean<TerminalTransfer>(i));
  }
  async providerWorkers(providerId: string, limit: number, nextToken?: string) {
    const index = gsi1.ofProvider(providerId, 'WORKER', '');
    return this.query({ pk: index.GSI1PK, index: 'GSI1', begins: index.GSI1SK, forward: true, limit, nextToken }, (i) => ({ contracts: [], ...clean<Partial<WorkerRecord>>(i) }) as WorkerRecord);
  }
  async providerContracts(providerId: string, filter: ContractFilter, limit: number, nextToken?: string) {
    const index = gsi1.ofProvider(providerId, 'CONTRACT', '');
    const page = await this.query({ pk: index.GSI1PK, index: 'GSI1', begins: index.GSI1SK, forward: true, limit, nextToken }, contractOf);
    return { ...page, items: page.items.filter((c) => contractMatches(c, filter)) };
  }
  municipalityContracts(municipalityCode: string, limit: number, nextToken?: string) {
    return this.query({ pk: gsi2.municipalityContractPk(municipalityCode), index: 'GSI2', forward: true, limit, nextToken }, contractOf);
  }
  auditOf(entity: AuditedEntity, id: string, limit: number, nextToken?: string) {
    return this.query({ pk: keys.auditPartition(entity, id), forward: false, limit, nextToken }, (i) => clean<AuditEntry>(i));
  }
}

/** A terminal item as the registry reads it; import-written ones lack the self-service fields. */
function terminalOf(item: Record<string, unknown>): TerminalRecord {
  return { workerIds: [], rekeyRequired: false, pendingTransferId: null, ...clean<Partial<TerminalRecord>>(item) } as TerminalRecord;
}

function recipientOf(item: Record<string, unknown>): RecipientRecord {
  return { eligibility: [], suspensions: [], ...clean<Partial<RecipientRecord>>(item) } as RecipientRecord;
}

/** A contract item; one written by the import has no municipality beside it (its lists find it by provider). */
function contractOf(item: Record<string, unknown>): ContractRecord {
  return { gradeChanges: [], designatedWorkerIds: [], ...clean<Partial<ContractRecord>>(item) } as ContractRecord;
}

