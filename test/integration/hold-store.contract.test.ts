/** The hold store's contract on the DynamoDB adapter against DynamoDB Local. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoHoldStore } from '../../functions/shared/dynamo/hold-store';
import { keys } from '../../functions/shared/dynamo/keys';
import { settlementStores } from '../../functions/shared/dynamo/settlement-store';
import type { ScreenedPayment } from '../../domain/screening/rules';

const refOf = (p: ScreenedPayment) => ({ providerId: p.providerId, programCode: p.programCode, municipalityCode: p.municipalityCode!, day: p.approvedAt.slice(0, 10) });
import { holdStoreContract } from '../contracts/hold-store';
import { useLocalEnvironment } from '../support/local';

holdStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  const settlement = settlementStores(table, () => 1_800_000_000);
  const ledger = settlement.ledger;
  return {
    store: new DynamoHoldStore(table, () => 1_800_000_000),
    // Only what the hold store reads of a payment: its key, status and municipality.
    payment: async (p) => void (await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...keys.payment(p.providerId, p.approvalNumber), type: 'Payment', ...p } }))),
    counts: async (p) => {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.payment(p.providerId, p.approvalNumber), ConsistentRead: true }));
      return { open: (out.Item?.holdsOpen as number | undefined) ?? 0, denied: (out.Item?.holdsDenied as number | undefined) ?? 0 };
    },
    bucket: async (p) => {
      const b = await ledger.bucket(refOf(p));
      return b ? { held: b.held, released: b.released, denied: b.denied, unscreened: b.unscreened } : null;
    },
    settlement: { ledger, deposits: settlement.deposits, engine: settlement.engine },
  };
});
