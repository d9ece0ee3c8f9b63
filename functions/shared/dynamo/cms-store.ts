/**
 * CMS files in the table (CMS-01/02): one file per transfer date collecting its transfers while
 * `OPEN`; every state change is conditioned on the state it leaves, so two transmit jobs never
 * both send a file.
 */
import { mapConcurrent } from '../../../domain/shared/concurrency';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CmsFileRecord, CmsFileState, CmsTransferItem } from '../../../domain/cms/files';
import type { CmsFilePort } from '../../../domain/cms/ports';
import type { Page, PageRequest } from '../../../domain/shared/ports';
import { conditionalWrite, queryAll, transactWrite } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, gsi2, keys } from './keys';
import { decodeToken, pageOf } from './pagination';

/** Conditions spelled once. */
const conditions = {
  /** The transfer is not in the file yet. */
  newItem: 'attribute_not_exists(PK)',
  /** The file of the date still collects transfers (or does not exist yet). */
  collecting: 'attribute_not_exists(#st) OR #st = :open',
  /** The payout exists (its status is only ever moved, never created here). */
  exists: 'attribute_exists(PK)',
  /** SENT only from SCHEDULED: marking a file's payouts again never undoes a result. */
  stillScheduled: 'attribute_exists(PK) AND #st = :scheduled',
  /** The receive claim is the one taken at `:since`. */
  heldReceiving: '#st = :receiving AND receivingSince = :since',
} as const;

/** Positions in the add-transfer transaction. */
const ADD_ITEM = { transfer: 0, file: 1 } as const;

export class DynamoCmsStore implements CmsFilePort {
  constructor(private readonly table: Table) {}

