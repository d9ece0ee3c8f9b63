/** The settlement stores' contract on the DynamoDB adapters against DynamoDB Local. */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { gsi1, keys, shardOf } from '../../functions/shared/dynamo/keys';
import { settlementStores } from '../../functions/shared/dynamo/settlement-store';
import { settlementStoreContract } from '../contracts/settlement-store';
import { useLocalEnvironment } from '../support/local';

let counter = 0;

settlementStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  const s = settlementStores(table, () => 1_800_000_000);
  return {
    ledger: s.ledger,
    deposits: s.deposits,
    payouts: s.payouts,
    engine: s.engine,
    markSent: async (id) => {
      await table.doc.send(new UpdateCommand({ TableName: table.name, Key: keys.payout(id), UpdateExpression: 'SET #s = :sent', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':sent': 'SENT' } }));
    },
    grant: async (m, g, month, amount) => {
      // As voucher generation counts them: one counter per month and recipient shard.
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...keys.grantedCounter(m, g, month, ++counter % 100), type: 'GrantedCounter', municipalityCode: m, programCode: g, month, granted: amount, vouchers: 1 } }));
    },
    addPayee: async (payee) => {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...keys.provider(payee.providerId), type: 'Provider', ...payee, ...gsi1.providerShard(payee.providerId) } }));
      return shardOf(payee.providerId);
    },
  };
});
