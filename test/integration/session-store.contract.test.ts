/** The session store's contract, on the DynamoDB adapter against DynamoDB Local. */
import { generateMonth } from '../../domain/vouchers/generation';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoPaymentStore } from '../../functions/shared/dynamo/payment-store';
import { DynamoSessionStore } from '../../functions/shared/dynamo/session-store';
import { DynamoVoucherStore } from '../../functions/shared/dynamo/voucher-store';
import { sessionStoreContract } from '../contracts/session-store';
import { agency, httpEvent, lambdaContext } from '../support/events';
import { activityDocument } from '../support/fixtures';
import { useLocalEnvironment } from '../support/local';

sessionStoreContract('DynamoDB', async () => {
  await useLocalEnvironment();
  const doc = activityDocument(6);
  const admin = await import('../../functions/admin-import/handler');
  const res = (await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: doc, claims: agency() }), lambdaContext())) as { body: string };
  const report = JSON.parse(res.body) as { rejected: unknown[] };
  if (report.rejected.length) throw new Error(JSON.stringify(report.rejected));
  await generateMonth(new DynamoVoucherStore(dynamoTable()), doc.recipients.map((r) => r.recipientId), '2026-03', '2026-03-01T00:10:00+09:00');
  return { store: new DynamoPaymentStore(dynamoTable()), sessions: new DynamoSessionStore(dynamoTable()) };
});
