/** Claim routes (EXC-02/03): a claim id outside the id grammar is a 400 before anything is read. */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { agency, httpEvent, lambdaContext, provider } from '../../support/events';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: (typeof import('../../../functions/claims-api/handler'))['handler'];

beforeAll(async () => {
  process.env.TABLE_NAME = 'unit-table';
  ({ handler } = await import('../../../functions/claims-api/handler'));
});

const call = async (routeKey: string, claimId: string, claims: Record<string, string>, body?: unknown) => {
  const event = httpEvent({ method: 'POST', path: `/v1/claims/${claimId}/x`, routeKey, claims, ...(body ? { body } : {}) });
  event.pathParameters = { claimId };
  const res = (await handler(event, lambdaContext('claims-api'))) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

describe('claim routes validate their path', () => {
  it.each([
    ['POST /v1/claims/{claimId}/withdraw', provider()],
    ['POST /v1/claims/{claimId}/approve', agency()],
  ] as const)('%s: a 300-character or crafted claim id is a 400 naming path.claimId, and nothing is read', async (routeKey, claims) => {
    for (const claimId of ['C'.repeat(300), 'CL1#HOLD', '../x']) {
      ddb.reset();
      const answer = await call(routeKey, claimId, claims, {});
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: { fields: [{ path: 'path.claimId' }] } } } });
      expect(ddb.calls()).toHaveLength(0);
    }
  });
});
