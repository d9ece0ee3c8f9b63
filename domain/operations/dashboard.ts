/**
 * The graphs of the operations dashboard, one list (infra/system.ts DASHBOARD_PANELS): the CDK
 * dashboard draws them from CloudWatch, the local ops console from the same EMF metrics the
 * handlers write, bucketed here as CloudWatch would (a sum per period, or a percentile of the
 * period's values).
 */

export type Statistic = 'Sum' | 'p50' | 'p99';

export interface SeriesSpec {
  metric: string;
  /** The writing function (Powertools' `service` dimension). */
  service: string;
  stat: Statistic;
  label: string;
  /** One series per value of this dimension: the values listed, or (none listed) each one seen. */
  by?: { dimension: string; values?: readonly string[] };
  axis?: 'left' | 'right';
}

export interface PanelSpec {
  id: string;
  title: string;
  series: readonly SeriesSpec[];
}

/** One value a handler wrote (an EMF metric), when the local stack received it. */
export interface MetricPoint {
  at: number;
  name: string;
  value: number;
  dimensions: Record<string, string>;
}

export interface PanelSeries {
  label: string;
  axis: 'left' | 'right';
  /** One value per bucket: a sum (0 when nothing was written), a percentile (null then). */
  values: (number | null)[];
}

export interface PanelData {
  id: string;
  title: string;
  series: PanelSeries[];
}

export interface Buckets {
  /** The first bucket's start (ms since the epoch). */
  from: number;
  /** Each bucket's length (ms). */
  size: number;
  count: number;
}

/** The nearest-rank percentile (CloudWatch's pNN of a period's values). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function reduce(stat: Statistic, values: readonly number[]): number | null {
  if (stat === 'Sum') return values.reduce((n, v) => n + v, 0);
  return percentile(values, stat === 'p50' ? 50 : 99);
}

/** A panel's series over the buckets, from the points received. */
export function panelData(panel: PanelSpec, points: readonly MetricPoint[], buckets: Buckets): PanelData {
  const series = panel.series.flatMap((spec): PanelSeries[] => {
    const mine = points.filter((p) => p.name === spec.metric);
    const groups: { label: string; points: MetricPoint[] }[] = [];
    if (!spec.by) groups.push({ label: spec.label, points: mine });
    else {
      const { dimension } = spec.by;
      const values = spec.by.values ?? [...new Set(mine.map((p) => p.dimensions[dimension] ?? ''))].sort();
      for (const value of values) groups.push({ label: `${spec.label} ${value}`, points: mine.filter((p) => (p.dimensions[dimension] ?? '') === value) });
    }
    return groups.map(({ label, points: group }) => {
      const perBucket: number[][] = Array.from({ length: buckets.count }, () => []);
      for (const p of group) {
        const i = Math.floor((p.at - buckets.from) / buckets.size);
        if (i >= 0 && i < buckets.count) perBucket[i]!.push(p.value);
      }
      return { label, axis: spec.axis ?? 'left', values: perBucket.map((vs) => reduce(spec.stat, vs)) };
    });
  });
  return { id: panel.id, title: panel.title, series };
}
