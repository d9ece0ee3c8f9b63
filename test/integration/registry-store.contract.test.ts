/** The registry stores' contract on the DynamoDB adapters against DynamoDB Local. */
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoPeopleStore } from '../../functions/shared/dynamo/people-store';
import { DynamoRegistryStore } from '../../functions/shared/dynamo/registry-store';
import { personalDataVault } from '../../functions/shared/vault';
import { registryStoreContract } from '../contracts/registry-store';
import { useLocalEnvironment } from '../support/local';

registryStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  return { registry: new DynamoRegistryStore(dynamoTable(), await personalDataVault()), people: new DynamoPeopleStore(dynamoTable(), () => 1_800_000_000) };
});
