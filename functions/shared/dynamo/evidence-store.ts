/**
 * People's evidence in the table (SCR-03/04): one item per recipient or worker holding their
 * recorded death and border movements, and the keyed RRN look-up of the people registry (GSI2).
 */
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EvidencePort, PersonRef } from '../../../domain/screening/ports';
import type { PersonEvidence } from '../../../domain/screening/rules';
import { meter } from './capacity';
import type { Table } from './client';
import { gsi2, keys } from './keys';

function evidenceOf(ref: PersonRef, item: Record<string, unknown> | undefined): PersonEvidence {
  const movements = [...((item?.movements as Set<string> | undefined) ?? [])].map((m) => {
    const [date, direction] = m.split('#') as [string, 'DEPARTURE' | 'ENTRY'];
    return { date, direction };
  });
  return { personKind: ref.personKind, personId: ref.personId, deathDate: (item?.deathDate as string | undefined) ?? null, movements };
}

export class DynamoEvidenceStore implements EvidencePort {
  constructor(private readonly table: Table) {}

  private get doc() {
    return this.table.doc;
  }

  /** Both people in one consistent read: evidence recorded before this read is always seen (SCR-05). */
  async people(refs: readonly PersonRef[]): Promise<PersonEvidence[]> {
    const out = await this.doc.send(new BatchGetCommand({
      RequestItems: { [this.table.name]: { Keys: refs.map((r) => keys.personEvidence(r.personKind, r.personId)), ConsistentRead: true } },
      ReturnConsumedCapacity: 'TOTAL',
    }));
    meter(out.ConsumedCapacity, 'read');
    if (Object.keys(out.UnprocessedKeys ?? {}).length) return this.peopleOneByOne(refs);
    const items = out.Responses?.[this.table.name] ?? [];
    return refs.map((ref) => evidenceOf(ref, items.find((i) => i.PK === keys.personEvidence(ref.personKind, ref.personId).PK)));
  }

  private async peopleOneByOne(refs: readonly PersonRef[]): Promise<PersonEvidence[]> {
    return Promise.all(refs.map(async (ref) => evidenceOf(ref, (await this.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.personEvidence(ref.personKind, ref.personId), ConsistentRead: true }))).Item)));
  }

  /** Records a death (a later record for the same person replaces it: corrections win). */
  async recordDeath(ref: PersonRef, deathDate: string, at: string): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.personEvidence(ref.personKind, ref.personId),
      UpdateExpression: 'SET #type = :type, personKind = :kind, personId = :id, deathDate = :d, updatedAt = :at',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'PersonEvidence', ':kind': ref.personKind, ':id': ref.personId, ':d': deathDate, ':at': at },
    }));
  }

  /** Adds a movement; the same record twice is one element of the set. */
  async recordMovement(ref: PersonRef, date: string, direction: 'DEPARTURE' | 'ENTRY', at: string): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.personEvidence(ref.personKind, ref.personId),
      UpdateExpression: 'SET #type = :type, personKind = :kind, personId = :id, updatedAt = :at ADD movements :m',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'PersonEvidence', ':kind': ref.personKind, ':id': ref.personId, ':m': new Set([`${date}#${direction}`]), ':at': at },
    }));
  }

  /** The recipients and workers a keyed RRN hash names (a person may be both). */
  async peopleByRrnHash(rrnHash: string): Promise<PersonRef[]> {
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi2.personPk(rrnHash) },
      ProjectionExpression: 'GSI2SK',
    }));
    return (out.Items ?? []).flatMap((i): PersonRef[] => {
      const [what, id] = String(i.GSI2SK).split('#') as [string, string];
      return what === 'RCPT' ? [{ personKind: 'RECIPIENT' as const, personId: id }] : what === 'WORKER' ? [{ personKind: 'WORKER' as const, personId: id }] : [];
    });
  }
}
