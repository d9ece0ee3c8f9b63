/**
 * Why a consumer last failed on a queue message, kept for a fortnight (a dead-letter queue's
 * retention) so that an operator sees the error beside the dead letter. Masked text only, best
 * effort: a note that cannot be written never fails the consumer.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { maskText } from '../../../domain/operations/masking';
import { batchGetAll } from './batch';
import { dynamoTable, type Table } from './client';
import { keys } from './keys';

const NOTE_TTL_SECONDS = 14 * 24 * 3600;

export interface FailureNote {
  messageId: string;
  step: string;
  error: string;
  at: string;
}

/** The table is the container's unless given; a note never throws synchronously (it rejects). */
export async function noteFailure(note: FailureNote, table: Table = dynamoTable()): Promise<void> {
  await table.doc.send(new PutCommand({
    TableName: table.name,
    Item: { ...keys.failureNote(note.messageId), type: 'FailureNote', ...note, error: maskText(note.error).slice(0, 500), expiresAt: Math.floor(Date.now() / 1000) + NOTE_TTL_SECONDS },
  }));
}

export async function failureNotes(table: Table, messageIds: readonly string[]): Promise<Map<string, FailureNote>> {
  const items = await batchGetAll(table.doc, table.name, messageIds.map((id) => keys.failureNote(id)));
  return new Map(items.map((i) => [i.messageId as string, { messageId: i.messageId as string, step: i.step as string, error: i.error as string, at: i.at as string }]));
}
