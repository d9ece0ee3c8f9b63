/** The exception-claim store's contract on the DynamoDB adapter against DynamoDB Local. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoClaimStore } from '../../functions/shared/dynamo/claim-store';
import { keys } from '../../functions/shared/dynamo/keys';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoPaymentStore } from '../../functions/shared/dynamo/payment-store';
import { DynamoLedgerStore } from '../../functions/shared/dynamo/ledger-store';
import { DynamoRegistryStore } from '../../functions/shared/dynamo/registry-store';
import { personalDataVault } from '../../functions/shared/vault';
import { claimStoreContract } from '../contracts/claim-store';
import { useLocalEnvironment } from '../support/local';

claimStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  const ledger = new DynamoLedgerStore(table, () => 1_800_000_000);
  return {
    registry: new DynamoRegistryStore(table, await personalDataVault()), claims: new DynamoClaimStore(table), bucket: (ref) => ledger.bucket(ref), history: new DynamoPaymentStore(table),
    seedPaidDay: async (r, s, date) => void (await table.doc.send(new UpdateCommand({ TableName: table.name, Key: keys.voucher(r, date.slice(0, 7), s), UpdateExpression: 'ADD paidDays :d', ExpressionAttributeValues: { ':d': new Set([date]) } }))),
  };
});
