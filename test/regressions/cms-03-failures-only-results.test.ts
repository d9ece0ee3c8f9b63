/**
 * Regression (money always right, point 15): the centre's debit results (EB22) list only the
 * failed items and send no file at all when nothing failed; such a result was flagged whole
 * (COUNT_MISMATCH) and nothing applied, so every paid transfer stayed SENT and no failed one came
 * back. CMS-03: each item gets its result from either form, or from the "no failures" answer.
 * Request trailers carried zeros in their filler and a fund type; both are blank now (cms.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORD_BYTES } from '../../domain/cms/fields';
import { parseCmsFile } from '../../domain/cms/parse';
import { outcomesOf, reconcile } from '../../domain/cms/reconcile';
import { cmsControlRequest } from '../../infra/local/cms-simulator';

const golden = (name: string) => readFileSync(join(import.meta.dirname, '../golden/cms', name));

describe('CMS-03 results as the centre sends them', () => {
  it('CMS-03 a result listing only the failed item reconciles, and the two unlisted items are paid', () => {
    const request = parseCmsFile(golden('eb31-valid.bin'));
    const result = parseCmsFile(golden('eb32-failures-only.bin'));
    expect(reconcile(request, result)).toEqual([]);
    expect(outcomesOf(request, { kind: 'file', file: result }).map((o) => o.paid)).toEqual([true, true, false]);
  });

  it('CMS-03 the request trailer\'s filler and every fund type are spaces', () => {
    const bytes = golden('eb31-valid.bin');
    expect(bytes.subarray(4 * RECORD_BYTES + 56, 5 * RECORD_BYTES).toString('latin1')).toBe(' '.repeat(94));
    for (const r of [1, 2, 3]) expect(bytes.subarray(r * RECORD_BYTES + 89, r * RECORD_BYTES + 91).toString('latin1')).toBe('  ');
  });

  it('CMS-03 the simulator can be told which result form to send', () => {
    expect(cmsControlRequest.parse({ results: 'EVERY_ITEM' })).toMatchObject({ results: 'EVERY_ITEM' });
    expect(cmsControlRequest.parse({ transmit: 'OK', results: 'FAILURES_ONLY' })).toMatchObject({ mode: 'normal', results: 'FAILURES_ONLY' });
    expect(() => cmsControlRequest.parse({})).toThrow();
  });
});
