/** The local stack's CloudWatch (infra/local/metrics.ts): what it keeps, and that keeping it stays cheap. */
import { describe, expect, it } from 'vitest';
import { LocalMetrics, MAX_POINTS } from '../../../infra/local/metrics';

const emf = (name: string, value: number) => ({ _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: 'n', Dimensions: [['service']], Metrics: [{ Name: name }] }] }, service: 'intake', [name]: value });

describe('local metrics', () => {
  it('sums a metric over the last minutes and forgets what is older than an hour', () => {
    let now = 0;
    const m = new LocalMetrics(() => now);
    m.record(emf('Approved', 2));
    now = 30 * 60_000;
    m.record(emf('Approved', 3));
    expect(m.sum('Approved', 60)).toBe(5);
    expect(m.sum('Approved', 10)).toBe(3);
    now = 62 * 60_000;
    m.record(emf('Approved', 1));
    expect(m.sum('Approved', 24 * 60)).toBe(4);
  });

  it('issue 15 §9 (soak): holds at most MAX_POINTS points, however many are recorded within the hour, and records in amortized constant time', () => {
    const m = new LocalMetrics(() => 1_000);
    for (let i = 0; i < MAX_POINTS * 3; i++) m.record(emf('Approved', 1));
    const held = m.since(0).length;
    expect(held).toBeLessThanOrEqual(MAX_POINTS);
    expect(held).toBeGreaterThanOrEqual(MAX_POINTS / 2);
    // The newest are the ones kept.
    m.record(emf('Screened', 7));
    expect(m.since(0, ['Screened'])).toHaveLength(1);
  });
});
