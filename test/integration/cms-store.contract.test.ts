/** The CMS file store's contract on the DynamoDB adapter against DynamoDB Local. */
import { DynamoCmsStore } from '../../functions/shared/dynamo/cms-store';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { cmsStoreContract } from '../contracts/cms-store';
import { useLocalEnvironment } from '../support/local';

cmsStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  return new DynamoCmsStore(dynamoTable());
});
