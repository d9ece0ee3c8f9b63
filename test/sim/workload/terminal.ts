/**
 * What terminals send (PAY-01…12, TIME-01…03, §4.7): payments, session tags, offline batches,
 * races on one card and same-day cancels, each answer checked against the auditor.
 */
import { at } from '../calendar';
import { type ModelPayment, type PaymentRequestBody, type TagBody } from '../model';
import { Rng } from '../rng';
import { type SimContract, type SimTerminal } from '../world';
import type { SimContext } from '../context';

export async function pay(sim: SimContext, t: SimTerminal & { businessNumber: string }, body: PaymentRequestBody, hhmm: string): Promise<void> {
  // Planned before a feed said the person died or left: not sent.
  if (sim.isGone(body)) return sim.count('payment not sent (person gone)');
  sim.count(`payment ${body.kind}${body.amount === null ? ' (time)' : ''}`);
  const now = at(sim.today, hhmm);
  const expected = sim.auditor.expectPayment(t.serial, body, now);
  await sim.driver.setNow(now);
  const answer = await sim.driver.terminal(t, 'POST', '/v1/terminal/payments', body, new Date(now));
  if (!sim.compare(`payment ${body.transactionId} ${body.kind}`, expected, answer)) return;
  sim.tally(expected);
  sim.auditor.paymentAnswered(t.serial, body, now, expected, answer);
}

export async function tagStart(sim: SimContext, t: SimTerminal & { businessNumber: string }, body: TagBody, hhmm: string): Promise<void> {
  if (sim.gone.has(`r|${sim.cardOwner.get(body.cardNumber!)}`) || sim.gone.has(`w|${body.workerPaymentId}`)) return sim.count('session not started (person gone)');
  sim.count('session start');
  const now = at(sim.today, hhmm);
  const expected = sim.auditor.expectStart(t.serial, body, now);
  await sim.driver.setNow(now);
  const answer = await sim.driver.terminal(t, 'POST', '/v1/terminal/sessions/start', body, new Date(now));
  if (!sim.compare(`session start ${body.transactionId}`, expected, answer)) return;
  sim.tally(expected);
  sim.auditor.started(t.serial, body, now, expected, answer);
  if (expected.status === 201) sim.sessionOf.set(body.transactionId, answer.body.sessionId);
}

export async function tagEnd(sim: SimContext, t: SimTerminal & { businessNumber: string }, startTransactionId: string, body: TagBody, hhmm: string): Promise<void> {
  const sessionId = sim.sessionOf.get(startTransactionId);
  if (!sessionId) return;
  sim.count('session end');
  const now = at(sim.today, hhmm);
  const expected = sim.auditor.expectEnd(t.serial, sessionId, body, now);
  await sim.driver.setNow(now);
  const answer = await sim.driver.terminal(t, 'POST', `/v1/terminal/sessions/${sessionId}/end`, body, new Date(now));
  if (!sim.compare(`session end ${sessionId}`, expected, answer)) return;
  if (expected.status === 201) sim.approved++;
  else if (expected.code) sim.refused[expected.code] = (sim.refused[expected.code] ?? 0) + 1;
  sim.auditor.ended(t.serial, sessionId, body, now, expected, answer);
}

export async function batch(sim: SimContext, t: SimTerminal & { businessNumber: string }, all: PaymentRequestBody[], hhmm: string): Promise<void> {
  const items = all.filter((i) => !sim.isGone(i));
  if (items.length === 0) return;
  sim.count('offline batch');
  const now = at(sim.today, hhmm);
  const answer = await sim.driver.terminal(t, 'POST', '/v1/terminal/payments/batch', { items }, new Date(now));
  if (answer.status !== 207) return sim.fail(`batch ${items[0]!.transactionId}`, { status: 207 }, answer);
  for (const [i, item] of items.entries()) {
    const result = answer.body.results[i];
    if (result?.transactionId !== item.transactionId) return sim.fail(`batch item ${i}`, { transactionId: item.transactionId }, result);
    // Items are decided as if sent alone, in order: an item's expectation sees the ones before it.
    const e = sim.auditor.expectPayment(t.serial, item, now);
    if (!sim.compare(`batch item ${item.transactionId}`, e, { status: result.status, body: result.body })) return;
    sim.tally(e);
    sim.auditor.paymentAnswered(t.serial, item, now, e, { status: result.status, body: result.body });
  }
}

