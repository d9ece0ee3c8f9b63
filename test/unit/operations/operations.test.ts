/** Operations: dead letters masked for role ops, redrive of a known queue only, alarms evaluated from readings. */
import { describe, expect, it } from 'vitest';
import { evaluateAlarms, type AlarmSpec } from '../../../domain/operations/alarms';
import { maskedBody, maskText } from '../../../domain/operations/masking';
import type { DeadLetter, QueueOpsPort, QueueStatus } from '../../../domain/operations/ports';
import { deadLetterView, redriveQueue } from '../../../domain/operations/views';

/** The queues in memory: a dead-letter queue per queue; a redrive moves its messages back. */
class InMemoryQueueOps implements QueueOpsPort {
  readonly waiting = new Map<string, string[]>([['screening', []], ['settlement', []]]);
  readonly dead = new Map<string, DeadLetter[]>([['screening', []], ['settlement', []]]);
  names() {
    return [...this.waiting.keys()];
  }
  async queues(): Promise<QueueStatus[]> {
    return this.names().map((queue) => ({ queue, depth: this.waiting.get(queue)!.length, inFlight: 0, oldestAgeSeconds: null, deadLetters: this.dead.get(queue)!.length }));
  }
  async deadLetters(queue: string, limit: number) {
    return this.dead.get(queue)!.slice(0, limit);
  }
  async redrive(queue: string) {
    const letters = this.dead.get(queue)!.splice(0);
    this.waiting.get(queue)!.push(...letters.map((l) => l.body));
    return letters.length;
  }
}

const letter = (body: string, error: string | null = null): DeadLetter => ({ messageId: `m-${body.length}`, receiveCount: 5, sentAt: null, firstReceivedAt: null, lastFailedAt: null, error, body });

describe('§8 no personal data for operators', () => {
  it('masks card and account numbers, RRNs, names, phones and addresses by field, and by shape in any text', () => {
    const body = JSON.stringify({ cardNumber: '9410123456789012', payee: { accountNumber: '12345678901234', holder: '행복돌봄센터' }, people: [{ name: '홍길동', rrn: '8001011234567', phone: '010-1234-5678', address: '서울시 종로구 1' }], note: 'card 9410-1234-5678-9012, rrn 800101-1234567, call 01012345678', amount: 36_000, recipientId: 'R0001' });
    const masked = maskedBody(body) as Record<string, any>;
    expect(masked.cardNumber).toBe('9410********9012');
    expect(masked.payee).toEqual({ accountNumber: '**********1234', holder: '행****터' });
    expect(masked.people[0]).toEqual({ name: '홍*동', rrn: '******-*******', phone: '***-****-****', address: '***' });
    expect(masked.note).toBe('card 9410********9012, rrn ******-*******, call ***-****-****');
    expect(masked).toMatchObject({ amount: 36_000, recipientId: 'R0001' });
    expect(maskedBody('not json 8001011234567')).toBe('not json ******-*******');
    expect(maskText('approval 26031000000001 of 36000')).toBe('approval 26031000000001 of 36000');
  });

  it('a dead-letter queue\'s messages come masked, errors too; an unknown queue is refused', async () => {
    const port = new InMemoryQueueOps();
    port.dead.get('screening')!.push(letter('{"cardNumber":"9410123456789012"}', 'fraud-screening: no voucher for card 9410123456789012'));
    const view = await deadLetterView(port, 'screening', 10);
    expect(view.ok && view.items).toEqual([expect.objectContaining({ body: { cardNumber: '9410********9012' }, error: 'fraud-screening: no voucher for card 9410********9012', receiveCount: 5 })]);
    expect(await deadLetterView(port, 'nowhere', 10)).toMatchObject({ ok: false, refusal: { code: 'UNKNOWN_QUEUE' } });
    port.dead.get('settlement')!.push(letter('plain text, no error noted'));
    expect((await deadLetterView(port, 'settlement', 10)).ok && (await deadLetterView(port, 'settlement', 10) as { items: unknown[] }).items).toEqual([expect.objectContaining({ error: null, body: 'plain text, no error noted' })]);
    expect(maskedBody(JSON.stringify({ tags: ['9410123456789012', 7], cardNumber: null, name: 'A' }))).toEqual({ tags: ['9410********9012', 7], cardNumber: null, name: '*' });
  });

  it('a redrive moves a dead-letter queue\'s messages back to their queue, once', async () => {
    const port = new InMemoryQueueOps();
    port.dead.get('settlement')!.push(letter('{"a":1}'), letter('{"bb":2}'));
    expect(await redriveQueue(port, 'settlement')).toEqual({ ok: true, queue: 'settlement', moved: 2 });
    expect(await redriveQueue(port, 'settlement')).toEqual({ ok: true, queue: 'settlement', moved: 0 });
    expect(port.waiting.get('settlement')).toHaveLength(2);
    expect(await redriveQueue(port, 'nowhere')).toMatchObject({ ok: false, refusal: { code: 'UNKNOWN_QUEUE', rule: '§ops' } });
  });
});

describe('alarms', () => {
  const specs: AlarmSpec[] = [
    { name: 'screening-dlq-depth', kind: 'dlq-depth', queue: 'screening', description: 'd' },
    { name: 'screening-age', kind: 'queue-age', queue: 'screening', maxAgeSeconds: 60, description: 'a' },
    { name: 'CmsCutoffMissed', kind: 'metric', metricName: 'CmsCutoffMissed', service: 'cms-transmit', periodMinutes: 5, description: 'm' },
    { name: 'gone-dlq-depth', kind: 'dlq-depth', queue: 'gone', description: 'g' },
  ];
  it('a dead letter, an old message or a counted event in the period is ALARM; otherwise OK; a missing queue has no data', () => {
    const quiet = evaluateAlarms(specs, { queues: [{ queue: 'screening', depth: 0, inFlight: 0, oldestAgeSeconds: null, deadLetters: 0 }], metricSum: () => null });
    expect(quiet.map((a) => a.state)).toEqual(['OK', 'OK', 'OK', 'INSUFFICIENT_DATA']);
    const loud = evaluateAlarms(specs, { queues: [{ queue: 'screening', depth: 9, inFlight: 1, oldestAgeSeconds: 61, deadLetters: 2 }], metricSum: (name, service, minutes) => (name === 'CmsCutoffMissed' && service === 'cms-transmit' && minutes === 5 ? 1 : null) });
    expect(loud.map((a) => a.state)).toEqual(['ALARM', 'ALARM', 'ALARM', 'INSUFFICIENT_DATA']);
    expect(loud[1]!.reason).toBe('oldest message of screening is 61 s old (threshold: 60 s)');
  });
});
