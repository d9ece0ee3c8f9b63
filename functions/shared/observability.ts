/**
 * Structured JSON logs and CloudWatch Embedded Metric Format metrics (Powertools). Nothing
 * personal is ever logged: log ids (recipientId, workerId), never names, RRNs or card numbers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'voucher-platform' });
export const metrics = new Metrics({ namespace: 'VoucherPlatform', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'voucher-platform' });

/**
 * Flushes this invocation's metrics. The local stack runs invocations of one function
 * concurrently in one process, where another may already have flushed the shared buffer.
 */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
