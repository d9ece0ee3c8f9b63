/**
 * Operations on the queues through SQS (the same calls on fauxqs): depths from the queue
 * attributes, dead letters peeked (received and made visible again at once, so they stay), and a
 * redrive that moves each dead letter back to its queue — sent first, then deleted, so a redrive
 * cut off halfway duplicates a message at worst, never loses one (every consumer is idempotent).
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { DeadLetter, QueueOpsPort, QueueStatus } from '../../../domain/operations/ports';
import { config, dlqUrl, queueUrl } from '../config';
import { dynamoTable } from '../dynamo/client';
import { failureNotes } from '../dynamo/failure-notes';
import { sqsClient } from '../sqs';

const instant = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);

export class SqsQueueOps implements QueueOpsPort {
  /** The age of a queue's oldest message, where something measures it (CloudWatch in AWS). */
  constructor(private readonly ages?: (queue: string) => Promise<number | null>) {}

  names(): readonly string[] {
    return (config().OPS_QUEUES ?? '').split(',').filter(Boolean);
  }

  async queues(): Promise<QueueStatus[]> {
    return Promise.all(this.names().map(async (queue) => {
      const [main, dlq] = await Promise.all([this.attributes(queueUrl(queue)), this.attributes(dlqUrl(queue))]);
      const depth = Number(main.ApproximateNumberOfMessages ?? 0);
      // SQS has no attribute for the oldest message's age (CloudWatch has it as a metric).
      const oldest = depth === 0 ? null : ((await this.ages?.(queue)) ?? null);
      return { queue, depth, inFlight: Number(main.ApproximateNumberOfMessagesNotVisible ?? 0), oldestAgeSeconds: oldest, deadLetters: Number(dlq.ApproximateNumberOfMessages ?? 0) };
    }));
  }

  async deadLetters(queue: string, limit: number): Promise<DeadLetter[]> {
    const dead = dlqUrl(queue);
    const seen = new Map<string, Message>();
    // Received with a visibility long enough to see each once, then made visible again.
    for (let round = 0; seen.size < limit && round < Math.ceil(limit / 10) + 2; round++) {
      const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: dead, MaxNumberOfMessages: Math.min(10, limit - seen.size), VisibilityTimeout: 30, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }));
      const got = out.Messages ?? [];
      if (!got.length) break;
      for (const m of got) seen.set(m.MessageId!, m);
    }
    const messages = [...seen.values()];
    await this.release(dead, messages);
    const notes = await failureNotes(dynamoTable(), messages.map((m) => m.MessageId!));
    return messages.map((m) => {
      const note = notes.get(m.MessageId!);
      return {
        messageId: m.MessageId!, receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0), sentAt: instant(m.Attributes?.SentTimestamp), firstReceivedAt: instant(m.Attributes?.ApproximateFirstReceiveTimestamp),
        lastFailedAt: note?.at ?? null, error: note ? `${note.step}: ${note.error}` : null, body: m.Body ?? '',
      };
    });
  }

  async redrive(queue: string): Promise<number> {
    const dead = dlqUrl(queue);
    const target = queueUrl(queue);
    let moved = 0;
    for (;;) {
      const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: dead, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0 }));
      const got = out.Messages ?? [];
      if (!got.length) return moved;
      const sent = await sqsClient().send(new SendMessageBatchCommand({ QueueUrl: target, Entries: got.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })) }));
      const ok = new Set((sent.Successful ?? []).map((s) => Number(s.Id)));
      const done = got.filter((_, i) => ok.has(i));
      if (done.length) await sqsClient().send(new DeleteMessageBatchCommand({ QueueUrl: dead, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      moved += done.length;
      if (done.length < got.length) throw new Error(`${got.length - done.length} dead letters of ${queue} could not be sent back; ${moved} moved so far`);
    }
  }

  private async attributes(queueUrl: string) {
    const out = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    return out.Attributes ?? {};
  }


  private async release(queueUrl: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      await sqsClient().send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }));
    }
  }
}
