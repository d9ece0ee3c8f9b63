/**
 * What a table stream record says about the money items: the item before and after, as domain
 * entities. Only this adapter knows the items' shapes (`type`, key attributes).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { MoneyChange, MoneyItemChange } from '../../../domain/settlement/totals';
import { entityOf } from './items';
import { toBucket } from './ledger-store';

/** The item types whose changes move money (PO-08); the table stream delivers exactly these. */
export const MONEY_ITEM_TYPES: readonly MoneyItemChange['kind'][] = ['Voucher', 'Payment', 'Refund', 'Claim', 'LedgerBucket', 'Payout'];
const MONEY_ITEMS = new Set(MONEY_ITEM_TYPES);

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const itemOf = (image: Image | undefined): Record<string, unknown> | null => (image ? (unmarshall(image as never) as Record<string, unknown>) : null);

/** The record's money item change, or null when the item is not a money item. */
export function moneyChangeOf(record: DynamoDBRecord): MoneyChange | null {
  const before = itemOf(record.dynamodb?.OldImage);
  const after = itemOf(record.dynamodb?.NewImage);
  const kind = (after ?? before)?.type as MoneyItemChange['kind'] | undefined;
  if (!kind || !MONEY_ITEMS.has(kind)) return null;
  const entity = kind === 'LedgerBucket' ? toBucket : entityOf;
  return { changeId: record.eventID!, change: { kind, before: before && entity(before), after: after && entity(after) } as MoneyItemChange };
}
