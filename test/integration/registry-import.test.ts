import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { agency, httpEvent, lambdaContext } from '../support/events';
import { businessNumber, importDocument } from '../support/fixtures';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';

let env: TestEnvironment;
let handler: (typeof import('../../functions/admin-import/handler'))['handler'];

beforeAll(async () => {
  env = await useLocalEnvironment();
  ({ handler } = await import('../../functions/admin-import/handler'));
});

async function importDoc(doc: unknown, claims: Record<string, string> = agency()) {
  const res = (await handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: doc, claims }), lambdaContext('admin-import'))) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

describe('registry import against DynamoDB Local', () => {
  it('stores a document and a second import of the same document changes nothing', async () => {
    const first = await importDoc(importDocument(3));
    expect(first).toMatchObject({ status: 200, body: { accepted: 13, rejected: [], created: 13, unchanged: 0 } });
    const before = await env.scan();
    const again = await importDoc(importDocument(3));
    expect(again.body).toMatchObject({ accepted: 13, rejected: [], created: 0, updated: 0, unchanged: 13 });
    expect(await env.scan()).toEqual(before);
  });

  it('REG-07: no RRN and no terminal secret is stored in clear', async () => {
    const items = JSON.stringify(await env.scan());
    expect(items).not.toMatch(/8501011234567|850101-1234567|1504024000001/);
    expect(items).not.toContain('terminal-secret-000000001');
    expect(items).toContain('850101-1******');
  });

  it('REG-07: a person is found by the keyed hash of the RRN (GSI2), never by the RRN', async () => {
    const { personalDataVault } = await import('../../functions/shared/vault');
    const { dynamoTable } = await import('../../functions/shared/dynamo/client');
    const hash = (await personalDataVault()).lookupHash('1504024000002');
    const { doc, name } = dynamoTable();
    const out = await doc.send(new QueryCommand({ TableName: name, IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': `PERSON#${hash}` } }));
    expect(out.Items?.map((i) => i.recipientId)).toEqual(['R0002']);
  });

  it('REG-02: the system assigns unique 8-digit worker payment IDs, also under concurrent imports', async () => {
    const workers = (n: number, offset: number) => Array.from({ length: n }, (_, i) => ({
      workerId: `WX${offset + i}`, providerId: 'P0001', name: '박지훈', rrn: `900101-1${String(offset + i).padStart(6, '0')}`, contracts: [],
    }));
    const results = await Promise.all([importDoc({ workers: workers(20, 0) }), importDoc({ workers: workers(20, 100) })]);
    expect(results.map((r) => r.body.accepted)).toEqual([20, 20]);
    const ids = (await env.scan()).filter((i) => i.type === 'Worker').map((i) => i.workerPaymentId as string);
    expect(ids.every((id) => /^\d{8}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Re-importing a worker without an ID keeps the one assigned.
    const [assigned] = (await env.scan()).filter((i) => i.workerId === 'WX0').map((i) => i.workerPaymentId);
    await importDoc({ workers: workers(1, 0) });
    expect((await env.scan()).find((i) => i.workerId === 'WX0')!.workerPaymentId).toBe(assigned);
  });

  it('REG-02: a given worker payment ID that another worker holds is rejected and nothing of that worker is written', async () => {
    const taken = (await env.scan()).find((i) => i.workerId === 'W0001')!.workerPaymentId as string;
    const res = await importDoc({ workers: [{ workerId: 'W-OTHER', providerId: 'P0001', name: '최유진', rrn: '910101-2000001', workerPaymentId: taken, contracts: [] }] });
    expect(res.body.rejected).toEqual([expect.objectContaining({ path: 'workers[0].workerPaymentId', code: 'WORKER_PAYMENT_ID_TAKEN', rule: 'REG-02' })]);
    expect((await env.scan()).some((i) => i.workerId === 'W-OTHER')).toBe(false);
  });

  it('REG-01: a business number registered to another provider is rejected', async () => {
    const doc = importDocument();
    const res = await importDoc({ providers: [{ ...doc.providers[0], providerId: 'P0002' }] });
    expect(res.body.rejected).toEqual([expect.objectContaining({ code: 'BUSINESS_NUMBER_TAKEN', rule: 'REG-01' })]);
    const ok = await importDoc({ providers: [{ ...doc.providers[0], providerId: 'P0002', businessNumber: businessNumber('220811234') }] });
    expect(ok.body).toMatchObject({ accepted: 1, created: 1 });
  });

  it('only the agency may import', async () => {
    const res = await importDoc(importDocument(), { sub: 'p', role: 'provider', providerId: 'P0001' });
    expect(res.status).toBe(403);
  });

  it('a body that is not a document is a 400 that writes nothing', async () => {
    const before = (await env.scan()).length;
    expect((await importDoc('{"programs": [')).status).toBe(400);
    expect((await importDoc({ programs: 'x' })).status).toBe(400);
    expect((await env.scan()).length).toBe(before);
  });

  it('access pattern 12: a provider\'s workers and contracts come from GSI1', async () => {
    const { dynamoTable } = await import('../../functions/shared/dynamo/client');
    const { doc, name } = dynamoTable();
    const out = await doc.send(new QueryCommand({ TableName: name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)', ExpressionAttributeValues: { ':pk': 'PROV#P0001', ':sk': 'CONTRACT#' } }));
    expect(out.Items?.map((i) => i.contractId)).toEqual(['C0001', 'C0002', 'C0003']);
  });
});
