/**
 * The simulation's own parts, without a stack: the seed decides everything it generates, the
 * auditor's calendar agrees with domain.md's worked examples, fault decisions are a function of
 * the seed and the call, the auditor predicts answers from the spec, and shrinking keeps the
 * smallest options that still fail.
 */
import { describe, expect, it } from 'vitest';
import { cycleOf, isBusinessDay } from './calendar';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { dynamoContent, Faults } from './faults';
import { actionable, Auditor } from './model';
import { Rng } from './rng';
import { startOf, type SimOptions, type SimSummary } from './run';
import { shrink } from './shrink';
import { buildWorld, importDocumentOf, service, sizeOf } from './world';

describe('simulation: one seed, one run', () => {
  it('the same seed builds the same world, record for record; another seed another', () => {
    const world = (seed: number) => JSON.stringify(importDocumentOf(buildWorld(new Rng(seed, 'world'), sizeOf(1), '2026-03-01', '2026-03-31')));
    expect(world(7)).toBe(world(7));
    expect(world(7)).not.toBe(world(8));
  });

  it('the issue\'s floor at scale 1: ≥ 20 providers, ≥ 500 recipients, ≥ 100 workers, several municipalities', () => {
    const w = buildWorld(new Rng(1, 'world'), sizeOf(1), '2026-03-01', '2026-03-31');
    expect(w.providers.length).toBeGreaterThanOrEqual(20);
    expect(w.recipients.length).toBeGreaterThanOrEqual(500);
    expect(w.workers.length).toBeGreaterThanOrEqual(100);
    expect(w.municipalities.length).toBeGreaterThanOrEqual(3);
    expect(new Set(w.deposits.map((d) => (d.initial === 0 ? 'empty' : d.topUp ? 'topped-up' : 'funded'))).size).toBeGreaterThan(1);
  });

  it('a forked stream depends on the seed and its label only, not on what was drawn before', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    b.int(0, 100);
    expect(a.fork('day 2026-03-10').int(0, 1e9)).toBe(b.fork('day 2026-03-10').int(0, 1e9));
  });

  it('runs start on the 1st or the 21st of a month and end inside the holiday data (2026–2027)', () => {
    for (let seed = 0; seed < 200; seed++) {
      const start = startOf(seed, 120);
      expect(start).toMatch(/^202[67]-\d\d-(01|21)$/);
      expect(start >= '2026-02-01' && start <= '2027-06-21').toBe(true);
    }
  });
});

describe('simulation: the auditor\'s calendar (PO-01, from the spec, not from domain/)', () => {
  it('PO-01 a pay day on a Saturday moves to Friday: the 25 October 2025 payout was paid on the 24th', () => {
    expect(cycleOf('2025-10-15')).toMatchObject({ cycle: '2025-10-2', payDay: '2025-10-24', moved: false });
  });

  it('PO-01 too close to close: 21–30 April 2026 is paid on Wednesday 6 May as cycle 2026-04-3', () => {
    expect(cycleOf('2026-04-25')).toMatchObject({ cycle: '2026-04-3', runDay: '2026-05-01', payDay: '2026-05-06', moved: true });
  });

  it('business days: not weekends, public holidays or Labor Day', () => {
    expect(isBusinessDay('2026-05-01')).toBe(false);
    expect(isBusinessDay('2026-05-05')).toBe(false);
    expect(isBusinessDay('2026-05-04')).toBe(true);
    expect(isBusinessDay('2026-03-14')).toBe(false);
  });
});

