/** Settlement's read models' contract on the DynamoDB adapters against DynamoDB Local. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoClaimStore } from '../../functions/shared/dynamo/claim-store';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { gsi1, keys } from '../../functions/shared/dynamo/keys';
import { settlementStores } from '../../functions/shared/dynamo/settlement-store';
import { holdIdOf } from '../../domain/screening/rules';
import { factOfPayment } from '../../domain/settlement/ledger';
import { settlementReadsContract } from '../contracts/settlement-reads';
import { useLocalEnvironment } from '../support/local';

settlementReadsContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const table = dynamoTable();
  let now = 1_800_000_000;
  const s = settlementStores(table, () => now);
  const put = (Item: Record<string, unknown>) => table.doc.send(new PutCommand({ TableName: table.name, Item }));
  return {
    ledger: s.ledger, deposits: s.deposits, engine: s.engine, statements: s.statements,
    seedPayment: async (p) => void (await put({ ...keys.payment(p.providerId, p.approvalNumber), type: 'Payment', ...p })),
    seedRefund: async (r) => void (await put({ ...keys.refund(r.refundId), type: 'Refund', ...r, ...gsi1.providerRefund(r.providerId, r.requestedAt, r.refundId) })),
    seedClaim: async (c) => void (await new DynamoClaimStore(table).save(c)),
    seedScreened: async (p, at) => {
      now = Math.floor(new Date(at).getTime() / 1000);
      await s.ledger.apply(factOfPayment({ ...p, event: 'PAYMENT_SCREENED', approvalDate: p.approvalDate })!);
    },
    seedHold: async (approval, rule, releasedAt) => void (await put({ ...keys.hold(holdIdOf(approval, rule)), type: 'Hold', holdId: holdIdOf(approval, rule), approvalNumber: approval, ...(releasedAt ? { releasedAt } : {}) })),
  };
});
