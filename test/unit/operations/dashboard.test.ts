import { describe, expect, it } from 'vitest';
import { type MetricPoint, panelData, percentile } from '../../../domain/operations/dashboard';
import { DASHBOARD_PANELS } from '../../../infra/system';

const point = (at: number, name: string, value: number, dimensions: Record<string, string> = {}): MetricPoint => ({ at, name, value, dimensions });
const buckets = { from: 1_000, size: 1_000, count: 3 };

describe('the dashboard graphs from metric points (issue 16 §4)', () => {
  it('nearest-rank percentiles, none of nothing', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
  });

  it('sums per bucket (0 when nothing was written), ignoring other metrics and points outside the window', () => {
    const panel = { id: 'p', title: 'P', series: [{ metric: 'PaymentSucceeded', service: 'payment-intake', stat: 'Sum' as const, label: 'approved' }] };
    const data = panelData(panel, [point(1_000, 'PaymentSucceeded', 1), point(1_999, 'PaymentSucceeded', 2), point(3_500, 'PaymentSucceeded', 1), point(999, 'PaymentSucceeded', 7), point(4_000, 'PaymentSucceeded', 7), point(1_500, 'Other', 9)], buckets);
    expect(data).toEqual({ id: 'p', title: 'P', series: [{ label: 'approved', axis: 'left', values: [3, 0, 1] }] });
  });

  it('percentiles per bucket (null when nothing was written)', () => {
    const panel = { id: 'l', title: 'L', series: [{ metric: 'PaymentLatency', service: 'payment-intake', stat: 'p50' as const, label: 'p50' }, { metric: 'PaymentLatency', service: 'payment-intake', stat: 'p99' as const, label: 'p99', axis: 'right' as const }] };
    const data = panelData(panel, [point(1_100, 'PaymentLatency', 10), point(1_200, 'PaymentLatency', 30), point(1_300, 'PaymentLatency', 20)], buckets);
    expect(data.series).toEqual([{ label: 'p50', axis: 'left', values: [20, null, null] }, { label: 'p99', axis: 'right', values: [30, null, null] }]);
  });

  it('one series per dimension value: each one seen (refusal codes), or those listed (rules)', () => {
    const seen = { id: 'r', title: 'R', series: [{ metric: 'PaymentRefused', service: 'payment-intake', stat: 'Sum' as const, label: 'refused', by: { dimension: 'code' } }] };
    const points = [point(1_000, 'PaymentRefused', 1, { code: 'VOUCHER_EXHAUSTED' }), point(2_000, 'PaymentRefused', 1, { code: 'CARD_LOST' }), point(2_100, 'PaymentRefused', 1, { code: 'CARD_LOST' }), point(2_200, 'PaymentRefused', 1)];
    expect(panelData(seen, points, buckets).series).toEqual([
      { label: 'refused ', axis: 'left', values: [0, 1, 0] },
      { label: 'refused CARD_LOST', axis: 'left', values: [0, 2, 0] },
      { label: 'refused VOUCHER_EXHAUSTED', axis: 'left', values: [1, 0, 0] },
    ]);
    const listed = { id: 's', title: 'S', series: [{ metric: 'HoldsRaised', service: 'fraud-screening', stat: 'Sum' as const, label: 'held', by: { dimension: 'ruleId', values: ['SCR-01', 'SCR-02'] } }] };
    expect(panelData(listed, [point(1_000, 'HoldsRaised', 1, { ruleId: 'SCR-02' })], buckets).series.map((s) => [s.label, s.values])).toEqual([['held SCR-01', [0, 0, 0]], ['held SCR-02', [1, 0, 0]]]);
  });

  it('the one list names each graph once, each series with a metric a handler writes', () => {
    expect(new Set(DASHBOARD_PANELS.map((p) => p.id)).size).toBe(DASHBOARD_PANELS.length);
    for (const panel of DASHBOARD_PANELS) expect(panel.series.length).toBeGreaterThan(0);
  });
});
