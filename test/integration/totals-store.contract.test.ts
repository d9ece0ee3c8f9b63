/** PO-08 totals' contract on the DynamoDB store against DynamoDB Local. */
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { settlementStores } from '../../functions/shared/dynamo/settlement-store';
import { totalsContract } from '../contracts/totals';
import { useLocalEnvironment } from '../support/local';

totalsContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const s = settlementStores(dynamoTable(), () => 1_800_000_000);
  return { totals: s.totals, deposits: s.deposits };
});