describe('simulation: faults', () => {
  it('whether a call is hit depends on the seed, the content and how often it was sent, nothing else', () => {
    const decide = (seed: number) => {
      const f = new Faults(seed, { 'dynamodb.throttle': 0.3 });
      f.enabled = true;
      return Array.from({ length: 50 }, (_, i) => f.hits('dynamodb.throttle', `put ${i % 10}`));
    };
    expect(decide(1)).toEqual(decide(1));
    expect(decide(1)).not.toEqual(decide(2));
    const off = new Faults(1, { 'dynamodb.throttle': 1 });
    expect(off.hits('dynamodb.throttle', 'x')).toBe(false); // disabled during setup
  });

  it('an SQS message is delayed or resent by its queue name and body: not the local port, not how the sender batched it', async () => {
    const sent = async (port: number, batches: string[][]) => {
      const f = new Faults(5, { 'sqs.delay': 0.5, 'sqs.duplicate': 0.5 });
      f.enabled = true;
      const sqs = new SQSClient({ region: 'ap-northeast-2', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      f.installSqs(sqs);
      const delivered: string[] = [];
      sqs.middlewareStack.add(
        () => async (args) => {
          for (const e of (args.input as { Entries: { MessageBody: string; DelaySeconds?: number }[] }).Entries) delivered.push(`${e.MessageBody}${e.DelaySeconds ? ' (delayed)' : ''}`);
          return { output: { Successful: [], Failed: [], $metadata: {} }, response: {} };
        },
        { step: 'initialize', priority: 'low', name: 'capture' },
      );
      for (const bodies of batches) {
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: `http://sqs.ap-northeast-2.localhost:${port}/000000000000/payments`, Entries: bodies.map((b, i) => ({ Id: `${i}`, MessageBody: b })) }));
      }
      return delivered.sort();
    };
    const bodies = Array.from({ length: 12 }, (_, i) => `{"paymentId":"P${i}"}`);
    const together = await sent(41881, [bodies]);
    expect(together.length).toBeGreaterThan(bodies.length); // some resent
    expect(together.some((b) => b.endsWith('(delayed)'))).toBe(true);
    expect(await sent(5000, [bodies.slice(0, 5), bodies.slice(5)])).toEqual(together);
  });

  it('a totals write is decided without its stream event id (the order concurrent writers committed in)', () => {
    const put = (eventId: string) => ({ TransactItems: [{ Put: { Item: { PK: `APPLIED#${eventId}`, SK: '#APPLIED' } } }] });
    expect(dynamoContent('TransactWriteItemsCommand', put('41'))).toBe(dynamoContent('TransactWriteItemsCommand', put('97')));
    expect(dynamoContent('PutItemCommand', { Item: { PK: 'PAY#1' } })).not.toBe(dynamoContent('PutItemCommand', { Item: { PK: 'PAY#2' } }));
  });

  it('the monthly generation run is never lost (no later run covers it); the others may be', () => {
    const f = new Faults(3, { 'schedule.skip': 1 });
    f.enabled = true;
    expect(f.schedule('voucher-generation', '2026-03-01T00:10:00+09:00')).toBe('fire');
    expect(f.schedule('payout-batch', '2026-03-11T01:00:00+09:00')).toBe('skip');
    expect(f.schedules.map((s) => s.delivery)).toEqual(['fire', 'skip']);
  });
});

