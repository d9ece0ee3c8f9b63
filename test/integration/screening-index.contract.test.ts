/** The screening index's contract on the DynamoDB adapter against DynamoDB Local. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { keys } from '../../functions/shared/dynamo/keys';
import { DynamoScreeningIndex } from '../../functions/shared/dynamo/screening-index-store';
import { screeningIndexContract } from '../contracts/screening-index';
import { useLocalEnvironment } from '../support/local';

screeningIndexContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  return {
    index: new DynamoScreeningIndex(table, () => Math.floor(Date.now() / 1000)),
    payment: async (p) => void (await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...keys.payment(p.providerId, p.approvalNumber), type: 'Payment', ...p } }))),
  };
});
