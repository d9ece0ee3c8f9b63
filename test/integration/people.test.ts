import { beforeAll, describe, expect, it } from 'vitest';
import { agency, httpEvent, lambdaContext, provider } from '../support/events';
import { businessNumber, importDocument } from '../support/fixtures';
import { captureStdout } from '../support/capture';
import { useLocalEnvironment } from '../support/local';

let handler: (typeof import('../../functions/people-api/handler'))['handler'];
let accesses: (type: 'RECIPIENT' | 'WORKER', id: string) => Promise<{ actor: string; actorRole: string }[]>;
let stdout: string[] = [];

beforeAll(async () => {
  await useLocalEnvironment();
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  stdout = captureStdout();
  const admin = await import('../../functions/admin-import/handler');
  const doc = importDocument(2);
  doc.recipients[1]!.municipalityCode = '11110';
  doc.contracts[1]!.providerId = 'P0002';
  doc.contracts[1]!.designatedWorkerIds = [];
  doc.providers.push({ ...doc.providers[0]!, providerId: 'P0002', businessNumber: businessNumber('220811234') });
  const res = (await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: doc, claims: agency() }), lambdaContext())) as { body: string };
  expect(JSON.parse(res.body).rejected).toEqual([]);
  ({ handler } = await import('../../functions/people-api/handler'));
  const { DynamoPeopleStore } = await import('../../functions/shared/dynamo/people-store');
  const { dynamoTable } = await import('../../functions/shared/dynamo/client');
  const store = new DynamoPeopleStore(dynamoTable(), () => 0);
  accesses = (type, id) => store.accessesOf(type, id);
});

const read = async (path: string, params: Record<string, string>, claims: Record<string, string>) => {
  // API Gateway names the route by its template, as the people-api routes declare it.
  const routeKey = path.startsWith('/v1/workers/') ? 'GET /v1/workers/{workerId}' : 'GET /v1/recipients/{recipientId}';
  const res = (await handler({ ...httpEvent({ path, claims, routeKey }), pathParameters: params }, lambdaContext('people-api'))) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

describe('REG-07 a person\'s record for staff', () => {
  it('returns the RRN masked, never sealed values or hashes, and records the read', async () => {
    const res = await read('/v1/recipients/R0001', { recipientId: 'R0001' }, provider('P0001'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ recipientId: 'R0001', rrn: '150402-4******', municipalityCode: '44130' });
    expect(Object.keys(res.body)).not.toEqual(expect.arrayContaining(['rrnSealed']));
    expect(JSON.stringify(res.body)).not.toMatch(/rrnSealed|rrnHash|fingerprint|1504024000001/);
    expect(await accesses('RECIPIENT', 'R0001')).toEqual([expect.objectContaining({ actor: 'u-P0001', actorRole: 'provider', action: 'READ' })]);
  });

  it('a provider without a contract, a municipality of another jurisdiction and ops are refused, and nothing is logged for them', async () => {
    expect((await read('/v1/recipients/R0002', { recipientId: 'R0002' }, provider('P0001'))).status).toBe(403);
    expect((await read('/v1/recipients/R0001', { recipientId: 'R0001' }, { sub: 'm', role: 'municipality', municipalityCode: '11110' })).status).toBe(403);
    expect((await read('/v1/recipients/R0001', { recipientId: 'R0001' }, { sub: 'o', role: 'ops' })).status).toBe(403);
    expect(await accesses('RECIPIENT', 'R0002')).toEqual([]);
    expect((await read('/v1/recipients/R0002', { recipientId: 'R0002' }, { sub: 'm2', role: 'municipality', municipalityCode: '11110' })).status).toBe(200);
  });

  it('a worker is readable by its own provider and the agency only', async () => {
    expect((await read('/v1/workers/W0001', { workerId: 'W0001' }, provider('P0001'))).body).toMatchObject({ workerId: 'W0001', rrn: '850101-1******' });
    expect((await read('/v1/workers/W0001', { workerId: 'W0001' }, provider('P0002'))).status).toBe(403);
    expect((await read('/v1/workers/W9999', { workerId: 'W9999' }, agency())).status).toBe(404);
  });

  it('no log line carries an RRN or a name', () => {
    const all = stdout.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toMatch(/1504024|8501011|850101-1234567|이서연|김민수/);
  });
});
