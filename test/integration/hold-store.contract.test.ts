/** The hold store's contract on the DynamoDB adapter against DynamoDB Local. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoHoldStore } from '../../functions/shared/dynamo/hold-store';
import { keys } from '../../functions/shared/dynamo/keys';
import { holdStoreContract } from '../contracts/hold-store';
import { useLocalEnvironment } from '../support/local';

holdStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  return {
    store: new DynamoHoldStore(table),
    // Only what the hold store reads of a payment: its key, status and municipality.
    payment: async (p) => void (await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...keys.payment(p.providerId, p.approvalNumber), type: 'Payment', ...p } }))),
  };
});
