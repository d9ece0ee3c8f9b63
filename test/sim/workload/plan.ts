/**
 * The day's workload (issue 12 §2): what the seed and the day choose to happen, each act at its
 * minute of the simulated day.
 */
import { addDays, addMonths, at, isBusinessDay, lastDayOfMonth } from '../calendar';
import { type PaymentRequestBody, RETRO_REASONS } from '../model';
import { Rng } from '../rng';
import { isTimeService, runsOn, suspendedOn, workerEligible } from '../world';
import { minutes, type SimContext } from '../context';
import { batch, cancels, concurrent, pay, tagEnd, tagStart } from './terminal';
import { decideClaims, deposit, fileClaim, lateFeed, manualHold, refunds, reviews, submissions, withdrawals } from './office';
import { changeAccount, endContract, replaceCard, replaceTerminal, reregisterTerminal, suspendService, terminateWorker } from './registry';

export interface Action {
  at: string;
  step: string;
  run: () => Promise<void>;
}

export function plan(sim: SimContext, day: string): Action[] {
  const rng = new Rng(sim.options.seed, `day ${day}`);
  const actions: Action[] = [];
  const business = isBusinessDay(day);
  const month = day.slice(0, 7);
  // The day's registry changes first: the workload then leaves out what they take away.
  actions.push(...registryChanges(sim, rng.fork('registry'), day));
  for (const c of sim.world.contracts) {
    const v = sim.auditor.voucher(c.recipientId, month, c.serviceCode);
    if (!v || v.sessionsLeft === 0) continue;
    // REG-04: a suspended service is not delivered; on its first day the provider tries once (PAY-03 refuses).
    if (suspendedOn(c, day)) {
      const t = sim.terminalOf(c.providerId, rng);
      const worker = sim.workersFor(c)[0];
      if (worker && c.suspensions!.some((x) => x.from === day) && rng.chance(0.5)) {
        const body = sim.body(t, c, { workerPaymentId: worker.workerPaymentId, serviceStartAt: at(day, '10:00') });
        actions.push({ at: '09:50', step: `suspended ${body.transactionId}`, run: () => pay(sim, t, body, '09:50') });
      }
      continue;
    }
    if (!rng.chance((business ? 1.1 : 0.3) * v.sessions / 22)) continue;
    const card = sim.cardOf(c.recipientId);
    const slot = sim.slotFor(rng, c, day, card);
    if (!slot) continue;
    const t = sim.terminalOf(c.providerId, rng);
    const roll = rng.float();
    // Most pay a whole session within the window; some are early, less, more, or malformed.
    const start = slot.slot;
    let now = minutes(start, rng.int(-25, 50));
    const over: Partial<PaymentRequestBody> = { workerPaymentId: slot.workerPaymentId, serviceStartAt: at(day, start) };
    if (roll < 0.04 && start !== '10:00') now = minutes(start, -rng.int(40, 90)); // PAY-05: too early
    else if (roll < 0.08) over.amount = v.perSession - 1_000 * rng.int(1, 5);
    else if (roll < 0.1) over.amount = v.perSession + 1_000; // PAY-04
    else if (roll < 0.11) over.terminalPhone = '01099999999'; // PAY-01
    else if (roll < 0.12) over.workerPaymentId = rng.pick(sim.world.workers.filter((w) => w.providerId !== c.providerId)).workerPaymentId; // PAY-02
    const body = sim.body(t, c, over);
    actions.push({ at: now, step: `pay ${body.transactionId}`, run: () => pay(sim, t, body, now) });
    // PAY-09: a terminal that sends the same request again, or reuses the id for another.
    if (rng.chance(0.03)) actions.push({ at: minutes(now, 1), step: `replay ${body.transactionId}`, run: () => pay(sim, t, body, minutes(now, 1)) });
    if (rng.chance(0.01)) actions.push({ at: minutes(now, 2), step: `conflict ${body.transactionId}`, run: () => pay(sim, t, { ...body, amount: body.amount! - 1_000 }, minutes(now, 2)) });
    // PAY-05: a second normal payment of the day for the same card and service.
    if (rng.chance(0.02)) {
      const again = { ...sim.body(t, c, over), transactionId: `S${sim.options.seed}-${++sim.txn}` };
      actions.push({ at: minutes(now, 3), step: `second ${again.transactionId}`, run: () => pay(sim, t, again, minutes(now, 3)) });
    }
  }
  // §4.6 TIME-01…03: activity support sessions tagged at start and end (a few under one unit,
  // a few forgotten until they expire, a few started by a second worker while the card is busy).
  for (const c of sim.world.contracts.filter((x) => isTimeService(x.serviceCode) && !suspendedOn(x, day))) {
    const v = sim.auditor.voucher(c.recipientId, month, c.serviceCode);
    if (!v || (v.minutesLeft ?? 0) < 15 || !rng.chance(business ? 0.5 : 0.2)) continue;
    const card = sim.cardOf(c.recipientId);
    const slot = sim.slotFor(rng, c, day, card);
    if (!slot) continue;
    const t = sim.terminalOf(c.providerId, rng);
    const start = minutes(slot.slot, rng.int(0, 10));
    const roll = rng.float();
    // A session ends by 80 minutes into its slot: the next slot's payments may be taken from 25
    // minutes before it, and two normal payments of one worker approved within 10 minutes are
    // SCR-01's (seeds 2 and 3 found that a session ending at 11:32 and a payment at 11:36 are).
    // The last slot runs on past 22:00, into the night surcharge.
    const length = roll < 0.05 ? rng.int(1, 14) : slot.slot === '20:00' ? rng.int(60, 150) : rng.int(30, 70);
    const forgotten = roll > 0.97 && slot.slot <= '14:00';
    const end = forgotten ? minutes(start, 8 * 60 + rng.int(1, 60)) : minutes(start, length);
    const tag = { transactionId: `S${sim.options.seed}-${++sim.txn}`, businessNumber: t.businessNumber, terminalPhone: t.phone, serviceCode: c.serviceCode, workerPaymentId: slot.workerPaymentId, cardNumber: card };
    actions.push({ at: start, step: `start ${tag.transactionId}`, run: () => tagStart(sim, t, tag, start) });
    if (rng.chance(0.03)) {
      const other = rng.pick(sim.workersFor(c)).workerPaymentId;
      const second = { ...tag, transactionId: `S${sim.options.seed}-${++sim.txn}`, workerPaymentId: other };
      actions.push({ at: minutes(start, 1), step: `second start ${second.transactionId}`, run: () => tagStart(sim, t, second, minutes(start, 1)) });
    }
    const endTag = { transactionId: `S${sim.options.seed}-${++sim.txn}`, businessNumber: t.businessNumber, terminalPhone: t.phone };
    actions.push({ at: end, step: `end ${tag.transactionId}`, run: () => tagEnd(sim, t, tag.transactionId, endTag, end) });
  }
  // PAY-08: several terminals pay one card's session at the same moment.
  for (let i = 0; i < (business ? 2 : 0); i++) {
    const c = rng.pick(sim.sessionContracts);
    const card = sim.cardOf(c.recipientId);
    const slot = sim.slotFor(rng, c, day, card);
    if (!slot) continue;
    const now = minutes(slot.slot, 5);
    const bodies = Array.from({ length: rng.int(2, 4) }, () => sim.body(sim.terminalOf(c.providerId, rng), c, { workerPaymentId: slot.workerPaymentId, serviceStartAt: at(day, slot.slot) }));
    actions.push({ at: now, step: `concurrent ${c.recipientId}`, run: () => concurrent(sim, c, bodies, now) });
  }
  // PAY-06/07: retroactive and makeup payments for past services, some refused.
  for (let i = 0; i < Math.ceil(sim.world.contracts.length / 60); i++) {
    const c = rng.pick(sim.sessionContracts);
    const back = rng.int(1, 45);
    const date = addDays(day, -back);
    const card = sim.cardOf(c.recipientId);
    const slot = sim.slotFor(rng, c, date, card);
    if (!slot) continue;
    const t = sim.terminalOf(c.providerId, rng);
    const makeup = rng.chance(0.3);
    const reasonless = rng.chance(0.05);
    const body = sim.body(t, c, {
      workerPaymentId: slot.workerPaymentId, serviceDate: date, serviceStartAt: at(date, slot.slot), kind: makeup ? 'MAKEUP' : 'RETRO',
      reason: reasonless ? null : makeup ? 'RESCHEDULED' : rng.pick(RETRO_REASONS),
    });
    const now = `${String(rng.int(10, 19)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
    actions.push({ at: now, step: `${body.kind.toLowerCase()} ${body.transactionId}`, run: () => pay(sim, t, body, now) });
  }
  // TIME-04: activity support's services paid after the fact by their start and end (amount null),
  // some under one unit, some longer than 8 hours, some without a reason; on a reserved slot.
  const timeContracts = sim.world.contracts.filter((x) => isTimeService(x.serviceCode) && !suspendedOn(x, day));
  for (let i = 0; i < Math.ceil(timeContracts.length / 10); i++) {
    const c = rng.pick(timeContracts);
    const date = addDays(day, -rng.int(1, 40));
    const slot = sim.slotFor(rng, c, date, sim.cardOf(c.recipientId));
    if (!slot) continue;
    const t = sim.terminalOf(c.providerId, rng);
    const start = minutes(slot.slot, rng.int(0, 10));
    const roll = rng.float();
    // Longer than 8 hours only from a morning slot, so that it ends on its day.
    const length = roll < 0.05 ? rng.int(1, 14) : roll < 0.08 && slot.slot <= '14:00' ? 8 * 60 + rng.int(1, 30) : rng.int(30, 80);
    const body = { ...sim.body(t, c, { workerPaymentId: slot.workerPaymentId, serviceDate: date, serviceStartAt: at(date, start), kind: 'RETRO', reason: rng.chance(0.05) ? null : rng.pick(RETRO_REASONS) }), amount: null, serviceEndAt: at(date, minutes(start, length)) };
    const now = `${String(rng.int(10, 19)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
    actions.push({ at: now, step: `retro time ${body.transactionId}`, run: () => pay(sim, t, body, now) });
  }
  // §4.7: an offline upload of yesterday's services, sent twice.
  if (business && rng.chance(0.5)) {
    const provider = rng.pick(sim.world.providers);
    const date = addDays(day, -1);
    const t = sim.terminalOf(provider.providerId, rng);
    const items: PaymentRequestBody[] = [];
    for (const c of rng.shuffle(sim.sessionContracts.filter((x) => x.providerId === provider.providerId)).slice(0, 8)) {
      const card = sim.cardOf(c.recipientId);
      if (items.some((i) => i.cardNumber === card)) continue;
      const slot = sim.slotFor(rng, c, date, card);
      if (slot) items.push(sim.body(t, c, { workerPaymentId: slot.workerPaymentId, serviceDate: date, serviceStartAt: at(date, slot.slot), kind: 'RETRO', reason: 'SERVER_UNREACHABLE' }));
    }
    if (items.length) {
      actions.push({ at: '09:30', step: `batch ${items[0]!.transactionId}`, run: () => batch(sim, t, items, '09:30') });
      actions.push({ at: '09:40', step: `re-upload ${items[0]!.transactionId}`, run: () => batch(sim, t, items, '09:40') });
    }
  }
  // PAY-10: same-day cancels after the day's sessions; a cancel of an older payment is refused.
  actions.push({ at: '21:00', step: 'cancels', run: () => cancels(sim, rng.fork('cancels')) });
  // SCR-02: night payments (held until the agency reviews them).
  for (let i = 0; i < (business ? 1 : 0); i++) {
    const c = rng.pick(sim.sessionContracts);
    const v = sim.auditor.voucher(c.recipientId, month, c.serviceCode);
    if (!v) continue;
    const card = sim.cardOf(c.recipientId);
    const workers = sim.workersFor(c);
    const worker = rng.pick(workers);
    if (!sim.take([`w|${worker.workerPaymentId}|${day}|night`, `r|${c.recipientId}|${day}|night`])) continue;
    const t = sim.terminalOf(c.providerId, rng);
    const now = minutes('23:00', rng.int(5, 50));
    const body = sim.body(t, c, { workerPaymentId: worker.workerPaymentId, serviceStartAt: at(day, '23:00') });
    actions.push({ at: now, step: `night ${body.transactionId}`, run: () => pay(sim, t, body, now) });
  }
  // PAY-11: refunds asked for, and decided by the agency the next day.
  actions.push({ at: '11:00', step: 'refunds', run: () => refunds(sim, rng.fork('refunds')) });
  // EXC-01..03: claims for last month's sessions that could not be paid, some filed twice; decided
  // the next day. TIME-04: a time program's claim gives its service's times (a few under one unit).
  if (business) {
    actions.push({ at: '11:10', step: 'claim decisions', run: () => decideClaims(sim, rng.fork('claim decisions')) });
    for (let i = 0; i < Math.ceil(sim.world.contracts.length / 80); i++) {
      const c = rng.pick(sim.world.contracts);
      const previous = addMonths(month, -1);
      const date = `${previous}-${String(rng.int(1, Number(lastDayOfMonth(previous).slice(8)))).padStart(2, '0')}`;
      if (date < c.from || date > c.to || sim.auditor.voucher(c.recipientId, previous, c.serviceCode)?.paidDays.has(date)) continue;
      const worker = rng.pick(sim.workersFor(c, date));
      const request = { serviceCode: c.serviceCode, reason: rng.pick(['CARD_LOST', 'TERMINAL_FAILURE', 'SYSTEM_ERROR']), reasonOccurredOn: date, recipientId: c.recipientId, workerId: worker.workerId, serviceDate: date, serviceStartAt: at(date, '09:00'), serviceEndAt: at(date, isTimeService(c.serviceCode) ? minutes('09:00', rng.chance(0.05) ? rng.int(1, 14) : rng.int(30, 60)) : '10:00') };
      actions.push({ at: '13:30', step: `claim ${c.recipientId} ${date}`, run: () => fileClaim(sim, c.providerId, request) });
      if (rng.chance(0.2)) actions.push({ at: '13:31', step: `claim again ${c.recipientId} ${date}`, run: () => fileClaim(sim, c.providerId, request) });
      if (rng.chance(0.1)) actions.push({ at: '13:32', step: `second claim ${c.recipientId} ${date}`, run: () => fileClaim(sim, c.providerId, { ...request, reason: 'SYSTEM_ERROR', reasonOccurredOn: date, workerId: request.workerId, serviceEndAt: at(date, '10:30') }) });
    }
  }
  // SCR-03/04/05: a death or a departure recorded days after the person's payments.
  if (business && rng.chance(0.35)) actions.push({ at: '14:00', step: 'late feed', run: () => lateFeed(sim, rng.fork('late feed')) });
  // HOLD-03: a municipality holds one of today's payments (another municipality cannot); HOLD-01: providers withdraw some holds.
  if (business && rng.chance(0.6)) actions.push({ at: '20:55', step: 'manual hold', run: () => manualHold(sim, rng.fork('manual hold')) });
  actions.push({ at: '15:30', step: 'withdrawals', run: () => withdrawals(sim, rng.fork('withdrawals')) });
  // HOLD-01: providers answer some holds with a document (uploaded to S3 by a pre-signed URL).
  actions.push({ at: '15:15', step: 'submissions', run: () => submissions(sim, rng.fork('submissions')) });
  // HOLD-02: the agency reviews night holds a few days old.
  actions.push({ at: '15:00', step: 'reviews', run: () => reviews(sim, rng.fork('reviews')) });
  // REG-05: a card reported lost before the day's sessions is replaced; the old one is refused from then on.
  if (business && rng.chance(0.2)) actions.push({ at: '08:40', step: 'card lost', run: () => replaceCard(sim, rng.fork('card lost')) });
  // REG-04: the municipality ends a contract (its last day yesterday); from today its payments are refused.
  if (business && rng.chance(0.15)) actions.push({ at: '08:50', step: 'contract ended', run: () => endContract(sim, rng.fork('contract ended')) });
  // CMS-04/REG-01: an account the bank refuses is corrected by the agency (the provider may not), some days in.
  if (business && rng.chance(0.25)) actions.push({ at: '11:20', step: 'account change', run: () => changeAccount(sim, rng.fork('account change')) });
  // PO-03/05: top-ups.
  for (const dep of sim.world.deposits)
    if (dep.topUp?.day === day) actions.push({ at: '11:30', step: `top-up ${dep.municipalityCode} ${dep.programCode}`, run: () => deposit(sim, dep.municipalityCode, dep.programCode, dep.topUp!.amount, at(day, '11:30')) });
  return actions;
}

/**
 * REG-02/03/04: the registry changes of a business day, chosen before its workload (which leaves
 * out a worker who leaves and a terminal cancelled today): a worker terminated (its provider keeps
 * two or more for each program), a terminal replaced (at a provider with two or more), a
 * cancelled one registered again, a service suspended from tomorrow.
 */
function registryChanges(sim: SimContext, rng: Rng, day: string): Action[] {
  sim.leaving.clear();
  sim.retiring.clear();
  if (!isBusinessDay(day)) return [];
  const actions: Action[] = [];
  if (rng.chance(0.12)) {
    const w = rng.pick(sim.world.workers);
    const programs = w.programs.filter((g) => workerEligible(w, g, day));
    const programCode = programs.length > 1 && rng.chance(0.5) ? rng.pick(programs) : null;
    const leaving = programCode ? [programCode] : programs;
    const kept = (g: string) => sim.world.workers.filter((o) => o !== w && o.providerId === w.providerId && workerEligible(o, g, day)).length;
    if (leaving.length && leaving.every((g) => kept(g) >= 2)) {
      for (const g of leaving) sim.leaving.add(`${w.workerPaymentId}|${g}`);
      actions.push({ at: '08:30', step: `worker leaves ${w.workerId}`, run: () => terminateWorker(sim, w, programCode, rng.fork('worker')) });
    }
  }
  if (rng.chance(0.12)) {
    const active = (providerId: string) => sim.world.terminals.filter((t) => t.providerId === providerId && !t.cancelled);
    const candidates = sim.world.terminals.filter((t) => !t.cancelled && active(t.providerId).length >= 2);
    if (candidates.length) {
      const t = rng.pick(candidates);
      sim.retiring.add(t.serial);
      actions.push({ at: '08:33', step: `terminal replaced ${t.serial}`, run: () => replaceTerminal(sim, t, rng.fork('terminal')) });
    }
  }
  const cancelled = sim.world.terminals.filter((t) => t.cancelled);
  if (cancelled.length && rng.chance(0.3)) {
    const t = rng.pick(cancelled);
    actions.push({ at: '08:36', step: `terminal registered again ${t.serial}`, run: () => reregisterTerminal(sim, t) });
  }
  if (rng.chance(0.15)) {
    const tomorrow = addDays(day, 1);
    const running = sim.world.contracts.filter((c) => runsOn(c, day) && runsOn(c, tomorrow) && !c.suspensions?.length);
    if (running.length) {
      const c = rng.pick(running);
      actions.push({ at: '08:38', step: `service suspended ${c.contractId}`, run: () => suspendService(sim, c, rng.fork('suspension')) });
    }
  }
  return actions;
}
