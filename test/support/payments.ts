/** Drives the payment-intake handler in process with signed API Gateway events. */
import { generateMonth } from '../../domain/vouchers/generation';
import { setClock } from '../../functions/shared/clock';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoVoucherStore } from '../../functions/shared/dynamo/voucher-store';
import { agency, httpEvent, lambdaContext } from './events';
import { importDocument } from './fixtures';
import { signedHeaders, type TerminalIdentity } from './terminal';

export const kst = (s: string) => new Date(`${s}+09:00`);

type Handler = (typeof import('../../functions/payment-intake/handler'))['handler'];

export interface IntakeHarness {
  terminal: TerminalIdentity;
  now: Date;
  setNow(instant: Date): void;
  call(method: 'GET' | 'POST', routeKey: string, path: string, body?: unknown, options?: { headers?: Record<string, string>; pathParameters?: Record<string, string>; rawBody?: string }): Promise<{ status: number; body: any }>;
}

/** Imports `recipients` recipients (card 9410…000i, grade 2 of 110101: 8 sessions of 20,000) and generates March. */
export async function intakeHarness(recipients = 5, document: (n: number) => ReturnType<typeof importDocument> = importDocument): Promise<IntakeHarness> {
  const doc = document(recipients);
  doc.contracts.filter((c) => c.serviceCode === '110101').forEach((c) => (c.grade = '2'));
  const admin = await import('../../functions/admin-import/handler');
  const res = (await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: doc, claims: agency() }), lambdaContext())) as { body: string };
  const report = JSON.parse(res.body);
  if (report.rejected.length) throw new Error(JSON.stringify(report.rejected));
  const store = new DynamoVoucherStore(dynamoTable());
  const ids = doc.recipients.map((r) => r.recipientId);
  await generateMonth(store, ids, '2026-02', '2026-02-01T00:10:00+09:00');
  await generateMonth(store, ids, '2026-03', '2026-03-01T00:10:00+09:00');

  const { handler } = (await import('../../functions/payment-intake/handler')) as { handler: Handler };
  const terminal = { serial: doc.terminals[0]!.serial, secret: doc.terminals[0]!.secret, phone: doc.terminals[0]!.phone, businessNumber: doc.providers[0]!.businessNumber };
  const harness: IntakeHarness = {
    terminal,
    now: kst('2026-03-10T14:05:00'),
    setNow(instant) {
      harness.now = instant;
      setClock(instant);
    },
    async call(method, routeKey, path, body, options = {}) {
      const [rawPath, rawQuery = ''] = path.split('?');
      const text = options.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
      const event = httpEvent({ method, path: rawPath!, routeKey, claims: null });
      event.rawQueryString = rawQuery;
      if (rawQuery) event.queryStringParameters = Object.fromEntries(new URLSearchParams(rawQuery));
      event.headers = { ...signedHeaders(terminal, method, path, text, harness.now), ...(options.headers ?? {}) };
      if (text) event.body = text;
      else delete event.body;
      if (options.pathParameters) event.pathParameters = options.pathParameters;
      const out = (await handler(event, lambdaContext('payment-intake'))) as { statusCode: number; body: string };
      return { status: out.statusCode, body: JSON.parse(out.body) };
    },
  };
  harness.setNow(harness.now);
  return harness;
}

export const pay = (h: IntakeHarness, body: unknown) => h.call('POST', 'POST /v1/terminal/payments', '/v1/terminal/payments', body);
