/**
 * Lambda's SQS event source mapping, locally: long-polls each consumed queue, invokes the
 * consumer with a batch, deletes what succeeded and leaves `batchItemFailures` (or the whole
 * batch, when the handler throws) to come back after the visibility timeout and, after
 * `maxReceiveCount` receives, to move to the DLQ.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { QUEUES, type QueueName } from '../system';
import { invoke } from './lambda';

const LOCAL_POLLERS_PER_QUEUE = 4;
/** How long a stop waits for the batches under way. */
const STOP_GRACE_MS = 1_500;
/** How soon a message a consumer failed is received again locally. */
const LOCAL_RETRY_DELAY_SECONDS = 1;

export class QueuePollers {
  private running = false;
  private busy = 0;
  private readonly paused = new Set<QueueName>();
  /** Receives (and their deliveries) under way per queue: a pause waits for them. */
  private readonly inFlight = new Map<QueueName, number>();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: Record<QueueName, string>,
    private readonly onError: (queue: string, error: unknown) => void,
  ) {}

  /** Queues that have a consumer: the ones that can ever become empty. */
  get consumed(): QueueName[] {
    return (Object.keys(QUEUES) as QueueName[]).filter((q) => QUEUES[q].consumer);
  }

  start(): void {
    this.running = true;
    for (const queue of this.consumed) {
      const n = Math.min(LOCAL_POLLERS_PER_QUEUE, QUEUES[queue].consumer!.maxConcurrency);
      for (let i = 0; i < n; i++) this.loops.push(this.loop(queue));
    }
  }

  /**
   * Stops receiving; batches under way get `graceMs` to finish. One that does not is left to fail
   * against the servers going down: its messages were not deleted, and what they would have done
   * is derived again (the outbox replays) or was done already (consumers are idempotent).
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.running = false;
    await Promise.race([Promise.all(this.loops), delay(graceMs, undefined, { ref: false })]);
    this.loops = [];
  }

  /**
   * Stops delivering one queue's messages (they wait in the queue) until `resume`; resolves once no
   * receive begun before the pause is still under way, so nothing sent after it is delivered.
   */
  async pause(queue: QueueName): Promise<void> {
    this.paused.add(queue);
    while ((this.inFlight.get(queue) ?? 0) > 0) await new Promise((r) => setTimeout(r, 20));
  }

  resume(queue: QueueName): void {
    this.paused.delete(queue);
  }

  isPaused(queue: string): boolean {
    return this.paused.has(queue as QueueName);
  }

  get idle(): boolean {
    return this.busy === 0;
  }

  /** Visible + in flight + delayed messages of every consumed queue. */
  async pending(): Promise<Record<string, number>> {
    const counted = await Promise.all(this.consumed.map(async (queue) => {
      const out = await this.sqs.send(new GetQueueAttributesCommand({
        QueueUrl: this.urls[queue],
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }));
      return [queue, Object.values(out.Attributes ?? {}).reduce((n, v) => n + Number(v), 0)] as const;
    }));
    return Object.fromEntries(counted);
  }

  private async loop(queue: QueueName): Promise<void> {
    while (this.running) {
      if (this.paused.has(queue)) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      let messages: Message[] = [];
      this.inFlight.set(queue, (this.inFlight.get(queue) ?? 0) + 1);
      try {
        messages = await this.receive(queue);
      } catch (error) {
        if (this.running) this.onError(queue, error);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      } finally {
        if (messages.length === 0) this.inFlight.set(queue, this.inFlight.get(queue)! - 1);
      }
      if (messages.length === 0) continue;
      this.busy++;
      try {
        await this.deliver(queue, messages);
      } catch (error) {
        if (this.running) this.onError(queue, error);
      } finally {
        this.busy--;
        this.inFlight.set(queue, this.inFlight.get(queue)! - 1);
      }
    }
  }

  private async receive(queue: QueueName): Promise<Message[]> {
    const out = await this.sqs.send(new ReceiveMessageCommand({
      QueueUrl: this.urls[queue],
      MaxNumberOfMessages: QUEUES[queue].consumer!.batchSize,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }));
    return out.Messages ?? [];
  }

  private async deliver(queue: QueueName, messages: Message[]): Promise<void> {
    const event = sqsEventOf(queue, messages);
    // A batch still running at half the visibility timeout keeps its messages invisible: they are
    // never received again while their first delivery is under way.
    const visibility = QUEUES[queue].visibilityTimeoutSeconds;
    const heartbeat = setInterval(() => void this.setVisibility(queue, messages, visibility).catch((error) => this.onError(queue, error)), (visibility * 1000) / 2);
    try {
      await this.invokeAndSettle(queue, messages, event);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async setVisibility(queue: QueueName, messages: Message[], seconds: number): Promise<void> {
    if (messages.length === 0) return;
    await this.sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: this.urls[queue],
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: seconds })),
    }));
  }

  private async invokeAndSettle(queue: QueueName, messages: Message[], event: SQSEvent): Promise<void> {
    let failed = new Set<string>();
    try {
      const result = (await invoke(QUEUES[queue].consumer!.function, event)) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // A thrown invocation fails the whole batch, as in Lambda.
      if (this.running) this.onError(queue, error);
      await this.setVisibility(queue, messages, LOCAL_RETRY_DELAY_SECONDS);
      return;
    }
    // A failed message comes back after a second here, not after the whole visibility timeout as
    // in AWS: the local stack's retries (and the tests that wait for them) take seconds.
    await this.setVisibility(queue, messages.filter((m) => failed.has(m.MessageId!)), LOCAL_RETRY_DELAY_SECONDS);
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length > 0) {
      await this.sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: this.urls[queue],
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }));
    }
  }
}

/** The SQS event Lambda's event source mapping hands its function: attributes and message attributes as Lambda spells them. */
export function sqsEventOf(queue: string, messages: Message[]): SQSEvent {
  const arn = `arn:aws:sqs:ap-northeast-2:000000000000:${queue}`;
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [
          name,
          {
            dataType: a.DataType ?? 'String',
            ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
            ...(a.BinaryValue !== undefined ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') } : {}),
            stringListValues: a.StringListValues ?? [],
            binaryListValues: (a.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
          },
        ]),
      ),
      md5OfBody: m.MD5OfBody ?? '',
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: 'ap-northeast-2',
    })),
  };
}
