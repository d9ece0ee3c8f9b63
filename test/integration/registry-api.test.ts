/**
 * The registry self-service API (api.md "Registry API") through its handler, on DynamoDB Local:
 * each change is what the terminal API sees next (REG-03, REG-05), refusals name their rule and
 * change nothing, and every change is in the history (REG-08).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateMonth } from '../../domain/vouchers/generation';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoVoucherStore } from '../../functions/shared/dynamo/voucher-store';
import { agency, callRoute, httpEvent, lambdaContext, municipality, provider } from '../support/events';
import { businessNumber } from '../support/fixtures';
import { setClock } from '../../functions/shared/clock';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';
import { intakeHarness, kst, type IntakeHarness } from '../support/payments';
import { paymentBody, signedHeaders, type TerminalIdentity } from '../support/terminal';

let env: TestEnvironment;
let h: IntakeHarness;
let registry: (typeof import('../../functions/registry-api/handler'))['handler'];
let routes: (typeof import('../../functions/registry-api/handler'))['routes'];
let intake: (typeof import('../../functions/payment-intake/handler'))['handler'];

const P1 = businessNumber('123456789');
const P2 = businessNumber('223456789');

beforeAll(async () => {
  env = await useLocalEnvironment();
  // The registry is imported before the month's changes (its history entries come first, REG-08).
  setClock(kst('2026-03-01T09:00:00'));
  h = await intakeHarness(4);
  // A second provider of 44130 with its own worker and a contract of R0004 (service 110201).
  const admin = await import('../../functions/admin-import/handler');
  const second = {
    providers: [{ providerId: 'P0002', businessNumber: P2, name: '두리돌봄센터', municipalityCode: '44130', accounts: [{ programCode: 'COMMUNITY', bankCode: '088', accountNumber: '110222333444', holder: '두리돌봄센터' }] }],
    workers: [{ workerId: 'W0002', providerId: 'P0002', name: '박지훈', rrn: '900202-1234567', workerPaymentId: '20000002', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }],
    contracts: [{ contractId: 'C0100', recipientId: 'R0004', providerId: 'P0002', serviceCode: '110201', grade: 'A', from: '2026-01-01', to: '2026-12-31', designatedWorkerIds: [] }],
  };
  const res = (await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: second, claims: agency() }), lambdaContext())) as { body: string };
  expect(JSON.parse(res.body).rejected).toEqual([]);
  await generateMonth(new DynamoVoucherStore(dynamoTable()), ['R0004'], '2026-03', '2026-03-01T00:10:00+09:00');
  ({ handler: registry, routes } = await import('../../functions/registry-api/handler'));
  ({ handler: intake } = await import('../../functions/payment-intake/handler'));
  h.setNow(kst('2026-03-10T14:05:00'));
});

const call = (name: keyof typeof routes, claims: Record<string, string>, options: { params?: Record<string, string>; body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {}) =>
  callRoute(registry, routes, name, { claims, ...options });

/** A payment from `t`, signed with its secret. */
async function payFrom(t: TerminalIdentity, over: Record<string, unknown> = {}) {
  const body = paymentBody(t, over);
  const text = JSON.stringify(body);
  const event = httpEvent({ method: 'POST', path: '/v1/terminal/payments', routeKey: 'POST /v1/terminal/payments', claims: null });
  event.headers = signedHeaders(t, 'POST', '/v1/terminal/payments', text, h.now);
  event.body = text;
  const out = (await intake(event, lambdaContext('payment-intake'))) as { statusCode: number; body: string };
  return { status: out.statusCode, body: JSON.parse(out.body) };
}

/** The history oldest first (the API answers newest first). */
const auditOf = async (entity: string, id: string) => ((await call('audit', agency(), { query: { entity, id } })).body.items as { action: string; by: string; role: string; before: any; after: any }[]).reverse();

