/**
 * The screening index's contract on the DynamoDB adapter against DynamoDB Local, through the one
 * port screening is given (`screeningStores(…).port`): a parameter the port drops fails here
 * (it dropped `nearest`, so screening read every neighbour — found by \`npm run bench:soak\`).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { keys } from '../../functions/shared/dynamo/keys';
import { screeningStores } from '../../functions/shared/dynamo/screening-store';
import { screeningIndexContract } from '../contracts/screening-index';
import { useLocalEnvironment } from '../support/local';

screeningIndexContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  return {
    index: screeningStores(table, () => Math.floor(Date.now() / 1000)).port,
    payment: async (p) => void (await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...keys.payment(p.providerId, p.approvalNumber), type: 'Payment', ...p } }))),
  };
});
