/** Voucher generation's store contract on the DynamoDB adapter against DynamoDB Local. */
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { keys, shardOf } from '../../functions/shared/dynamo/keys';
import { queryAll } from '../../functions/shared/dynamo/batch';
import { DynamoRegistryStore } from '../../functions/shared/dynamo/registry-store';
import { DynamoVoucherStore } from '../../functions/shared/dynamo/voucher-store';
import { personalDataVault } from '../../functions/shared/vault';
import { voucherStoreContract } from '../contracts/voucher-store';
import { useLocalEnvironment } from '../support/local';

voucherStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  return {
    registry: new DynamoRegistryStore(table, await personalDataVault()),
    vouchers: new DynamoVoucherStore(table),
    shardOf,
    granted: async (m, g, month) => {
      const counters = await queryAll(table.doc, { TableName: table.name, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)', ExpressionAttributeValues: { ':pk': keys.grantedPartition(m, g), ':m': `${month}#` }, ConsistentRead: true });
      return counters.reduce((n, c) => n + (c.granted as number), 0);
    },
  };
});
