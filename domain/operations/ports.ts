/**
 * Operations (api.md "Operations"): what an operator reads of the queues, their dead letters and
 * the alarms, and the one thing they change — moving dead letters back to their queue. Role `ops`
 * sees no personal data: message bodies come masked (masking.ts).
 */

/** A queue between two steps and its dead-letter queue. */
export interface QueueStatus {
  queue: string;
  /** Messages waiting. */
  depth: number;
  /** Messages received and not yet deleted or returned. */
  inFlight: number;
  /** Age of the oldest waiting message in seconds; null when none waits (or the queue does not say). */
  oldestAgeSeconds: number | null;
  deadLetters: number;
}

/** A message in a dead-letter queue, as the queue gives it (body not yet masked). */
export interface DeadLetter {
  messageId: string;
  receiveCount: number;
  sentAt: string | null;
  firstReceivedAt: string | null;
  /** When a consumer last failed on it, and how (from the consumers' failure notes), if known. */
  lastFailedAt: string | null;
  error: string | null;
  body: string;
}

export interface QueueOpsPort {
  queues(): Promise<QueueStatus[]>;
  /** Up to `limit` messages of a queue's dead-letter queue, left in it. */
  deadLetters(queue: string, limit: number): Promise<DeadLetter[]>;
  /** Moves every message of the dead-letter queue back to its queue; how many moved. */
  redrive(queue: string): Promise<number>;
  /** The queues there are. */
  names(): readonly string[];
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmState {
  name: string;
  description: string;
  state: AlarmStateValue;
  /** Why it is in that state, in words. */
  reason: string;
  since: string | null;
}

export interface AlarmPort {
  alarms(): Promise<AlarmState[]>;
}
