/**
 * Every registry endpoint (api.md "Registry API") under malformed and hostile input, on the local
 * table (fast-check): never a 5xx, a 4xx always in the error envelope, and a refused request
 * never writes anything (the whole table is compared). Then tenancy: each endpoint, called by a
 * provider or municipality on another's record, is refused and changes nothing.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import * as schemas from '../../events/registry';
import { agency, callRoute, httpEvent, lambdaContext, municipality, provider } from '../support/events';
import { businessNumber } from '../support/fixtures';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';
import { intakeHarness, kst } from '../support/payments';

let env: TestEnvironment;
let registry: (typeof import('../../functions/registry-api/handler'))['handler'];
let routes: (typeof import('../../functions/registry-api/handler'))['routes'];
type RouteName = keyof typeof routes;

const RRN = '160505-3123456';
const recipient = { recipientId: 'R0100', name: '박하늘', rrn: RRN, birthDate: '2016-05-05', municipalityCode: '44130', eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-03-01', to: '2026-12-31' }] };
const contract = { contractId: 'C0200', name: '박하늘', rrn: RRN, serviceCode: '110101', from: '2026-03-10', to: '2026-12-31', serviceAddress: '충남 천안시 1', designatedWorkerIds: ['W0001'] };
const worker = { workerId: 'W0100', name: '최유리', rrn: '900303-2345678', phone: '01055556666', contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01' }] };
const terminal = { serial: 'VT11-100001', phone: '01099990001', model: 'VT-11', kind: 'DEDICATED' };

const call = (name: RouteName, claims: Record<string, string>, options: { params?: Record<string, string>; body?: unknown; query?: Record<string, string> } = {}) =>
  callRoute(registry, routes, name, { claims, ...options });

beforeAll(async () => {
  env = await useLocalEnvironment();
  await intakeHarness(2);
  const admin = await import('../../functions/admin-import/handler');
  const second = { providers: [{ providerId: 'P0002', businessNumber: businessNumber('223456789'), name: '두리돌봄센터', municipalityCode: '11110', accounts: [] }] };
  expect(JSON.parse(((await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: second, claims: agency() }), lambdaContext())) as { body: string }).body).rejected).toEqual([]);
  ({ handler: registry, routes } = await import('../../functions/registry-api/handler'));
  const { setClock } = await import('../../functions/shared/clock');
  setClock(kst('2026-03-10T14:05:00'));
  for (const [name, claims, body] of [
    ['registerRecipient', municipality('44130'), recipient],
    ['registerContract', provider('P0001'), contract],
    ['registerWorker', provider('P0001'), worker],
    ['registerTerminal', provider('P0001'), terminal],
  ] as const) expect((await call(name, claims, { body })).status).toBe(201);
});

/** Each route as its rightful caller would call it: claims, path, a valid body and the body's schema. */
interface Endpoint {
  name: RouteName;
  claims: Record<string, string>;
  params?: Record<string, string>;
  body?: Record<string, unknown>;
  schema?: ZodType;
  query?: Record<string, string>;
}
const P1 = provider('P0001');
const CITY = municipality('44130');
const endpoints: Endpoint[] = [
  { name: 'registerRecipient', claims: CITY, body: { ...recipient, recipientId: 'R0199' }, schema: schemas.recipientRegistration },
  { name: 'addEligibility', claims: CITY, params: { recipientId: 'R0100' }, body: { serviceCode: '110201', grade: 'A', from: '2026-03-01', to: null }, schema: schemas.eligibility },
  { name: 'changeGrade', claims: CITY, params: { recipientId: 'R0100' }, body: { serviceCode: '110101', grade: '2' }, schema: schemas.gradeChange },
  { name: 'suspendService', claims: CITY, params: { recipientId: 'R0100' }, body: { serviceCode: '110101', from: '2026-04-01', to: null, reason: '입원' }, schema: schemas.suspension },
  { name: 'registerContract', claims: P1, body: { ...contract, contractId: 'C0299' }, schema: schemas.contractRegistration },
  { name: 'designateWorkers', claims: P1, params: { contractId: 'C0200' }, body: { designatedWorkerIds: [] }, schema: schemas.designatedWorkers },
  { name: 'terminateContract', claims: P1, params: { contractId: 'C0200' }, body: { on: '2026-03-20', reason: '이사' }, schema: schemas.contractTermination },
  { name: 'listContracts', claims: P1, query: { endingIn: '2026-04' } },
  { name: 'listUnused', claims: P1, query: { months: '2' } },
  { name: 'registerWorker', claims: P1, body: { ...worker, workerId: 'W0199' }, schema: schemas.workerRegistration },
  { name: 'terminateWorker', claims: P1, params: { workerId: 'W0100' }, body: { programCode: 'COMMUNITY', on: '2026-03-20' }, schema: schemas.workerTermination },
  { name: 'listWorkers', claims: P1, query: { status: 'ACTIVE' } },
  { name: 'registerTerminal', claims: P1, body: { ...terminal, serial: 'VT11-100199' }, schema: schemas.terminalRegistration },
  { name: 'listTerminals', claims: P1, query: {} },
  { name: 'cancelTerminal', claims: P1, params: { serial: 'VT11-100001' }, body: {}, schema: schemas.noBody },
  { name: 'matchWorkers', claims: P1, params: { serial: 'VT11-100001' }, body: { workerIds: ['W0001'] }, schema: schemas.terminalWorkers },
  { name: 'requestTransfer', claims: P1, params: { serial: 'VT11-100001' }, body: { toBusinessNumber: businessNumber('223456789') }, schema: schemas.terminalTransferRequest },
  { name: 'rekey', claims: P1, params: { serial: 'VT11-100001' }, body: {}, schema: schemas.noBody },
  { name: 'listTransfers', claims: agency(), query: { state: 'REQUESTED' } },
  { name: 'approveTransfer', claims: agency(), params: { transferId: 'TT0000000000000000' }, body: { reason: 'ok' }, schema: schemas.transferDecision },
  { name: 'rejectTransfer', claims: agency(), params: { transferId: 'TT0000000000000000' }, body: { reason: 'no' }, schema: schemas.transferDecision },
  { name: 'issueCard', claims: agency(), body: { cardNumber: '9410000000000199', recipientId: 'R0100' }, schema: schemas.cardIssue },
  { name: 'reportLoss', claims: CITY, params: { cardNumber: '9410000000000001' }, body: {}, schema: schemas.noBody },
  { name: 'replaceCard', claims: agency(), params: { cardNumber: '9410000000000001' }, body: { newCardNumber: '9410000000000198' }, schema: schemas.cardReplacement },
  { name: 'patchProvider', claims: P1, params: { providerId: 'P0001' }, body: { phone: '041-555-0101' }, schema: schemas.providerPatch },
  { name: 'putAccount', claims: agency(), params: { providerId: 'P0001', programCode: 'COMMUNITY' }, body: { bankCode: '004', accountNumber: '12345678901234', holder: '행복심리상담센터' }, schema: schemas.payoutAccount },
  { name: 'audit', claims: agency(), query: { entity: 'card', id: '9410000000000001' } },
];

