/**
 * Structured JSON logs and CloudWatch Embedded Metric Format metrics (Powertools). Nothing
 * personal is ever logged: log ids (recipientId, workerId), never names, RRNs or card numbers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'voucher-platform' });
export const metrics = new Metrics({ namespace: 'VoucherPlatform', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'voucher-platform' });

/**
 * Flushes this invocation's metrics. The local stack runs invocations of one function
 * concurrently in one process, where another may already have flushed the shared buffer.
 */
export function flushMetrics(): void {
  if (!metrics.hasStoredMetrics()) return;
  // Locally the same EMF document also goes to the local stack's metrics (its ops console and alarms).
  if (metricsSink) metricsSink(metrics.serializeMetrics() as unknown as Record<string, unknown>);
  metrics.publishStoredMetrics();
}

/** An EMF document as Lambda would write it to its log. */
export type EmfDocument = Record<string, unknown>;
let metricsSink: ((emf: EmfDocument) => void) | undefined;

/** The local stack receives every flushed EMF document (never set in Lambda). */
export function setMetricsSink(sink: ((emf: EmfDocument) => void) | undefined): void {
  metricsSink = sink;
}

/**
 * Metrics with their own dimensions (a refusal by its code, a rule's counts), written at once
 * (Powertools' single metric: an EMF line each); locally they reach the local stack's metrics too.
 */
export function addDimensionedMetrics(unit: MetricUnit, values: Record<string, number>, dimensions: Record<string, string>): void {
  const single = metrics.singleMetric();
  for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
  metricsSink?.({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'VoucherPlatform', Dimensions: [Object.keys(dimensions)], Metrics: Object.keys(values).map((Name) => ({ Name, Unit: unit })) }] }, ...dimensions, ...values });
  for (const [name, value] of Object.entries(values)) single.addMetric(name, unit, value);
}

export const addDimensionedMetric = (name: string, unit: MetricUnit, value: number, dimensions: Record<string, string>): void => addDimensionedMetrics(unit, { [name]: value }, dimensions);