describe('simulation: the auditor predicts answers from domain.md', () => {
  const world = buildWorld(new Rng(11, 'world'), sizeOf(0.1), '2026-03-01', '2026-03-31');
  const auditor = new Auditor(world);
  auditor.generate('2026-03');
  const c = world.contracts.find((x) => x.to === '2027-12-31')!;
  const t = world.terminals.find((x) => x.providerId === c.providerId)!;
  const provider = world.providers.find((p) => p.providerId === c.providerId)!;
  const worker = world.workers.find((w) => w.providerId === c.providerId)!;
  const card = world.recipients.find((r) => r.recipientId === c.recipientId)!.cardNumber;
  const per = auditor.voucher(c.recipientId, '2026-03', c.serviceCode)!.perSession;
  const body = (over: Record<string, unknown> = {}) => ({
    transactionId: `T-${Math.random()}`, businessNumber: provider.businessNumber, terminalPhone: t.phone, serviceCode: c.serviceCode, workerPaymentId: worker.workerPaymentId,
    cardNumber: card, amount: per, kind: 'NORMAL' as const, serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', reason: null, ...over,
  });

  it('PAY-04/05/01/06 each refusal by its rule; an approval with the voucher after it', () => {
    const now = '2026-03-10T14:05:00+09:00';
    expect(auditor.expectPayment(t.serial, body(), now)).toMatchObject({ status: 201, body: { amount: per, voucher: { month: '2026-03', remainingSessions: service(c.serviceCode).grades.find((g) => g.grade === c.grade)!.sessionsPerMonth - 1 } } });
    expect(auditor.expectPayment(t.serial, body({ amount: per + 1 }), now)).toMatchObject({ status: 422, code: 'AMOUNT_EXCEEDS_SESSION' });
    expect(auditor.expectPayment(t.serial, body({ serviceStartAt: '2026-03-10T15:00:00+09:00' }), now)).toMatchObject({ status: 422, code: 'OUTSIDE_PAYMENT_WINDOW' });
    expect(auditor.expectPayment(t.serial, body({ terminalPhone: '01000000000' }), now)).toMatchObject({ status: 422, code: 'TERMINAL_MISMATCH' });
    expect(auditor.expectPayment(t.serial, body({ kind: 'RETRO', serviceDate: '2026-03-09' }), now)).toMatchObject({ status: 422, code: 'REASON_REQUIRED' });
    expect(auditor.expectPayment(t.serial, body({ kind: 'RETRO', reason: 'CARD_LOST', serviceDate: '2026-01-09' }), now)).toMatchObject({ status: 422, code: 'RETRO_PERIOD_EXPIRED' });
  });

  it('REG-02/03/04 a registry change is refused by payments from its day: a worker terminated, a terminal cancelled, a service suspended', () => {
    // Each change on a world of its own, so that the other tests see the world as imported.
    const fresh = () => {
      const w = buildWorld(new Rng(11, 'world'), sizeOf(0.1), '2026-03-01', '2026-03-31');
      return { w, a: new Auditor(w), contract: w.contracts.find((x) => x.contractId === c.contractId)! };
    };
    const now = '2026-03-10T14:05:00+09:00';
    const programCode = service(c.serviceCode).programCode;
    {
      const { w, a } = fresh();
      a.generate('2026-03');
      w.workers.find((x) => x.workerId === worker.workerId)!.ended = { [programCode]: '2026-03-09' };
      expect(a.expectPayment(t.serial, body(), now)).toMatchObject({ status: 422, code: 'WORKER_NOT_ELIGIBLE' });
      // Its services up to the termination day are still paid after the fact.
      expect(a.expectPayment(t.serial, body({ kind: 'RETRO', reason: 'CARD_LOST', serviceDate: '2026-03-09', serviceStartAt: '2026-03-09T14:00:00+09:00' }), now)).toMatchObject({ status: 201 });
    }
    {
      const { w, a } = fresh();
      a.generate('2026-03');
      w.terminals.find((x) => x.serial === t.serial)!.cancelled = true;
      expect(a.expectPayment(t.serial, body(), now)).toMatchObject({ status: 422, code: 'TERMINAL_INACTIVE' });
    }
    {
      const { a, contract } = fresh();
      a.generate('2026-03');
      contract.suspensions = [{ from: '2026-03-10', to: null }];
      expect(a.expectPayment(t.serial, body(), now)).toMatchObject({ status: 422, code: 'NO_CONTRACT' });
      expect(a.expectPayment(t.serial, body({ kind: 'RETRO', reason: 'CARD_LOST', serviceDate: '2026-03-09', serviceStartAt: '2026-03-09T14:00:00+09:00' }), now)).toMatchObject({ status: 201 });
      // VCH-02: a month the suspension covers from its 1st has no voucher.
      a.generate('2026-04');
      expect(a.voucher(c.recipientId, '2026-04', c.serviceCode)).toBeUndefined();
    }
  });

  it('TIME-04 a retroactive time payment is billed by its times (amount null); over 8 hours, under one unit or a normal payment is refused; a claim bills the minutes', () => {
    const w = buildWorld(new Rng(11, 'world'), sizeOf(0.1), '2026-03-01', '2026-03-31');
    w.recipients.push({ recipientId: 'R99999', name: '김민수', rrn: '150402-3099999', municipalityCode: w.municipalities[0]!, cardNumber: '9410000000099999' });
    w.contracts.push({ contractId: 'C999990', recipientId: 'R99999', providerId: 'P0001', serviceCode: '310101', grade: '1', from: '2026-01-01', to: '2027-12-31' });
    const a = new Auditor(w);
    a.generate('2026-03');
    const p1 = w.providers.find((p) => p.providerId === 'P0001')!;
    const t1 = w.terminals.find((x) => x.providerId === 'P0001')!;
    const worker1 = w.workers.find((x) => x.providerId === 'P0001')!;
    const now = '2026-03-10T10:00:00+09:00';
    const retro = (startAt: string, endAt: string, over: Record<string, unknown> = {}) => ({
      transactionId: `TT-${startAt}-${endAt}`, businessNumber: p1.businessNumber, terminalPhone: t1.phone, serviceCode: '310101', workerPaymentId: worker1.workerPaymentId,
      cardNumber: '9410000000099999', amount: null, kind: 'RETRO' as const, serviceDate: '2026-03-09', serviceStartAt: startAt, serviceEndAt: endAt, reason: 'TERMINAL_BROKEN', ...over,
    });
    // Monday 9 March: 21:00–22:00 at the rate, 22:00–23:00 at 1.5× (TIME-02): 16,620 + 24,930.
    const paid = a.expectPayment(t1.serial, retro('2026-03-09T21:00:00+09:00', '2026-03-09T23:00:00+09:00'), now);
    expect(paid).toMatchObject({ status: 201, body: { amount: 41_550, minutes: 120, uncoveredAmount: 0, voucher: { remainingAmount: 830_000 - 41_550, remainingMinutes: 3_000 - 120 } } });
    expect(a.expectPayment(t1.serial, retro('2026-03-09T09:00:00+09:00', '2026-03-09T17:01:00+09:00'), now)).toMatchObject({ status: 422, code: 'USE_SERVICE_TIMES' });
    expect(a.expectPayment(t1.serial, retro('2026-03-09T09:00:00+09:00', '2026-03-09T09:14:00+09:00'), now)).toMatchObject({ status: 422, code: 'BELOW_ONE_UNIT' });
    expect(a.expectPayment(t1.serial, retro('2026-03-09T09:00:00+09:00', '2026-03-09T10:00:00+09:00', { amount: 16_620 }), now)).toMatchObject({ status: 422, code: 'USE_SERVICE_TIMES' });
    expect(a.expectPayment(t1.serial, retro('2026-03-10T09:00:00+09:00', '2026-03-10T10:00:00+09:00', { kind: 'NORMAL', reason: null, serviceDate: '2026-03-10', amount: 16_620 }), now)).toMatchObject({ status: 422, code: 'USE_SESSION_TAGS' });
    // The voucher takes the billed won and minutes.
    a.paymentAnswered(t1.serial, retro('2026-03-09T21:00:00+09:00', '2026-03-09T23:00:00+09:00'), now, paid, { status: 201, body: { approvalNumber: '26031000000009', approvedAt: now } });
    expect(a.voucher('R99999', '2026-03', '310101')).toMatchObject({ remaining: 830_000 - 41_550, minutesLeft: 3_000 - 120 });
    expect(a.payments.get('26031000000009')).toMatchObject({ amount: 41_550, minutes: 120, hold: null });
    // EXC-01 for a time program: the service's minutes at the rate (Sunday 1 March: all at 1.5×).
    const claim = { serviceCode: '310101', reason: 'CARD_LOST', reasonOccurredOn: '2026-02-28', recipientId: 'R99999', workerId: worker1.workerId, serviceDate: '2026-03-01', serviceStartAt: '2026-03-01T09:00:00+09:00', serviceEndAt: '2026-03-01T10:00:00+09:00' };
    expect(a.expectClaim('P0001', claim, now)).toMatchObject({ status: 201, body: { amount: 24_930 } });
    expect(a.expectClaim('P0001', { ...claim, serviceEndAt: '2026-03-01T09:10:00+09:00' }, now)).toMatchObject({ status: 422, code: 'BELOW_ONE_UNIT' });
  });

  it('PAY-09 a retry answers as the first time; the same id with another body is IDEMPOTENCY_CONFLICT', () => {
    const now = '2026-03-11T14:05:00+09:00';
    const b = body({ serviceDate: '2026-03-11', serviceStartAt: '2026-03-11T14:00:00+09:00' });
    const first = auditor.expectPayment(t.serial, b, now);
    auditor.paymentAnswered(t.serial, b, now, first, { status: 201, body: { approvalNumber: '26031100000001', approvedAt: now } });
    expect(auditor.expectPayment(t.serial, b, now)).toMatchObject({ status: 201, body: { approvalNumber: '26031100000001' } });
    expect(auditor.expectPayment(t.serial, { ...b, amount: b.amount - 1_000 }, now)).toMatchObject({ status: 409, code: 'IDEMPOTENCY_CONFLICT' });
    // PAY-05: the day is taken; PAY-10: cancelled the same day, it is free again.
    expect(auditor.expectPayment(t.serial, { ...b, transactionId: 'T-again' }, now)).toMatchObject({ status: 422, code: 'DAILY_LIMIT_REACHED' });
    expect(auditor.expectCancel(c.providerId, '26031100000001', '2026-03-11T21:00:00+09:00')).toMatchObject({ status: 200 });
    auditor.cancelled('26031100000001');
    expect(auditor.expectPayment(t.serial, { ...b, transactionId: 'T-after-cancel' }, now)).toMatchObject({ status: 201 });
    expect(auditor.expectCancel(c.providerId, '26031100000001', '2026-03-12T10:00:00+09:00')).toMatchObject({ status: 409, code: 'ALREADY_CANCELLED' });
  });

  it('seed 204: a refund asked for before a late feed held the payment voids that hold when approved (§5), as a cancel does', () => {
    const now = '2026-03-12T14:05:00+09:00';
    const b = body({ transactionId: 'T-204', serviceDate: '2026-03-12', serviceStartAt: '2026-03-12T14:00:00+09:00' });
    auditor.paymentAnswered(t.serial, b, now, auditor.expectPayment(t.serial, b, now), { status: 201, body: { approvalNumber: '26031200000204', approvedAt: now } });
    const p = auditor.payments.get('26031200000204')!;
    expect(auditor.expectRefundRequest(c.providerId, p.approvalNumber, '2026-03-13T11:00:00+09:00')).toMatchObject({ status: 201 });
    p.refund = { refundId: 'R-204', state: 'REQUESTED' };
    p.hold = { holdId: `H${p.approvalNumber}-SCR04`, ruleId: 'SCR-04', state: 'OPEN', raisedOn: '2026-03-13' };
    auditor.refundDecided(p.approvalNumber, true, '2026-03-14T11:00:00+09:00');
    expect(p).toMatchObject({ status: 'REFUNDED', hold: null });
  });

  it('seed 208: a hold a late feed raised today cannot be acted on until the day is drained; a hold from before can', () => {
    const p = { hold: { holdId: 'H1-SCR03', ruleId: 'SCR-03', state: 'OPEN', raisedOn: '2026-06-22' } } as never;
    expect(actionable(p, '2026-06-22')).toBe(false);
    expect(actionable(p, '2026-06-23')).toBe(true);
    expect(actionable({ hold: { holdId: 'H1-SCR02', ruleId: 'SCR-02', state: 'OPEN' } } as never, '2026-06-22')).toBe(true);
    expect(actionable({ hold: { holdId: 'H1-SCR02', ruleId: 'SCR-02', state: 'PAY' } } as never, '2026-06-23')).toBe(false);
  });
});

describe('simulation: shrinking', () => {
  it('keeps the fewest days, then providers, then recipients that still fail', async () => {
    const summary = (o: SimOptions, failing: boolean): SimSummary => ({
      seed: o.seed, store: 'dynamodb', firstDay: '2026-03-01', lastDay: '2026-03-20', days: o.days, providers: o.keep?.providers ?? 20, recipients: o.keep?.recipients ?? 500, workers: 0,
      requests: {}, payments: { approved: 0, refused: {} }, faults: {} as SimSummary['faults'], traceDigest: '', wallMs: 0,
      disagreements: failing ? [{ day: '2026-03-05', step: 'x', expected: 1, actual: 2 }] : [],
    });
    // Fails while at least 5 providers and 100 recipients are kept.
    const run = async (o: SimOptions) => summary(o, (o.keep?.providers ?? 20) >= 5 && (o.keep?.recipients ?? 500) >= 100);
    const options: SimOptions = { seed: 9, days: 20, scale: 1, store: 'dynamodb' };
    const best = await shrink(options, summary(options, true), run, undefined, 30);
    expect(best.options).toMatchObject({ days: 5, start: '2026-03-01', keep: { providers: 5, recipients: 125 } });
  });
});