const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.constantFrom(-1, 0.5, 1e21, null, true, [], {}, '__proto__', '../../etc/passwd', "' OR 1=1 --", '{"$ne":null}', '\u0000', '\ud800', '가'.repeat(300), '9'.repeat(5000), '2026-02-30', '900101-1234567'),
);

/** A valid body with one field replaced, removed or added — kept only when the schema refuses it. */
function malformed(e: Endpoint) {
  const fields = [...Object.keys(e.body!), 'constructor', '__proto__', 'toString', 'extra'];
  return fc
    .tuple(fc.constantFrom(...fields), hostileValue, fc.constantFrom('replace', 'remove'))
    .map(([field, value, how]) => {
      const body: Record<string, unknown> = structuredClone(e.body!);
      if (how === 'remove') delete body[field];
      else Object.defineProperty(body, field, { value, enumerable: true, writable: true, configurable: true });
      return JSON.stringify(body);
    })
    .filter((text) => !e.schema!.safeParse(JSON.parse(text)).success);
}

/** What any caller could send: a mutation, any JSON, any text. */
const anyBody = (e: Endpoint) =>
  fc.oneof(
    ...(e.body ? [malformed(e), malformed(e)] : []),
    fc.jsonValue().map((v) => JSON.stringify(v)).filter((t) => !e.schema || !e.schema.safeParse(JSON.parse(t)).success),
    // Text that is not JSON (an empty body is no body: valid where none is taken).
    fc.string().filter((t) => { if (!t.trim()) return false; try { JSON.parse(t); return false; } catch { return true; } }),
  );

