/** What an operator reads and does (api.md "Operations"), personal data masked throughout. */
import { type Refusal, type Refused, refusalOf } from '../shared/result';
import { maskedBody } from './masking';
import type { DeadLetter, QueueOpsPort } from './ports';

export type OpsRefusal = Refused<'UNKNOWN_QUEUE', '§ops'>;
const refuse = refusalOf<OpsRefusal>();

export type MaskedDeadLetter = Omit<DeadLetter, 'body' | 'error'> & { error: string | null; body: unknown };

const known = (port: QueueOpsPort, queue: string): Refusal<OpsRefusal> | null =>
  port.names().includes(queue) ? null : refuse('UNKNOWN_QUEUE', '§ops', `no queue ${queue}; the queues are ${port.names().join(', ')}`);

/** A dead-letter queue's messages (left in it), bodies and errors masked. */
export async function deadLetterView(port: QueueOpsPort, queue: string, limit: number): Promise<{ ok: true; queue: string; items: MaskedDeadLetter[] } | Refusal<OpsRefusal>> {
  const unknown = known(port, queue);
  if (unknown) return unknown;
  const letters = await port.deadLetters(queue, limit);
  return { ok: true, queue, items: letters.map((l) => ({ ...l, error: l.error === null ? null : (maskedBody(l.error) as string), body: maskedBody(l.body) })) };
}

/** Moves a dead-letter queue's messages back to their queue (its consumer is idempotent: a message done twice changes nothing twice). */
export async function redriveQueue(port: QueueOpsPort, queue: string): Promise<{ ok: true; queue: string; moved: number } | Refusal<OpsRefusal>> {
  const unknown = known(port, queue);
  if (unknown) return unknown;
  return { ok: true, queue, moved: await port.redrive(queue) };
}
