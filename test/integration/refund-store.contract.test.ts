/** The refund store's contract on the DynamoDB adapter against DynamoDB Local. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { keys } from '../../functions/shared/dynamo/keys';
import { DynamoRefundStore } from '../../functions/shared/dynamo/refund-store';
import { refundStoreContract } from '../contracts/refund-store';
import { useLocalEnvironment } from '../support/local';

refundStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  const put = (item: Record<string, unknown>) => table.doc.send(new PutCommand({ TableName: table.name, Item: item }));
  return {
    store: new DynamoRefundStore(table),
    seed: async (p, options) => {
      await put({ ...keys.payment(p.providerId, p.approvalNumber), type: 'Payment', ...p });
      if (options?.voucher !== false) await put({ ...keys.voucher(p.recipientId, p.voucherMonth, p.serviceCode), type: 'Voucher', remainingAmount: 100_000, remainingSessions: 2, version: 3 });
    },
    voucher: async (p) => {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.voucher(p.recipientId, p.voucherMonth, p.serviceCode), ConsistentRead: true }));
      return out.Item ? { remainingAmount: out.Item.remainingAmount as number, remainingSessions: out.Item.remainingSessions as number } : null;
    },
  };
});