const hostileParam = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('../P0002', '%00', 'a'.repeat(500), ' ', 'VT11-100001;DROP', '__proto__'));

describe('the registry API under hostile input', () => {
  it('malformed bodies, path parameters and queries at every endpoint: a 400 or other 4xx in the envelope, never a 5xx, and nothing written', async () => {
    // A list's random query may be a valid one: it answers 200 and writes only its reads' access log (REG-07).
    const written = async () => (await env.scan()).filter((i) => i.type !== 'AccessLog');
    const before = await written();
    for (const e of endpoints) {
      const cases = e.body
        ? fc.record({ body: anyBody(e), params: fc.constant(e.params) })
        : fc.record({ body: fc.constant(undefined), params: fc.constant(e.params), query: fc.dictionary(fc.constantFrom('limit', 'nextToken', 'endingIn', 'months', 'status', 'entity', 'id', 'providerId', 'x'), fc.string(), { minKeys: 1, maxKeys: 3 }) });
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const query = 'query' in c ? (c as { query: Record<string, string> }).query : e.query;
          const res = await call(e.name, e.claims, { ...(c.params ? { params: c.params } : {}), ...(c.body !== undefined ? { body: c.body } : {}), ...(query ? { query } : {}) });
          expect(res.status, `${e.name} ${JSON.stringify(c)}`).toBeLessThan(500);
          if (e.body || res.status !== 200) {
            expect(res.status, `${e.name} ${JSON.stringify(c)}`).toBeGreaterThanOrEqual(400);
            expect(res.body.error.code).toMatch(/^[A-Z_]+$/);
          }
        }),
        { numRuns: 40 },
      );
      // Path parameters of any shape: a valid body to a hostile path.
      if (e.params) {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...Object.keys(e.params)), hostileParam, async (key, value) => {
            const res = await call(e.name, e.claims, { params: { ...e.params, [key]: value }, ...(e.body ? { body: e.body } : {}) });
            expect(res.status, `${e.name} ${key}=${JSON.stringify(value)}`).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
          }),
          { numRuns: 15 },
        );
      }
    }
    expect(await written()).toEqual(before);
  }, 240_000);

  it('well-formed requests with arbitrary ids, dates and codes never answer 5xx; a refused one writes nothing', async () => {
    const id = fc.oneof(fc.constantFrom('R0001', 'R0100', 'C0001', 'C0200', 'W0001', 'W0100', 'P0001', 'P0002'), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/));
    const date = fc.oneof(fc.constantFrom('2026-03-01', '2026-03-10', '2026-12-31', '1900-01-01', '9999-12-31'), fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
    const service = fc.constantFrom('110101', '110201', '999999');
    const grade = fc.constantFrom('1', '2', 'A', 'Z9');
    const rrn = fc.constantFrom(RRN, '900303-2345678', '991332-1234567', '000000-0000000', '150402-4000001');
    const requests = fc.oneof(
      fc.record({ name: fc.constant('registerRecipient' as const), claims: fc.constantFrom(CITY, municipality('11110'), agency()), body: fc.record({ recipientId: id, name: fc.constantFrom('박하늘', '이서연'), rrn, birthDate: date, municipalityCode: fc.constantFrom('44130', '11110'), eligibility: fc.array(fc.record({ serviceCode: service, grade, from: date, to: fc.option(date, { nil: null }) }), { maxLength: 3 }) }) }),
      fc.record({ name: fc.constant('registerContract' as const), claims: fc.constantFrom(P1, provider('P0002')), body: fc.record({ contractId: id, name: fc.constantFrom('박하늘', '이서연'), rrn, serviceCode: service, from: date, to: fc.option(date, { nil: null }), serviceAddress: fc.constant('주소'), designatedWorkerIds: fc.array(id, { maxLength: 7 }) }) }),
      fc.record({ name: fc.constant('registerWorker' as const), claims: fc.constantFrom(P1, provider('P0002')), body: fc.record({ workerId: id, name: fc.constant('김민수'), rrn, contracts: fc.array(fc.record({ programCode: fc.constantFrom('COMMUNITY', 'OTHER'), from: date }), { minLength: 1, maxLength: 2 }) }) }),
      fc.record({ name: fc.constant('terminateWorker' as const), claims: fc.constantFrom(P1, provider('P0002')), params: fc.record({ workerId: id }), body: fc.record({ programCode: fc.constantFrom(null, 'COMMUNITY', 'OTHER'), on: fc.option(date, { nil: null }) }) }),
      fc.record({ name: fc.constant('terminateContract' as const), claims: fc.constantFrom(P1, provider('P0002'), CITY, municipality('11110')), params: fc.record({ contractId: id }), body: fc.record({ on: date, reason: fc.constant('사유') }) }),
      fc.record({ name: fc.constant('designateWorkers' as const), claims: fc.constantFrom(P1, provider('P0002')), params: fc.record({ contractId: id }), body: fc.record({ designatedWorkerIds: fc.array(id, { maxLength: 7 }) }) }),
      fc.record({ name: fc.constant('addEligibility' as const), claims: fc.constantFrom(CITY, municipality('11110')), params: fc.record({ recipientId: id }), body: fc.record({ serviceCode: service, grade, from: date, to: fc.option(date, { nil: null }) }) }),
      fc.record({ name: fc.constant('changeGrade' as const), claims: fc.constantFrom(CITY, municipality('11110')), params: fc.record({ recipientId: id }), body: fc.record({ serviceCode: service, grade }) }),
      fc.record({ name: fc.constant('suspendService' as const), claims: fc.constantFrom(CITY, municipality('11110')), params: fc.record({ recipientId: id }), body: fc.record({ serviceCode: service, from: date, to: fc.option(date, { nil: null }), reason: fc.constant('사유') }) }),
      fc.record({ name: fc.constant('listContracts' as const), claims: fc.constant(P1), query: fc.record({ endingIn: date.map((d) => d.slice(0, 7)) }) }),
    );
    let served = 0;
    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        const before = await env.scan();
        const res = await call(r.name, r.claims, { ...('body' in r ? { body: r.body } : {}), ...('params' in r ? { params: r.params } : {}), ...('query' in r ? { query: r.query } : {}) });
        expect(res.status, `${r.name} ${JSON.stringify(r)} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
        if (res.status >= 400) expect(await env.scan()).toEqual(before);
        else served++;
      }),
      { numRuns: 150 },
    );
    // The property reaches the write path, not only the refusals.
    expect(served).toBeGreaterThan(5);
  }, 240_000);
});

describe('tenancy: a provider or municipality never reads or changes another\'s records', () => {
  const P2 = provider('P0002');
  const ELSEWHERE = municipality('11110');
  // The rightful caller of each is in `endpoints`; here, another tenant with the same request.
  const foreign: { name: RouteName; claims: Record<string, string>; params?: Record<string, string>; body?: unknown; refused: number[] }[] = [
    { name: 'addEligibility', claims: ELSEWHERE, params: { recipientId: 'R0100' }, body: { serviceCode: '110201', grade: 'A', from: '2026-03-01', to: null }, refused: [404] },
    { name: 'changeGrade', claims: ELSEWHERE, params: { recipientId: 'R0100' }, body: { serviceCode: '110101', grade: '2' }, refused: [404] },
    { name: 'suspendService', claims: ELSEWHERE, params: { recipientId: 'R0100' }, body: { serviceCode: '110101', from: '2026-04-01', to: null, reason: '입원' }, refused: [404] },
    { name: 'registerRecipient', claims: ELSEWHERE, body: { ...recipient, recipientId: 'R0198' }, refused: [403] },
    { name: 'designateWorkers', claims: P2, params: { contractId: 'C0200' }, body: { designatedWorkerIds: [] }, refused: [404] },
    { name: 'terminateContract', claims: P2, params: { contractId: 'C0200' }, body: { on: '2026-03-20', reason: '이사' }, refused: [404] },
    { name: 'terminateContract', claims: ELSEWHERE, params: { contractId: 'C0200' }, body: { on: '2026-03-20', reason: '이사' }, refused: [404] },
    { name: 'registerContract', claims: P2, body: { ...contract, designatedWorkerIds: [] }, refused: [409] },
    { name: 'terminateWorker', claims: P2, params: { workerId: 'W0100' }, body: {}, refused: [404] },
    { name: 'registerWorker', claims: P2, body: worker, refused: [409] },
    { name: 'cancelTerminal', claims: P2, params: { serial: 'VT11-100001' }, body: {}, refused: [404] },
    { name: 'matchWorkers', claims: P2, params: { serial: 'VT11-100001' }, body: { workerIds: [] }, refused: [404] },
    { name: 'requestTransfer', claims: P2, params: { serial: 'VT11-100001' }, body: { toBusinessNumber: businessNumber('223456789') }, refused: [404] },
    { name: 'rekey', claims: P2, params: { serial: 'VT11-100001' }, body: {}, refused: [404] },
    { name: 'registerTerminal', claims: P2, body: terminal, refused: [409] },
    { name: 'reportLoss', claims: ELSEWHERE, params: { cardNumber: '9410000000000001' }, body: {}, refused: [404] },
    { name: 'patchProvider', claims: P2, params: { providerId: 'P0001' }, body: { phone: '041-555-0101' }, refused: [404] },
    { name: 'patchProvider', claims: ELSEWHERE, params: { providerId: 'P0001' }, body: { phone: '041-555-0101' }, refused: [403] },
    { name: 'putAccount', claims: ELSEWHERE, params: { providerId: 'P0001', programCode: 'COMMUNITY' }, body: { bankCode: '004', accountNumber: '99999999', holder: '가짜' }, refused: [403] },
    { name: 'putAccount', claims: P1, params: { providerId: 'P0001', programCode: 'COMMUNITY' }, body: { bankCode: '004', accountNumber: '99999999', holder: '가짜' }, refused: [403] },
    { name: 'issueCard', claims: CITY, body: { cardNumber: '9410000000000197', recipientId: 'R0100' }, refused: [403] },
    { name: 'replaceCard', claims: CITY, params: { cardNumber: '9410000000000001' }, body: { newCardNumber: '9410000000000196' }, refused: [403] },
    { name: 'approveTransfer', claims: P1, params: { transferId: 'TT0000000000000000' }, body: {}, refused: [403] },
    { name: 'rejectTransfer', claims: P1, params: { transferId: 'TT0000000000000000' }, body: {}, refused: [403] },
  ];

  it.each(foreign.map((f) => [f.name, f.claims.providerId ?? f.claims.municipalityCode, f] as const))('%s by %s is refused and changes nothing', async (_name, _who, f) => {
    const before = await env.scan();
    const res = await call(f.name, f.claims, { ...(f.params ? { params: f.params } : {}), ...(f.body !== undefined ? { body: f.body } : {}) });
    expect(f.refused).toContain(res.status);
    expect(await env.scan()).toEqual(before);
  });

  it('the lists answer only the caller\'s own records', async () => {
    const P2 = provider('P0002');
    // P0002 may have registered records of its own above; it sees those only.
    for (const name of ['listContracts', 'listWorkers', 'listTerminals'] as const) {
      const items = (await call(name, P2, { query: { limit: '500' } })).body.items as { providerId: string }[];
      expect(items.filter((i) => i.providerId !== 'P0002'), name).toEqual([]);
    }
    const unused = (await call('listUnused', municipality('11110'), { query: { months: '1' } })).body.items as { municipalityCode: string }[];
    expect(unused.filter((c) => c.municipalityCode !== '11110')).toEqual([]);
    expect((await call('listTerminals', P2, { query: { providerId: 'P0001' } })).status).toBe(403);
    for (const name of ['listTransfers', 'audit'] as const) expect((await call(name, P1, { query: { entity: 'card', id: '9410000000000001' } })).status, name).toBe(403);
    expect((await call('listContracts', CITY, { query: {} })).status).toBe(403);
  });
});
