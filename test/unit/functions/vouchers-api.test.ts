import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { agency, httpEvent, lambdaContext, provider } from '../../support/events';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: (typeof import('../../../functions/vouchers-api/handler'))['handler'];

beforeAll(async () => {
  process.env.TABLE_NAME = 'unit-table';
  ({ handler } = await import('../../../functions/vouchers-api/handler'));
});
beforeEach(() => ddb.reset());

const call = async (event: ReturnType<typeof httpEvent>) => {
  const res = (await handler(event, lambdaContext('vouchers-api'))) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

describe('GET /v1/vouchers (VCH-03) tenancy', () => {
  it('a provider sees its own month, read from its own partition', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ PK: 'x', SK: 'y', type: 'VoucherOutcome', contractId: 'C1', status: 'GENERATED' }] });
    const { status, body } = await call(httpEvent({ path: '/v1/vouchers', query: { month: '2026-03' }, claims: provider('P0001') }));
    expect(status).toBe(200);
    expect(body.items).toEqual([{ contractId: 'C1', status: 'GENERATED' }]);
    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input.ExpressionAttributeValues![':pk']).toBe('PROV#P0001');
  });

  it('a provider asking for another provider is refused with 403 and nothing is read', async () => {
    const { status, body } = await call(httpEvent({ path: '/v1/vouchers', query: { providerId: 'P0002' }, claims: provider('P0001') }));
    expect(status).toBe(403);
    expect(body.error.code).toBe('FORBIDDEN');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('the agency must name the provider', async () => {
    expect((await call(httpEvent({ path: '/v1/vouchers', claims: agency() }))).status).toBe(400);
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect((await call(httpEvent({ path: '/v1/vouchers', query: { providerId: 'P0002' }, claims: agency() }))).status).toBe(200);
  });

  it('a municipality token is 403, no token 401, a bad month 400 with the field', async () => {
    expect((await call(httpEvent({ path: '/v1/vouchers', claims: { sub: 'm', role: 'municipality', municipalityCode: '44130' } }))).status).toBe(403);
    expect((await call(httpEvent({ path: '/v1/vouchers', claims: null }))).status).toBe(401);
    const bad = await call(httpEvent({ path: '/v1/vouchers', query: { month: '2026-13' }, claims: provider() }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [expect.objectContaining({ path: 'query.month' })] } });
  });

  it('a forged nextToken for another partition is a 400, not a read of someone else\'s data', async () => {
    const token = Buffer.from(JSON.stringify({ PK: 'PROV#P0002', SK: 'VGEN#2026-03#C1' })).toString('base64url');
    const res = await call(httpEvent({ path: '/v1/vouchers', query: { nextToken: token }, claims: provider('P0001') }));
    expect(res.status).toBe(400);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('a storage failure is a 500 envelope that says nothing changed', async () => {
    ddb.on(QueryCommand).rejects(new Error('boom'));
    const res = await call(httpEvent({ path: '/v1/vouchers', claims: provider() }));
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
  });
});