describe('REG-03 terminals', () => {
  it('REG-03: a registered terminal pays with the secret shown once; a retry answers the same; the list never shows a secret', async () => {
    const body = { serial: 'VT11-100001', phone: '01099990001', model: 'VT-11', kind: 'DEDICATED' };
    const first = await call('registerTerminal', provider('P0001'), { body });
    expect(first).toMatchObject({ status: 201, body: { serial: 'VT11-100001', status: 'ACTIVE', providerId: 'P0001', secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) } });
    expect(first.headers['cache-control']).toBe('no-store');
    const again = await call('registerTerminal', provider('P0001'), { body });
    expect(again).toEqual(first);
    expect((await call('registerTerminal', provider('P0001'), { body: { ...body, model: 'VT-12' } })).body.error.code).toBe('IDEMPOTENCY_CONFLICT');

    const paid = await payFrom({ serial: body.serial, secret: first.body.secret, phone: body.phone, businessNumber: P1 }, { cardNumber: '9410000000000001', amount: 20_000 });
    expect(paid).toMatchObject({ status: 201, body: { approvalNumber: expect.any(String) } });

    const list = await call('listTerminals', provider('P0001'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { serial: string }) => t.serial)).toEqual(expect.arrayContaining(['VT11-000001', 'VT11-100001']));
    expect(JSON.stringify(list.body)).not.toMatch(/secret/i);
    expect((await call('listTerminals', provider('P0002'))).body.items.map((t: { serial: string }) => t.serial)).not.toContain('VT11-100001');
  });

  it('REG-03: another provider cannot register, cancel, match, transfer or re-key a terminal that is not its own', async () => {
    const theirs = await call('registerTerminal', provider('P0002'), { body: { serial: 'VT11-100001', phone: '01099990001', model: 'VT-11', kind: 'DEDICATED' } });
    expect(theirs).toMatchObject({ status: 409, body: { error: { code: 'TERMINAL_OF_ANOTHER_PROVIDER', details: { rule: 'REG-03' } } } });
    const params = { serial: 'VT11-100001' };
    expect((await call('cancelTerminal', provider('P0002'), { params })).status).toBe(404);
    expect((await call('matchWorkers', provider('P0002'), { params, body: { workerIds: ['W0002'] } })).status).toBe(404);
    expect((await call('requestTransfer', provider('P0002'), { params, body: { toBusinessNumber: P1 } })).status).toBe(404);
    expect((await call('rekey', provider('P0002'), { params })).status).toBe(404);
    expect((await call('registerTerminal', agency(), { body: { serial: 'VT11-100009', phone: '01099990009', model: 'VT-11', kind: 'DEDICATED' } })).status).toBe(403);
  });

  it('REG-03: a smartphone number is one provider\'s; cancelling frees it', async () => {
    const phone = { serial: 'SP-200001', phone: '01077770001', model: 'Galaxy', kind: 'SMARTPHONE', workerId: 'W0001' };
    expect((await call('registerTerminal', provider('P0001'), { body: phone })).status).toBe(201);
    const elsewhere = await call('registerTerminal', provider('P0002'), { body: { ...phone, serial: 'SP-200002', workerId: 'W0002' } });
    expect(elsewhere).toMatchObject({ status: 409, body: { error: { code: 'PHONE_REGISTERED_ELSEWHERE' } } });
    expect((await call('registerTerminal', provider('P0001'), { body: { ...phone, serial: 'SP-200003', workerId: null } })).body.error.code).toBe('WORKER_REQUIRED');
    expect((await call('cancelTerminal', provider('P0001'), { params: { serial: 'SP-200001' } })).body).toMatchObject({ status: 'CANCELLED' });
    expect((await call('registerTerminal', provider('P0002'), { body: { ...phone, serial: 'SP-200002', workerId: 'W0002' } })).status).toBe(201);
  });

  it('REG-03: a cancelled terminal pays nothing', async () => {
    const t = { serial: 'VT11-100002', phone: '01099990002', model: 'VT-11', kind: 'DEDICATED' };
    const secret = (await call('registerTerminal', provider('P0001'), { body: t })).body.secret as string;
    expect((await call('cancelTerminal', provider('P0001'), { params: { serial: t.serial }, body: {} })).status).toBe(200);
    expect((await call('cancelTerminal', provider('P0001'), { params: { serial: t.serial } })).body.status).toBe('CANCELLED');
    const refused = await payFrom({ serial: t.serial, secret, phone: t.phone, businessNumber: P1 }, { cardNumber: '9410000000000002' });
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'TERMINAL_INACTIVE' } } });
    expect((await call('matchWorkers', provider('P0001'), { params: { serial: t.serial }, body: { workerIds: ['W0001'] } })).body.error.code).toBe('TERMINAL_CANCELLED');
  });

  it('REG-03: a transfer changes nothing until the agency approves; then the old secret stops and the receiver re-keys', async () => {
    const t = { serial: 'VT11-100003', phone: '01099990003', model: 'VT-11', kind: 'DEDICATED' };
    const secret = (await call('registerTerminal', provider('P0001'), { body: t })).body.secret as string;
    const headers = { 'idempotency-key': 'tr-100003' };
    const requested = await call('requestTransfer', provider('P0001'), { params: { serial: t.serial }, body: { toBusinessNumber: P2 }, headers });
    expect(requested).toMatchObject({ status: 202, body: { state: 'REQUESTED', toProviderId: 'P0002', transferId: expect.any(String) } });
    expect(await call('requestTransfer', provider('P0001'), { params: { serial: t.serial }, body: { toBusinessNumber: P2 }, headers })).toEqual(requested);
    expect((await call('requestTransfer', provider('P0001'), { params: { serial: t.serial }, body: { toBusinessNumber: P1 }, headers })).body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await call('requestTransfer', provider('P0001'), { params: { serial: t.serial }, body: { toBusinessNumber: P2 } })).body.error.code).toBe('TRANSFER_PENDING');
    expect((await call('cancelTerminal', provider('P0001'), { params: { serial: t.serial } })).body.error.code).toBe('TRANSFER_PENDING');
    const transferId = requested.body.transferId as string;

    const waiting = await call('listTransfers', agency(), { query: { state: 'REQUESTED' } });
    expect(waiting.body.items.map((x: { transferId: string }) => x.transferId)).toContain(transferId);
    expect((await call('approveTransfer', provider('P0002'), { params: { transferId } })).status).toBe(403);
    expect((await call('approveTransfer', agency(), { params: { transferId } })).body).toMatchObject({ state: 'APPROVED', decidedBy: 'u-agency' });
    expect((await call('rejectTransfer', agency(), { params: { transferId }, body: { reason: 'late' } })).body.error.code).toBe('INVALID_STATE');

    // The giver's secret, and the terminal under the receiver before it re-keys, pay nothing.
    expect((await payFrom({ serial: t.serial, secret, phone: t.phone, businessNumber: P2 }, { workerPaymentId: '20000002', cardNumber: '9410000000000004', serviceCode: '110201', amount: 34_200 })).body.error.code).toBe('TERMINAL_REKEY_REQUIRED');
    expect((await call('rekey', provider('P0001'), { params: { serial: t.serial } })).status).toBe(404);
    const rekeyed = await call('rekey', provider('P0002'), { params: { serial: t.serial }, headers: { 'idempotency-key': 'rk-100003' } });
    expect(rekeyed).toMatchObject({ status: 200, body: { serial: t.serial, secret: expect.any(String) } });
    expect(await call('rekey', provider('P0002'), { params: { serial: t.serial }, headers: { 'idempotency-key': 'rk-100003' } })).toEqual(rekeyed);
    const paid = await payFrom({ serial: t.serial, secret: rekeyed.body.secret, phone: t.phone, businessNumber: P2 }, { workerPaymentId: '20000002', cardNumber: '9410000000000004', serviceCode: '110201', amount: 34_200 });
    expect(paid.status).toBe(201);
    expect((await payFrom({ serial: t.serial, secret, phone: t.phone, businessNumber: P2 }, { workerPaymentId: '20000002', cardNumber: '9410000000000004', serviceCode: '110201', amount: 34_200 })).status).toBe(401);

    const history = await auditOf('terminal', t.serial);
    expect(history.map((e) => e.action)).toEqual(['REGISTERED', 'TRANSFER_REQUESTED', 'TRANSFERRED', 'REKEYED']);
    expect(JSON.stringify(history)).not.toContain(secret);
    expect(JSON.stringify(history)).not.toContain('01099990003');
  });
});