  /**
   * Adds a transfer to the open file of its date (created on first use); 'closed' if that file was
   * already created, 'duplicate' if the payout is in it already.
   */
  async addItem(transferDate: string, item: CmsTransferItem, at: string): Promise<'added' | 'duplicate' | 'closed'> {
    const failed = await transactWrite(this.table.doc, [
      { Put: { TableName: this.table.name, Item: { ...keys.cmsItem(transferDate, item.payoutId), type: 'CmsTransfer', transferDate, ...item }, ConditionExpression: conditions.newItem } },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.cmsFile(transferDate),
          UpdateExpression: 'SET #type = :type, fileId = :id, fileName = :name, transferDate = :d, #st = if_not_exists(#st, :open), history = if_not_exists(history, :h), GSI1PK = :g1, GSI1SK = :g1s ADD itemCount :one, totalAmount :amt',
          ConditionExpression: conditions.collecting,
          ExpressionAttributeNames: { '#type': 'type', '#st': 'state' },
          ExpressionAttributeValues: {
            ':type': 'CmsFile', ':id': `CMS-${transferDate}`, ':name': `EB31${transferDate.slice(5, 7)}${transferDate.slice(8, 10)}`, ':d': transferDate, ':open': 'OPEN',
            ':h': [{ at, from: null, to: 'OPEN' }], ':g1': gsi1.cmsFile(transferDate).GSI1PK, ':g1s': gsi1.cmsFile(transferDate).GSI1SK, ':one': 1, ':amt': item.amount,
          },
        },
      },
    ]);
    return failed === null ? 'added' : failed.failed(ADD_ITEM.transfer) ? 'duplicate' : 'closed';
  }

  async file(transferDate: string): Promise<CmsFileRecord | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.cmsFile(transferDate), ConsistentRead: true }));
    return out.Item ? entityOf<CmsFileRecord>(out.Item) : null;
  }

  async items(transferDate: string): Promise<CmsTransferItem[]> {
    const items = await queryAll(this.table.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :item)',
      ExpressionAttributeValues: { ':pk': keys.cmsFilePartition(transferDate), ':item': keys.cmsItemPrefix },
      ConsistentRead: true,
    });
    return items.map((i) => entityOf<CmsTransferItem>(i));
  }

  /** Files, newest transfer date first; `from`/`to` bound the dates. */
  async files(page: PageRequest, from = '0000', to = '9999'): Promise<Page<CmsFileRecord>> {
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': gsi1.cmsFilesPk, ':from': from, ':to': to },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, gsi1.cmsFilesPk),
    }));
    return pageOf((out.Items ?? []).map((i) => entityOf<CmsFileRecord>(i)), out.LastEvaluatedKey);
  }

  /** Moves a file from one state to another, with fields; false if it was not in `from` (or its item count moved). */
  async move(transferDate: string, from: CmsFileState, to: CmsFileState, at: string, set: Record<string, unknown> = {}, note?: string, expectItemCount?: number): Promise<boolean> {
    const fields = Object.entries(set).filter(([, v]) => v !== undefined);
    return conditionalWrite(() => this.table.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.cmsFile(transferDate),
      UpdateExpression: `SET #st = :to, history = list_append(history, :h)${fields.map(([k]) => `, #${k} = :${k}`).join('')}`,
      ConditionExpression: `#st = :from${expectItemCount !== undefined ? ' AND itemCount = :count' : ''}`,
      ExpressionAttributeNames: { '#st': 'state', ...Object.fromEntries(fields.map(([k]) => [`#${k}`, k])) },
      ExpressionAttributeValues: {
        ':to': to, ':from': from, ':h': [{ at, from, to, ...(note ? { note } : {}) }], ...Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
        ...(expectItemCount !== undefined ? { ':count': expectItemCount } : {}),
      },
    })));
  }

  /**
   * Claims a file already RECEIVING: one whose claim was released (no `receivingSince`), or one left
   * by a run that died, only if it is still held by the claim that was read (`since`), so that of
   * two runs claiming at once only one proceeds. Only a take-over is written to the history.
   */
  async reclaimReceiving(transferDate: string, since: string | undefined, sinceNow: string, at: string): Promise<boolean> {
    return conditionalWrite(() => this.table.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.cmsFile(transferDate),
      UpdateExpression: `SET receivingSince = :now${since === undefined ? '' : ', history = list_append(history, :h)'}`,
      ConditionExpression: `#st = :receiving AND ${since === undefined ? 'attribute_not_exists(receivingSince)' : 'receivingSince = :since'}`,
      ExpressionAttributeNames: { '#st': 'state' },
      ExpressionAttributeValues: {
        ':now': sinceNow, ':receiving': 'RECEIVING',
        ...(since === undefined ? {} : { ':since': since, ':h': [{ at, from: 'RECEIVING', to: 'RECEIVING', note: 'taken over from a run that did not finish' }] }),
      },
    })));
  }

  /** Releases this run's claim on a RECEIVING file (its result is not available yet). */
  async releaseReceiving(transferDate: string, since: string): Promise<void> {
    await conditionalWrite(() => this.table.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.cmsFile(transferDate),
      UpdateExpression: 'REMOVE receivingSince',
      ConditionExpression: conditions.heldReceiving,
      ExpressionAttributeNames: { '#st': 'state' },
      ExpressionAttributeValues: { ':receiving': 'RECEIVING', ':since': since },
    })));
  }

  /** CMS-05: the payouts go out on another transfer date; the pay-day index moves with them. */
  async movePayouts(payoutIds: readonly string[], payDate: string, reason: 'CUTOFF_MISSED'): Promise<void> {
    // A transfer whose payout is not there has no pay day to move (never created here).
    await mapConcurrent(payoutIds, 16, (payoutId) => conditionalWrite(() => this.table.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.payout(payoutId),
      UpdateExpression: 'SET payDate = :d, payDateReason = :r, GSI2PK = :g2, GSI2SK = :g2s',
      ConditionExpression: conditions.exists,
      ExpressionAttributeValues: { ':d': payDate, ':r': reason, ':g2': gsi2.payDay(payDate, payoutId).GSI2PK, ':g2s': gsi2.payDay(payDate, payoutId).GSI2SK },
    }))));
  }

  /** Marks the payouts of a file (SENT once transmitted). */
  async markPayouts(payoutIds: readonly string[], status: 'SENT' | 'PAID' | 'FAILED', extra: Record<string, unknown> = {}): Promise<void> {
    const fields = Object.entries(extra);
    // A transfer whose payout is not there (never made by a run) has nothing to mark; it must not
    // stop the file's other payouts.
    await mapConcurrent(payoutIds, 16, (payoutId) => conditionalWrite(() => this.table.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.payout(payoutId),
      UpdateExpression: `SET #st = :st${fields.map(([k]) => `, #${k} = :${k}`).join('')}`,
      ConditionExpression: status === 'SENT' ? conditions.stillScheduled : conditions.exists,
      ExpressionAttributeNames: { '#st': 'status', ...Object.fromEntries(fields.map(([k]) => [`#${k}`, k])) },
      ExpressionAttributeValues: { ':st': status, ...(status === 'SENT' ? { ':scheduled': 'SCHEDULED' } : {}), ...Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])) },
    }))));
  }
}
