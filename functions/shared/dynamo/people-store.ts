/** Reads of a person's record for staff, and the access log that records each (REG-07). */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PersonRecordAccess } from '../../../domain/registry/access-log';
import type { PeoplePort, PersonRecord } from '../../../domain/registry/ports';
import { conditionalWrite } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { keys } from './keys';

/** Access-log entries are kept for five years. */
const ACCESS_LOG_RETENTION_SECONDS = 5 * 365 * 24 * 3600;

const SECRET_FIELDS = ['rrnSealed', 'rrnHash', 'secretSealed', 'secretHash'];

/** The entity without what never leaves the store. */
function visible(item: Record<string, unknown>): PersonRecord {
  return Object.fromEntries(Object.entries(entityOf<Record<string, unknown>>(item)).filter(([k]) => !SECRET_FIELDS.includes(k))) as PersonRecord;
}

/** Conditions spelled once. */
const conditions = {
  /** One entry per read: the same request is recorded once. */
  newEntry: 'attribute_not_exists(PK)',
} as const;

export class DynamoPeopleStore implements PeoplePort {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number) {}

  async recipient(recipientId: string): Promise<PersonRecord | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.recipient(recipientId) }));
    return out.Item ? visible(out.Item) : null;
  }

  async worker(workerId: string): Promise<PersonRecord | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.worker(workerId) }));
    return out.Item ? visible(out.Item) : null;
  }

  async providerHasContract(providerId: string, recipientId: string): Promise<boolean> {
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: 'providerId = :provider',
      ExpressionAttributeValues: { ':pk': keys.recipientPartition(recipientId), ':sk': keys.contractPrefix, ':provider': providerId },
      ProjectionExpression: 'contractId',
    }));
    return (out.Items?.length ?? 0) > 0;
  }

  /** An entry of the same read (subject, instant, reader, request) already recorded stays as it is: a retry records nothing new. */
  async record(entry: PersonRecordAccess): Promise<void> {
    await conditionalWrite(() => this.table.doc.send(new PutCommand({
      TableName: this.table.name,
      Item: {
        ...keys.accessLog(`${entry.subjectType}#${entry.subjectId}`, entry.at, entry.actor, entry.requestId),
        type: 'AccessLog',
        ...entry,
        expiresAt: this.epochSeconds() + ACCESS_LOG_RETENTION_SECONDS,
      },
      ConditionExpression: conditions.newEntry,
    })));
  }

  async accessesOf(subjectType: PersonRecordAccess['subjectType'], subjectId: string): Promise<PersonRecordAccess[]> {
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.accessLogPartition(`${subjectType}#${subjectId}`) },
      ScanIndexForward: false,
    }));
    return (out.Items ?? []).map((i) => visible(i) as unknown as PersonRecordAccess);
  }
}