describe('REG-05 cards', () => {
  it('REG-05: a lost card pays nothing; its replacement pays from the same voucher; each step is in the history, numbers masked', async () => {
    expect((await call('reportLoss', municipality('11110'), { params: { cardNumber: '9410000000000003' } })).status).toBe(404);
    expect((await call('reportLoss', provider('P0001'), { params: { cardNumber: '9410000000000003' } })).status).toBe(403);
    expect((await call('reportLoss', municipality('44130'), { params: { cardNumber: '9410000000000003' } })).body).toMatchObject({ status: 'LOST' });
    expect((await payFrom(h.terminal, { cardNumber: '9410000000000003' })).body.error.code).toBe('CARD_INACTIVE');

    const replaced = await call('replaceCard', agency(), { params: { cardNumber: '9410000000000003' }, body: { newCardNumber: '9410000000000033' } });
    expect(replaced).toMatchObject({ status: 201, body: { cardNumber: '9410000000000033', recipientId: 'R0003', status: 'ACTIVE' } });
    expect(await call('replaceCard', agency(), { params: { cardNumber: '9410000000000003' }, body: { newCardNumber: '9410000000000033' } })).toEqual(replaced);
    const paid = await payFrom(h.terminal, { cardNumber: '9410000000000033', amount: 20_000 });
    expect(paid).toMatchObject({ status: 201, body: { voucher: { remainingAmount: 140_000 } } });

    const history = await auditOf('card', '9410000000000003');
    expect(history.map((e) => e.action)).toEqual(['IMPORTED', 'REPORTED_LOST', 'REPLACED']);
    expect(history[1]).toMatchObject({ by: 'u-m44130', role: 'municipality', before: { status: 'ACTIVE' }, after: { status: 'LOST' } });
    expect(JSON.stringify(history)).not.toContain('9410000000000033');
  });

  it('REG-05: a card is issued once for one recipient; a number of another recipient or an unknown recipient is refused', async () => {
    const issued = await call('issueCard', agency(), { body: { cardNumber: '9410000000000044', recipientId: 'R0004' } });
    expect(issued).toMatchObject({ status: 201, body: { status: 'ACTIVE' } });
    expect(await call('issueCard', agency(), { body: { cardNumber: '9410000000000044', recipientId: 'R0004' } })).toEqual(issued);
    expect((await call('issueCard', agency(), { body: { cardNumber: '9410000000000044', recipientId: 'R0001' } })).body.error.code).toBe('CARD_NUMBER_TAKEN');
    expect((await call('issueCard', agency(), { body: { cardNumber: '9410000000000045', recipientId: 'R9999' } })).body.error.code).toBe('UNKNOWN_RECIPIENT');
    expect((await call('issueCard', municipality('44130'), { body: { cardNumber: '9410000000000046', recipientId: 'R0004' } })).status).toBe(403);
  });
});

