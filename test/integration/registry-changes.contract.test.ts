/** The registry change store's contract on the DynamoDB adapter against the local table. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderRecord, TerminalRecord } from '../../domain/registry/changes';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { gsi1, keys } from '../../functions/shared/dynamo/keys';
import { DynamoRegistryChangeStore } from '../../functions/shared/dynamo/registry-change-store';
import { personalDataVault } from '../../functions/shared/vault';
import { registryChangesContract } from '../contracts/registry-changes';
import { useLocalEnvironment } from '../support/local';

registryChangesContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  const vault = await personalDataVault();
  const put = (item: Record<string, unknown>) => table.doc.send(new PutCommand({ TableName: table.name, Item: item }));
  return {
    store: new DynamoRegistryChangeStore(table, vault, () => Math.floor(Date.now() / 1000)),
    // As the import writes them (functions/shared/dynamo/registry-store.ts): a fingerprint, no version.
    seed: async (write, secret) => {
      if (write.kind === 'terminal') {
        const t = write.value as TerminalRecord;
        await put({ ...keys.terminal(t.serial), type: 'Terminal', ...t, fingerprint: 'imported', ...gsi1.ofProvider(t.providerId, 'TERM', t.serial), ...(secret ? { secretSealed: vault.seal(secret), secretHash: vault.lookupHash(secret) } : {}) });
        if (t.kind === 'SMARTPHONE') await put({ ...keys.smartphone(t.phone), type: 'Unique', providerId: t.providerId });
      } else if (write.kind === 'provider') {
        const p = write.value as ProviderRecord;
        await put({ ...keys.provider(p.providerId), type: 'Provider', ...p, fingerprint: 'imported', ...gsi1.providerShard(p.providerId) });
        await put({ ...keys.businessNumber(p.businessNumber), type: 'Unique', providerId: p.providerId });
      } else throw new Error(`seed ${write.kind}: not needed by the contract`);
    },
    payingWorker: async (paymentId) => {
      const item = (await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.workerPaymentId(paymentId), ConsistentRead: true }))).Item;
      return item ? { workerId: item.worker.workerId, contracts: item.worker.contracts } : null;
    },
    secretOf: async (serial) => {
      const item = (await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.terminal(serial), ConsistentRead: true }))).Item;
      return item?.secretSealed ? vault.open(item.secretSealed as string) : null;
    },
  };
});
