/**
 * Regression found by the simulation (seed 2, `npm run simulate -- --seed 2 --days 15 --scale 0.1`):
 * a generation run that read the catalog before an import cached it, and the month's run right
 * after the import used that cached, empty catalog — every contract of the month was recorded
 * NOT_GENERATED (GRADE_NOT_IN_CATALOG) and nobody was served. VCH-01: a contract whose service is
 * missing from a cached catalog is decided against a fresh read, never against the cache alone.
 */
import { describe, expect, it } from 'vitest';
import { generateMonth } from '../../domain/vouchers/generation';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoVoucherStore } from '../../functions/shared/dynamo/voucher-store';
import { agency, httpEvent, lambdaContext } from '../support/events';
import { importDocument } from '../support/fixtures';
import { useLocalEnvironment } from '../support/local';

describe('VCH-01 a stale catalog', () => {
  it('VCH-01 seed 2: generation right after an import that added the service types makes the vouchers', async () => {
    await useLocalEnvironment();
    const store = new DynamoVoucherStore(dynamoTable());
    // A run before the import (the month before, say) reads and caches the empty catalog.
    expect((await store.serviceTypes()).size).toBe(0);
    const doc = importDocument(3);
    const admin = await import('../../functions/admin-import/handler');
    const res = (await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: doc, claims: agency() }), lambdaContext())) as { body: string };
    expect(JSON.parse(res.body).rejected).toEqual([]);
    const result = await generateMonth(store, doc.recipients.map((r) => r.recipientId), '2026-03', '2026-03-01T00:10:00+09:00');
    expect(result).toMatchObject({ vouchersCreated: 3, notGenerated: 0 });
  });
});
