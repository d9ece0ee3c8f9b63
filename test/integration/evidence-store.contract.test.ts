/** The evidence store's contract on the DynamoDB adapter against DynamoDB Local. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoEvidenceStore } from '../../functions/shared/dynamo/evidence-store';
import { gsi2 } from '../../functions/shared/dynamo/keys';
import { evidenceStoreContract } from '../contracts/evidence-store';
import { useLocalEnvironment } from '../support/local';

evidenceStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  return {
    evidence: new DynamoEvidenceStore(table),
    // What the registry import writes for a person's look-up: the hash on GSI2, the kind and id in its sort key.
    person: async (hash, ref) =>
      void (await table.doc.send(new PutCommand({ TableName: table.name, Item: { PK: `TEST#${ref.personId}`, SK: 'PERSON', GSI2PK: gsi2.personPk(hash), GSI2SK: `${ref.personKind === 'RECIPIENT' ? 'RCPT' : 'WORKER'}#${ref.personId}` } }))),
  };
});
