/**
 * The shape every queue consumer shares: Powertools partial batch responses (a failed message is
 * reported alone, retried by the queue and finally dead-lettered; a batch where every message
 * failed is answered the same way, not as a function error), each failure logged with its
 * message id and receive count, and the invocation's metrics flushed. Each invocation has its own
 * batch processor: the processor holds the batch's records and failures, and invocations that
 * overlap in one process (the local stack runs a consumer several at a time) must never answer
 * with each other's (simulation seed 1: a failed message was deleted as done).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { noteFailure } from './dynamo/failure-notes';
import { flushMetrics, logger } from './observability';

export interface ConsumerOptions {
  afterBatch?: () => void;
  /**
   * The whole batch in one go (fewer writes); when it throws, each message is processed alone,
   * so a bad message still fails by itself. Only for steps where doing a message twice is safe.
   */
  processBatch?: (records: SQSRecord[]) => Promise<void>;
}

export function sqsConsumer(what: string, processRecord: (record: SQSRecord) => Promise<void>, options: ConsumerOptions = {}) {
  const { afterBatch, processBatch } = options;
  const logged = async (record: SQSRecord) => {
    try {
      await processRecord(record);
    } catch (error) {
      logger.error(`${what} message failed`, { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount, error: error as Error });
      // Shown with the dead letter, if it becomes one (ops-api).
      await noteFailure({ messageId: record.messageId, step: what, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), at: new Date().toISOString() }).catch(() => undefined);
      throw error;
    }
  };
  return async (event: SQSEvent, context: Context) => {
    logger.addContext(context);
    try {
      if (processBatch && event.Records.length > 1) {
        try {
          await processBatch(event.Records);
          return { batchItemFailures: [] };
        } catch (error) {
          logger.warn(`${what} batch failed as a whole; each message alone now`, { messages: event.Records.length, error: error as Error });
        }
      }
      return await processPartialResponse(event, logged, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
    } finally {
      afterBatch?.();
      flushMetrics();
    }
  };
}
