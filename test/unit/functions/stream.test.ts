/** The table stream's records as money item changes (PO-08 totals): the adapter alone knows the items' shapes. */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { moneyChangeOf } from '../../../functions/shared/dynamo/stream';
import { totalsDeltas } from '../../../domain/settlement/totals';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', before: object | null, after: object | null): DynamoDBRecord => ({
  eventID: `ev-${eventName}`, eventName,
  dynamodb: { SequenceNumber: '1', ...(before ? { OldImage: marshall(before) as never } : {}), ...(after ? { NewImage: marshall(after) as never } : {}) },
});

const bucketItem = (approved: number) => ({ PK: 'LEDGER#P1#COMMUNITY', SK: '2026-03-02#44130', GSI2PK: 'OPENLEDGER#P1#COMMUNITY', GSI2SK: '2026-03-02#44130', type: 'LedgerBucket', providerId: 'P1', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-02', approved, version: 2 });

describe('table stream records → money item changes', () => {
  it('PO-08 a bucket update is read as buckets before and after, without its keys, and adds its difference', () => {
    const change = moneyChangeOf(record('MODIFY', bucketItem(36_000), bucketItem(72_000)))!;
    expect(change.changeId).toBe('ev-MODIFY');
    expect(change.change).toMatchObject({ kind: 'LedgerBucket', before: { approved: 36_000, cancelled: 0 }, after: { approved: 72_000 } });
    expect(change.change.after).not.toHaveProperty('PK');
    expect(totalsDeltas(change.change)).toEqual([{ municipalityCode: '44130', programCode: 'COMMUNITY', bucket: { approved: 36_000, cancelled: 0, held: 0, released: 0, denied: 0, recovered: 0, claims: 0, settled: 0, unscreened: 0 } }]);
  });

  it('PO-08 a voucher written and a voucher removed are changes from and to nothing', () => {
    const voucher = { PK: 'RCPT#R1', SK: 'VOUCHER#095685#110101', type: 'Voucher', recipientId: 'R1', municipalityCode: '44130', programCode: 'COMMUNITY', grantedAmount: 144_000, remainingAmount: 144_000 };
    expect(moneyChangeOf(record('INSERT', null, voucher))!.change).toMatchObject({ kind: 'Voucher', before: null, after: { grantedAmount: 144_000 } });
    expect(moneyChangeOf(record('REMOVE', voucher, null))!.change).toMatchObject({ kind: 'Voucher', before: { remainingAmount: 144_000 }, after: null });
  });

  it('items that hold no money (markers, indexes, registry records) are not changes', () => {
    expect(moneyChangeOf(record('INSERT', null, { PK: 'LFACT#x', SK: '#FACT', type: 'LedgerFact' }))).toBeNull();
    expect(moneyChangeOf(record('INSERT', null, { PK: 'TOTALS#0', SK: '44130#COMMUNITY', type: 'MoneyTotals', paymentsApproved: 5 }))).toBeNull();
    expect(moneyChangeOf(record('MODIFY', { PK: 'TERM#1', SK: '#PROFILE', type: 'Terminal' }, { PK: 'TERM#1', SK: '#PROFILE', type: 'Terminal' }))).toBeNull();
  });
});
