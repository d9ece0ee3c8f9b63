/**
 * The registry's people and contracts over HTTP on DynamoDB Local (api.md "Registry API"):
 * a municipality selects a recipient with its eligibility (REG-04), a provider registers the
 * contract by name and RRN and gets the month's voucher at once (VCH-05), registers and terminates
 * workers (REG-02), and what each change means for payments, vouchers and the history (REG-06,
 * REG-08, VCH-02/03). The steps of each describe build on each other, in order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateMonth } from '../../domain/vouchers/generation';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoVoucherStore } from '../../functions/shared/dynamo/voucher-store';
import { agency, callRoute, httpEvent, lambdaContext, municipality, provider } from '../support/events';
import { businessNumber } from '../support/fixtures';
import { useLocalEnvironment } from '../support/local';
import { intakeHarness, kst, pay, type IntakeHarness } from '../support/payments';
import { paymentBody } from '../support/terminal';

let h: IntakeHarness;
let registry: (typeof import('../../functions/registry-api/handler'))['handler'];
let routes: (typeof import('../../functions/registry-api/handler'))['routes'];
let vouchers: DynamoVoucherStore;

beforeAll(async () => {
  await useLocalEnvironment();
  h = await intakeHarness(2);
  const admin = await import('../../functions/admin-import/handler');
  const second = {
    providers: [{ providerId: 'P0002', businessNumber: businessNumber('223456789'), name: '두리돌봄센터', municipalityCode: '44130', accounts: [] }],
    workers: [{ workerId: 'W0002', providerId: 'P0002', name: '박지훈', rrn: '900202-1234567', workerPaymentId: '20000002', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }],
  };
  const res = (await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: second, claims: agency() }), lambdaContext())) as { body: string };
  expect(JSON.parse(res.body).rejected).toEqual([]);
  ({ handler: registry, routes } = await import('../../functions/registry-api/handler'));
  vouchers = new DynamoVoucherStore(dynamoTable());
  h.setNow(kst('2026-03-10T14:05:00'));
});

const call = (name: keyof typeof routes, claims: Record<string, string>, options: { params?: Record<string, string>; body?: unknown; query?: Record<string, string> } = {}) =>
  callRoute(registry, routes, name, { claims, ...options });
const auditOf = async (entity: string, id: string) => ((await call('audit', agency(), { query: { entity, id } })).body.items as { action: string; by: string; role: string; before: any; after: any }[]).reverse();
const code = (r: { body: { error?: { code: string; details?: { rule?: string } } } }) => [r.body.error?.code, r.body.error?.details?.rule];

const RRN = '160505-3123456';
const recipient = {
  recipientId: 'R0100',
  name: '박하늘',
  rrn: RRN,
  birthDate: '2016-05-05',
  municipalityCode: '44130',
  eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-03-01', to: '2026-12-31' }],
};
const contract = { contractId: 'C0200', name: '박하늘', rrn: RRN, serviceCode: '110101', from: '2026-03-10', to: '2026-12-31', serviceAddress: '충남 천안시 동남구 1', designatedWorkerIds: ['W0001'] };

describe('REG-04 recipients, contracts and VCH-05', () => {
  it('REG-04: the municipality selects a recipient of its own code with its eligibility; the answer never holds the RRN; a retry answers the same', async () => {
    const first = await call('registerRecipient', municipality('44130'), { body: recipient });
    expect(first).toMatchObject({ status: 201, body: { recipientId: 'R0100', rrnMasked: '160505-3******', status: 'ACTIVE', eligibility: recipient.eligibility } });
    expect(JSON.stringify(first.body)).not.toContain('123456');
    expect(await call('registerRecipient', municipality('44130'), { body: recipient })).toMatchObject({ status: 201, body: first.body });
    expect(code(await call('registerRecipient', municipality('44130'), { body: { ...recipient, name: '박하나' } }))).toEqual(['IDEMPOTENCY_CONFLICT', 'REG-08']);
  });

  it('REG-04: another municipality, a provider, a wrong birth date, an unknown grade and a malformed body are refused, and nothing is written', async () => {
    const other = { ...recipient, recipientId: 'R0101' };
    expect((await call('registerRecipient', municipality('11110'), { body: other })).status).toBe(403);
    expect(code(await call('registerRecipient', municipality('11110'), { body: other }))).toEqual(['NOT_OWN_MUNICIPALITY', 'REG-04']);
    expect((await call('registerRecipient', provider('P0001'), { body: other })).status).toBe(403);
    expect(code(await call('registerRecipient', agency(), { body: { ...other, birthDate: '2016-05-06' } }))).toEqual(['BIRTH_DATE_MISMATCH', 'REG-04']);
    expect(code(await call('registerRecipient', agency(), { body: { ...other, eligibility: [{ serviceCode: '110101', grade: '9', from: '2026-03-01', to: null }] } }))).toEqual(['GRADE_NOT_IN_CATALOG', 'REG-04']);
    const bad = await call('registerRecipient', agency(), { body: { ...other, rrn: 'x', eligibility: 'all' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['rrn', 'eligibility']));
    expect(await auditOf('recipient', 'R0101')).toEqual([]);
  });

  it('VCH-05: a contract registered by name and RRN mid-month answers this month\'s voucher, pays at once, and generation creates nothing more', async () => {
    expect((await call('issueCard', agency(), { body: { cardNumber: '9410000000000100', recipientId: 'R0100' } })).status).toBe(201);
    const first = await call('registerContract', provider('P0001'), { body: contract });
    expect(first).toMatchObject({
      status: 201,
      body: { contractId: 'C0200', recipientId: 'R0100', providerId: 'P0001', grade: '1', status: 'ACTIVE', voucher: { month: '2026-03', grade: '1', grantedAmount: 144_000, remainingAmount: 144_000, remainingSessions: 4 } },
    });
    expect(JSON.stringify(first.body)).not.toContain('3123456');
    expect((await generateMonth(vouchers, ['R0100'], '2026-03', '2026-03-10T15:00:00+09:00')).vouchersCreated).toBe(0);
    const paid = await pay(h, paymentBody(h.terminal, { cardNumber: '9410000000000100', amount: 36_000 }));
    expect(paid.status).toBe(201);
    // A retry answers the same contract, with the voucher as it stands now.
    const again = await call('registerContract', provider('P0001'), { body: contract });
    expect(again).toMatchObject({ status: 201, body: { contractId: 'C0200', voucher: { remainingAmount: 108_000, remainingSessions: 3 } } });
    expect(code(await call('registerContract', provider('P0001'), { body: { ...contract, serviceAddress: '다른 주소' } }))).toEqual(['IDEMPOTENCY_CONFLICT', 'REG-08']);
    expect(code(await call('registerContract', provider('P0002'), { body: { ...contract, designatedWorkerIds: [] } }))).toEqual(['CONTRACT_ID_TAKEN', 'REG-04']);
  });

  it('REG-04: the name and RRN must match an eligible recipient over the whole period; at most 5 designated workers, each the provider\'s', async () => {
    const next = { ...contract, contractId: 'C0201' };
    expect(code(await call('registerContract', provider('P0001'), { body: { ...next, name: '박하나' } }))).toEqual(['RECIPIENT_NOT_ELIGIBLE', 'REG-04']);
    expect(code(await call('registerContract', provider('P0001'), { body: { ...next, rrn: '160505-3123457' } }))).toEqual(['RECIPIENT_NOT_ELIGIBLE', 'REG-04']);
    expect(code(await call('registerContract', provider('P0001'), { body: { ...next, to: '2027-01-31' } }))).toEqual(['RECIPIENT_NOT_ELIGIBLE', 'REG-04']);
    expect(code(await call('registerContract', provider('P0001'), { body: { ...next, serviceCode: '110201' } }))).toEqual(['RECIPIENT_NOT_ELIGIBLE', 'REG-04']);
    expect(code(await call('registerContract', provider('P0001'), { body: { ...next, designatedWorkerIds: ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] } }))).toEqual(['TOO_MANY_WORKERS', 'REG-04']);
    expect(code(await call('registerContract', provider('P0001'), { body: { ...next, designatedWorkerIds: ['W0002'] } }))).toEqual(['WORKER_NOT_ELIGIBLE', 'REG-04']);
    expect((await call('registerContract', municipality('44130'), { body: next })).status).toBe(403);
    expect(await auditOf('contract', 'C0201')).toEqual([]);
  });

  it('REG-06: a grade change recorded in March applies from April\'s voucher; March\'s stays', async () => {
    expect(code(await call('changeGrade', municipality('11110'), { params: { recipientId: 'R0100' }, body: { serviceCode: '110101', grade: '2' } }))).toEqual(['NOT_FOUND', 'REG-04']);
    const changed = await call('changeGrade', municipality('44130'), { params: { recipientId: 'R0100' }, body: { serviceCode: '110101', grade: '2' } });
    expect(changed).toMatchObject({ status: 201, body: { appliesFrom: '2026-04', grade: '2' } });
    expect(await call('changeGrade', municipality('44130'), { params: { recipientId: 'R0100' }, body: { serviceCode: '110101', grade: '2' } })).toMatchObject({ status: 201, body: changed.body });
    expect((await auditOf('contract', 'C0200')).map((a) => a.action)).toEqual(['REGISTERED', 'GRADE_CHANGED']);
    await generateMonth(vouchers, ['R0100'], '2026-04', '2026-04-01T00:10:00+09:00');
    const april = await vouchers.vouchersOf(['R0100'], '2026-04');
    expect(april).toEqual([expect.objectContaining({ serviceCode: '110101', grade: '2', grantedAmount: 160_000 })]);
    expect((await vouchers.vouchersOf(['R0100'], '2026-03'))[0]).toMatchObject({ grade: '1', grantedAmount: 144_000 });
  });

  it('VCH-02: a suspension (서비스 중지) refuses payments inside its period at once and leaves the next month without a voucher', async () => {
    expect((await call('addEligibility', municipality('44130'), { params: { recipientId: 'R0100' }, body: { serviceCode: '110201', grade: 'A', from: '2026-03-01', to: '2026-05-31' } })).status).toBe(201);
    expect(code(await call('addEligibility', municipality('44130'), { params: { recipientId: 'R0100' }, body: { serviceCode: '110201', grade: 'A', from: '2026-04-01', to: null } }))).toEqual(['ELIGIBILITY_OVERLAPS', 'REG-04']);
    const massage = await call('registerContract', provider('P0001'), { body: { ...contract, contractId: 'C0202', serviceCode: '110201', to: '2026-05-31' } });
    expect(massage).toMatchObject({ status: 201, body: { grade: 'A', voucher: { month: '2026-03', grantedAmount: 136_800 } } });
    h.setNow(kst('2026-03-11T14:05:00'));
    const body = () => paymentBody(h.terminal, { cardNumber: '9410000000000100', serviceCode: '110201', amount: 30_000 }, '2026-03-11');
    expect((await pay(h, body())).status).toBe(201);
    const suspended = await call('suspendService', municipality('44130'), { params: { recipientId: 'R0100' }, body: { serviceCode: '110201', from: '2026-03-12', to: null, reason: '장기 입원' } });
    expect(suspended).toMatchObject({ status: 201, body: { suspensions: [{ serviceCode: '110201', from: '2026-03-12', to: null, reason: '장기 입원' }] } });
    h.setNow(kst('2026-03-12T14:05:00'));
    const refused = await pay(h, paymentBody(h.terminal, { cardNumber: '9410000000000100', serviceCode: '110201', amount: 30_000 }, '2026-03-12'));
    expect([refused.status, refused.body.error.code, refused.body.error.details.rule]).toEqual([422, 'NO_CONTRACT', 'PAY-03']);
    // The other service of the recipient still pays.
    expect((await pay(h, paymentBody(h.terminal, { cardNumber: '9410000000000100', amount: 36_000 }, '2026-03-12'))).status).toBe(201);
    await generateMonth(vouchers, ['R0100'], '2026-04', '2026-04-01T00:20:00+09:00');
    expect((await vouchers.vouchersOf(['R0100'], '2026-04')).map((v) => v.serviceCode)).toEqual(['110101']);
    const outcomes = await vouchers.listOutcomes('P0001', '2026-04', { status: 'NOT_GENERATED' }, { limit: 50 });
    expect(outcomes.items).toEqual([expect.objectContaining({ contractId: 'C0202', reason: 'CONTRACT_SUSPENDED' })]);
  });

  it('VCH-03: contracts ending in a month are listed from two months before it; the provider sees only its own', async () => {
    const may = await call('listContracts', provider('P0001'), { query: { endingIn: '2026-05' } });
    expect(may.status).toBe(200);
    expect(may.body.items.map((c: { contractId: string }) => c.contractId)).toEqual(['C0202']);
    expect(code(await call('listContracts', provider('P0001'), { query: { endingIn: '2026-12' } }))).toEqual(['LIST_NOT_OPEN_YET', 'VCH-03']);
    expect((await call('listContracts', provider('P0002'), { query: {} })).body.items).toEqual([]);
    const all = await call('listContracts', provider('P0001'), { query: { serviceCode: '110101', limit: '500' } });
    expect(all.body.items.map((c: { contractId: string }) => c.contractId)).toEqual(['C0001', 'C0002', 'C0200']);
  });

  it('VCH-03: contracts without a payment in the last N full months, terminable for COMMUNITY after 2, for the provider and the recipient\'s municipality', async () => {
    // C0001 was paid in March (this month, not counted); neither C0001 nor C0002 in January or February.
    const unused = await call('listUnused', provider('P0001'), { query: { months: '2' } });
    expect(unused.status).toBe(200);
    expect(unused.body.items.map((c: { contractId: string; terminable: boolean }) => [c.contractId, c.terminable])).toEqual([['C0001', true], ['C0002', true]]);
    expect((await call('listUnused', provider('P0001'), { query: { months: '1' } })).body.items.every((c: { terminable: boolean }) => !c.terminable)).toBe(true);
    expect((await call('listUnused', municipality('44130'), { query: { months: '2' } })).body.items.map((c: { contractId: string }) => c.contractId)).toEqual(['C0001', 'C0002']);
    expect((await call('listUnused', municipality('11110'), { query: { months: '2' } })).body.items).toEqual([]);
    expect((await call('listUnused', provider('P0001'), { query: { months: '7' } })).status).toBe(400);
  });

  it('REG-04: the municipality terminates an unused contract; never before its start; payments after its last day are refused', async () => {
    expect(code(await call('terminateContract', provider('P0001'), { params: { contractId: 'C0200' }, body: { on: '2026-03-09', reason: '이사' } }))).toEqual(['TERMINATION_BEFORE_START', 'REG-04']);
    expect(code(await call('terminateContract', municipality('11110'), { params: { contractId: 'C0200' }, body: { on: '2026-03-12', reason: '이사' } }))).toEqual(['NOT_FOUND', 'REG-04']);
    expect(code(await call('terminateContract', provider('P0002'), { params: { contractId: 'C0200' }, body: { on: '2026-03-12', reason: '이사' } }))).toEqual(['NOT_FOUND', 'REG-04']);
    const ended = await call('terminateContract', municipality('44130'), { params: { contractId: 'C0200' }, body: { on: '2026-03-12', reason: '2개월 미사용' } });
    expect(ended).toMatchObject({ status: 200, body: { status: 'TERMINATED', to: '2026-03-12', terminatedOn: '2026-03-13' } });
    expect(await call('terminateContract', municipality('44130'), { params: { contractId: 'C0200' }, body: { on: '2026-03-12', reason: '2개월 미사용' } })).toMatchObject({ status: 200, body: ended.body });
    h.setNow(kst('2026-03-13T14:05:00'));
    const refused = await pay(h, paymentBody(h.terminal, { cardNumber: '9410000000000100', amount: 36_000 }, '2026-03-13'));
    expect([refused.body.error?.code, refused.body.error?.details.rule]).toEqual(['NO_CONTRACT', 'PAY-03']);
    expect(code(await call('designateWorkers', provider('P0001'), { params: { contractId: 'C0200' }, body: { designatedWorkerIds: [] } }))).toEqual(['CONTRACT_TERMINATED', 'REG-04']);
    const history = await auditOf('contract', 'C0200');
    expect(history.at(-1)).toMatchObject({ action: 'TERMINATED', before: { status: 'ACTIVE' }, after: { status: 'TERMINATED', to: '2026-03-12' } });
  });

  it('REG-04: the provider changes a contract\'s designated workers, at most five, its own', async () => {
    expect(await call('designateWorkers', provider('P0001'), { params: { contractId: 'C0001' }, body: { designatedWorkerIds: [] } })).toMatchObject({ status: 200, body: { designatedWorkerIds: [] } });
    expect(code(await call('designateWorkers', provider('P0001'), { params: { contractId: 'C0001' }, body: { designatedWorkerIds: ['W0002'] } }))).toEqual(['WORKER_NOT_ELIGIBLE', 'REG-04']);
    expect(code(await call('designateWorkers', provider('P0002'), { params: { contractId: 'C0001' }, body: { designatedWorkerIds: [] } }))).toEqual(['NOT_FOUND', 'REG-04']);
  });
});

describe('REG-08 the import\'s changes are in the history too', () => {
  it('REG-08: a record the import creates or changes has its entry (who, when, before and after, personal data masked); a re-import of the same record adds none', async () => {
    const imported = await auditOf('worker', 'W0002');
    expect(imported).toEqual([expect.objectContaining({ action: 'IMPORTED', by: 'u-agency', role: 'agency', before: null, after: expect.objectContaining({ workerId: 'W0002', rrnMasked: '900202-1******', name: '박*훈' }) })]);
    expect(JSON.stringify(imported)).not.toMatch(/1234567|rrnSealed|rrnHash|fingerprint/);
    const admin = await import('../../functions/admin-import/handler');
    const load = async (doc: unknown) => JSON.parse(((await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: doc, claims: agency() }), lambdaContext())) as { body: string }).body);
    const w = { workerId: 'W0002', providerId: 'P0002', name: '박지훈', rrn: '900202-1234567', workerPaymentId: '20000002', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] };
    expect(await load({ workers: [w] })).toMatchObject({ unchanged: 1 });
    expect(await auditOf('worker', 'W0002')).toHaveLength(1);
    expect(await load({ workers: [{ ...w, phone: '01077778888' }] })).toMatchObject({ updated: 1 });
    const history = await auditOf('worker', 'W0002');
    expect(history.map((a) => a.action)).toEqual(['IMPORTED', 'IMPORTED_UPDATE']);
    expect(history[1]).toMatchObject({ before: { phone: null }, after: { phone: '010****8888' } });
    expect((await auditOf('card', '9410000000000001')).map((a) => a.action)).toEqual(['IMPORTED']);
  });
});

describe('REG-02 workers', () => {
  const worker = { workerId: 'W0100', name: '최유리', rrn: '900303-2345678', phone: '01055556666', contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01' }] };

  it('REG-02: a registered worker gets a system-wide unique 8-digit payment ID and pays with it at once; the list masks the RRN', async () => {
    h.setNow(kst('2026-03-13T15:05:00'));
    const first = await call('registerWorker', provider('P0001'), { body: worker });
    expect(first).toMatchObject({ status: 201, body: { workerId: 'W0100', providerId: 'P0001', rrnMasked: '900303-2******', workerPaymentId: expect.stringMatching(/^\d{8}$/) } });
    expect(await call('registerWorker', provider('P0001'), { body: worker })).toMatchObject({ status: 201, body: first.body });
    const second = await call('registerWorker', provider('P0001'), { body: { ...worker, workerId: 'W0101', rrn: '910404-2345678' } });
    expect(new Set([first.body.workerPaymentId, second.body.workerPaymentId, '20000001', '20000002']).size).toBe(4);
    expect(code(await call('registerWorker', provider('P0002'), { body: worker }))).toEqual(['WORKER_ID_TAKEN', 'REG-02']);
    expect(code(await call('registerWorker', provider('P0001'), { body: { ...worker, workerId: 'W0102', contracts: [{ programCode: 'NOPE', from: '2026-03-01' }] } }))).toEqual(['UNKNOWN_PROGRAM', 'REG-02']);

    const paid = await pay(h, paymentBody(h.terminal, { cardNumber: '9410000000000002', workerPaymentId: first.body.workerPaymentId, amount: 20_000, serviceStartAt: '2026-03-13T15:00:00+09:00' }, '2026-03-13'));
    expect(paid.body).toMatchObject({ approvalNumber: expect.any(String) });

    const list = await call('listWorkers', provider('P0001'), { query: {} });
    expect(list.body.items.map((w: { workerId: string }) => w.workerId)).toEqual(['W0001', 'W0100', 'W0101']);
    expect(JSON.stringify(list.body)).not.toMatch(/2345678|rrnSealed|rrnHash/);
    // REG-07: each worker shown is in the access log, read by the provider's user.
    const { peopleStore } = await import('../../functions/shared/stores');
    expect(await peopleStore().accessesOf('WORKER', 'W0100')).toEqual([expect.objectContaining({ actor: 'u-P0001', actorRole: 'provider', action: 'READ' })]);
    expect((await call('listWorkers', provider('P0002'), { query: {} })).body.items.map((w: { workerId: string }) => w.workerId)).toEqual(['W0002']);
  });

  it('REG-02/04/05: concurrent duplicates make one record — five identical registrations of a worker, a contract, a recipient, a card answer alike', async () => {
    const twin = { ...worker, workerId: 'W0110', rrn: '920505-2345678' };
    const workers = await Promise.all(Array.from({ length: 5 }, () => call('registerWorker', provider('P0001'), { body: twin })));
    for (const r of workers) expect([r.status, r.body]).toEqual([201, workers[0]!.body]);
    expect((await auditOf('worker', 'W0110')).map((a) => a.action)).toEqual(['REGISTERED']);
    const body = { ...contract, contractId: 'C0210', from: '2026-03-14' };
    const contracts = await Promise.all(Array.from({ length: 5 }, () => call('registerContract', provider('P0001'), { body })));
    expect(contracts.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    // The month's voucher of the service is the one C0200 drew (one per recipient × service × month).
    expect(contracts[0]!.body.voucher).toMatchObject({ month: '2026-03', grantedAmount: 144_000 });
    for (const r of contracts) expect(r.body).toEqual(contracts[0]!.body);
    expect((await auditOf('contract', 'C0210')).map((a) => a.action)).toEqual(['REGISTERED']);
    const person = { ...recipient, recipientId: 'R0110', rrn: '170707-4123456', birthDate: '2017-07-07' };
    const recipients = await Promise.all(Array.from({ length: 5 }, () => call('registerRecipient', municipality('44130'), { body: person })));
    // Alike as values (an answer read back from the table may order its fields otherwise).
    for (const r of recipients) expect([r.status, r.body]).toEqual([201, recipients[0]!.body]);
    const cards = await Promise.all(Array.from({ length: 5 }, () => call('issueCard', agency(), { body: { cardNumber: '9410000000000110', recipientId: 'R0110' } })));
    for (const r of cards) expect([r.status, r.body]).toEqual([201, cards[0]!.body]);
    expect((await auditOf('recipient', 'R0110')).map((a) => a.action)).toEqual(['SELECTED']);
    expect((await auditOf('card', '9410000000000110')).map((a) => a.action)).toEqual(['ISSUED']);
  });

  it('REG-02: termination per program or of all at once (일괄 해지) defaults to today, never before the start; the list tells who is terminated', async () => {
    expect(code(await call('terminateWorker', provider('P0001'), { params: { workerId: 'W0101' }, body: { programCode: null, on: '2026-02-28' } }))).toEqual(['TERMINATION_BEFORE_START', 'REG-02']);
    expect(code(await call('terminateWorker', provider('P0002'), { params: { workerId: 'W0101' }, body: {} }))).toEqual(['NOT_FOUND', 'REG-02']);
    expect(code(await call('terminateWorker', provider('P0001'), { params: { workerId: 'W0101' }, body: { programCode: 'OTHER' } }))).toEqual(['NOTHING_TO_TERMINATE', 'REG-02']);
    const today = await call('terminateWorker', provider('P0001'), { params: { workerId: 'W0100' }, body: {} });
    expect(today).toMatchObject({ status: 200, body: { contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01', to: '2026-03-13' }] } });
    const early = await call('terminateWorker', provider('P0001'), { params: { workerId: 'W0101' }, body: { programCode: 'COMMUNITY', on: '2026-03-05' } });
    expect(early).toMatchObject({ status: 200, body: { contracts: [{ to: '2026-03-05' }] } });
    expect((await call('listWorkers', provider('P0001'), { query: { status: 'TERMINATED' } })).body.items.map((w: { workerId: string }) => w.workerId)).toEqual(['W0101']);
    expect((await auditOf('worker', 'W0100')).map((a) => a.action)).toEqual(['REGISTERED', 'ALL_TERMINATED']);
    expect(JSON.stringify(await auditOf('worker', 'W0100'))).not.toContain('2345678');
  });
});
