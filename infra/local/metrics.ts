/**
 * The local stack's CloudWatch: the EMF documents the handlers flush (functions/shared/
 * observability.ts), kept for an hour in memory, summed per metric over a period — what the local
 * alarms and the ops console read.
 */
import type { MetricPoint } from '../../domain/operations/dashboard';
import type { EmfDocument } from '../../functions/shared/observability';

const KEEP_MS = 60 * 60_000;
/** At most this many points are held; past it the older half goes (a long soak records millions). */
export const MAX_POINTS = 50_000;
/** Points older than the hour go once the oldest is this much older still: each pruning removes a minute at least. */
const PRUNE_SLACK_MS = 60_000;

export class LocalMetrics {
  private points: MetricPoint[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(emf: EmfDocument): void {
    const aws = emf._aws as { Timestamp?: number; CloudWatchMetrics?: { Dimensions?: string[][]; Metrics?: { Name: string }[] }[] } | undefined;
    const at = this.now();
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      const dimensions = Object.fromEntries((directive.Dimensions ?? []).flat().map((d) => [d, String(emf[d] ?? '')]));
      for (const { Name } of directive.Metrics ?? []) {
        const raw = emf[Name];
        for (const value of Array.isArray(raw) ? raw : [raw]) if (typeof value === 'number') this.points.push({ at, name: Name, value, dimensions });
      }
    }
    // Pruned in steps, never on every record: a filter of 50,000 points per EMF document made a
    // soak's stack spend its CPU here once the hour held more than that.
    if (this.points[0] && this.points[0].at < at - KEEP_MS - PRUNE_SLACK_MS) this.points = this.points.filter((p) => p.at >= at - KEEP_MS);
    if (this.points.length > MAX_POINTS) this.points = this.points.slice(this.points.length - MAX_POINTS / 2);
  }

  /** The sum of a metric over the last minutes; null when nothing was recorded. */
  sum(name: string, minutes: number): number | null {
    const since = this.now() - minutes * 60_000;
    const hits = this.points.filter((p) => p.name === name && p.at >= since);
    return hits.length ? hits.reduce((n, p) => n + p.value, 0) : null;
  }

  /** Points of some metrics since an instant (the ops console's charts). */
  since(at: number, names?: readonly string[]): MetricPoint[] {
    return this.points.filter((p) => p.at >= at && (!names || names.includes(p.name)));
  }
}