describe('REG-01 providers and CMS-04 payout accounts', () => {
  it('REG-01: a provider edits its contact fields only; its registering municipality also its identity; another municipality nothing', async () => {
    expect((await call('patchProvider', provider('P0002'), { params: { providerId: 'P0002' }, body: { phone: '041-555-0101', homepage: 'https://duri.example' } })).body).toMatchObject({ phone: '041-555-0101', homepage: 'https://duri.example' });
    const identity = await call('patchProvider', provider('P0002'), { params: { providerId: 'P0002' }, body: { name: '두리' } });
    expect(identity).toMatchObject({ status: 403, body: { error: { code: 'FIELD_NOT_EDITABLE', details: { rule: 'REG-01' } } } });
    expect((await call('patchProvider', provider('P0001'), { params: { providerId: 'P0002' }, body: { phone: '041-555-0000' } })).status).toBe(404);
    expect((await call('patchProvider', municipality('11110'), { params: { providerId: 'P0002' }, body: { name: '두리' } })).body.error.code).toBe('NOT_REGISTERING_MUNICIPALITY');
    expect((await call('patchProvider', municipality('44130'), { params: { providerId: 'P0002' }, body: { name: '두리돌봄' } })).body.name).toBe('두리돌봄');
    const history = await auditOf('provider', 'P0002');
    expect(history.map((e) => [e.action, e.by])).toEqual([['IMPORTED', 'u-agency'], ['UPDATED', 'u-P0002'], ['UPDATED', 'u-m44130']]);
    expect(history[2]).toMatchObject({ before: { name: '두리돌봄센터' }, after: { name: '두리돌봄' } });
  });

  it('CMS-04: the payout account is the registering municipality\'s or the agency\'s to change, never the provider\'s', async () => {
    const account = { bankCode: '020', accountNumber: '1002003004005', holder: '두리돌봄' };
    const params = { providerId: 'P0002', programCode: 'COMMUNITY' };
    expect((await call('putAccount', provider('P0002'), { params, body: account })).status).toBe(403);
    expect((await call('putAccount', municipality('11110'), { params, body: account })).body.error.code).toBe('NOT_REGISTERING_MUNICIPALITY');
    expect((await call('putAccount', agency(), { params: { ...params, programCode: 'NO_SUCH' }, body: account })).body.error.code).toBe('UNKNOWN_PROGRAM');
    expect((await call('putAccount', municipality('44130'), { params, body: account })).body).toMatchObject({ providerId: 'P0002', ...account, programCode: 'COMMUNITY' });
    const stored = (await env.scan()).find((i) => i.type === 'Provider' && i.providerId === 'P0002')!;
    expect(stored.accounts).toEqual([{ programCode: 'COMMUNITY', ...account }]);
    const entry = (await auditOf('provider', 'P0002')).at(-1)!;
    expect(JSON.stringify(entry)).not.toContain('1002003004005');
  });
});

describe('bad input changes nothing', () => {
  it('VALIDATION_FAILED names the failing fields, for bodies, paths, queries and the Idempotency-Key header', async () => {
    const before = (await env.scan()).length;
    const bad = await call('registerTerminal', provider('P0001'), { body: { serial: 'x', phone: '0212345678', model: '', kind: 'TABLET', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['', 'kind', 'model', 'phone', 'serial']);
    expect((await call('reportLoss', agency(), { params: { cardNumber: '12' } })).body.error.details.fields[0].path).toBe('path.cardNumber');
    expect((await call('audit', agency(), { query: { entity: 'payment', id: 'x' } })).status).toBe(400);
    expect((await call('rekey', provider('P0001'), { params: { serial: 'VT11-000001' }, headers: { 'idempotency-key': 'a b' } })).status).toBe(400);
    expect((await call('patchProvider', provider('P0001'), { params: { providerId: 'P0001' }, body: {} })).status).toBe(400);
    expect((await env.scan()).length).toBe(before);
  });
});