export async function concurrent(sim: SimContext, c: SimContract, bodies: PaymentRequestBody[], hhmm: string): Promise<void> {
  if (bodies.some((b) => sim.isGone(b))) return sim.count('payment not sent (person gone)');
  sim.count('concurrent group');
  const now = at(sim.today, hhmm);
  const terminals = bodies.map((b) => sim.world.terminals.find((t) => t.phone === b.terminalPhone)!);
  const first = sim.auditor.expectPayment(terminals[0]!.serial, bodies[0]!, now);
  const answers = await sim.driver.concurrently(() => Promise.all(bodies.map((b, i) => sim.driver.terminal({ ...terminals[i]!, businessNumber: b.businessNumber }, 'POST', '/v1/terminal/payments', b, new Date(now)))));
  const winners = answers.filter((a) => a.status === 201);
  // PAY-05/08: at most one normal payment per card, service and day, however many race for it.
  if (first.status === 201) {
    if (winners.length !== 1) return sim.fail(`concurrent ${c.recipientId}`, { approved: 1 }, answers.map((a) => a.body));
  }
  // The others are refused by what the winner took (its day, or its last session), as the auditor says below.
  // The winner first: the others are then refused by the day it took.
  const order = [...bodies.keys()].sort((a, b) => Number(answers[b]!.status === 201) - Number(answers[a]!.status === 201));
  for (const i of order) {
    const b = bodies[i]!;
    const e = sim.auditor.expectPayment(terminals[i]!.serial, b, now);
    if (!sim.compare(`concurrent ${b.transactionId}`, e, answers[i]!)) return;
    sim.tally(e);
    sim.auditor.paymentAnswered(terminals[i]!.serial, b, now, e, answers[i]!);
  }
}

export async function cancels(sim: SimContext, rng: Rng): Promise<void> {
  const todays = [...sim.auditor.payments.values()].filter((p) => p.approvalDay === sim.today && p.status === 'APPROVED');
  const older = [...sim.auditor.payments.values()].filter((p) => p.approvalDay < sim.today && p.status === 'APPROVED');
  const chosen = [...rng.shuffle(todays).slice(0, Math.ceil(todays.length * 0.05)), ...(older.length && rng.chance(0.3) ? [rng.pick(older)] : [])];
  for (const p of chosen) {
    await cancel(sim, p, rng);
    if (rng.chance(0.1)) await cancel(sim, p, rng); // ALREADY_CANCELLED
    // PAY-06: a cancelled retroactive payment frees its service date for another one.
    if (p.kind === 'RETRO' && p.minutes === undefined && p.status === 'CANCELLED' && rng.chance(0.5)) {
      const c = sim.world.contracts.find((x) => x.recipientId === p.recipientId && x.serviceCode === p.serviceCode)!;
      const t = sim.terminalOf(p.providerId, rng);
      const body = sim.body(t, c, { workerPaymentId: p.workerPaymentId, serviceDate: p.serviceDate, serviceStartAt: p.serviceStartAt, kind: 'RETRO', reason: 'CARD_DAMAGED' });
      await pay(sim, t, body, '21:20');
    }
  }
}

export async function cancel(sim: SimContext, p: ModelPayment, rng: Rng): Promise<void> {
  sim.count('cancel');
  const t = sim.terminalOf(p.providerId, rng);
  const now = at(sim.today, '21:10');
  const expected = sim.auditor.expectCancel(p.providerId, p.approvalNumber, now);
  const body = { transactionId: `S${sim.options.seed}-${++sim.txn}`, businessNumber: t.businessNumber, terminalPhone: t.phone };
  await sim.driver.setNow(now);
  const answer = await sim.driver.terminal(t, 'POST', `/v1/terminal/payments/${p.approvalNumber}/cancel`, body, new Date(now));
  if (sim.compare(`cancel ${p.approvalNumber}`, expected, answer) && expected.status === 200) sim.auditor.cancelled(p.approvalNumber);
}
