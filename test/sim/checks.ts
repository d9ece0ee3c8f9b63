/**
 * What must hold at the end of every simulated day and after the final settling (issue 12 §4):
 * the conservation report, holds, balances, every cycle paid on its pay day as itself, no dead
 * letters; then every approved won paid, held, recovered or delayed, and the CMS files matching.
 */
import { addDays, at, isBusinessDay } from './calendar';
import { Rng } from './rng';
import type { SimContext } from './context';

export async function checkDay(sim: SimContext, day: string): Promise<void> {
  const d = sim.driver;
  const now = at(day, '23:58');
  // PO-08: the report balances, and counts every won deposited.
  const report = await d.call({ role: 'agency' }, 'GET', '/v1/reports/conservation');
  if (report.body?.balanced !== true) return sim.fail('conservation report', { balanced: true }, report.body);
  if (report.body.totals?.deposited !== sim.auditor.totalDeposited) return sim.fail('conservation deposited', sim.auditor.totalDeposited, report.body.totals);
  // SCR-02: every night payment of the day is held.
  for (const p of sim.auditor.payments.values())
    if (p.approvalDay === day && p.hold?.state === 'OPEN') {
      const hold = await d.call({ role: 'agency' }, 'GET', `/v1/holds/${p.hold.holdId}`);
      if (hold.status !== 200 || hold.body.ruleId !== p.hold.ruleId) return sim.fail(`hold of ${p.approvalNumber}`, { ruleId: p.hold.ruleId }, hold);
    }
  // SCR-05: the holds the day's late feeds must have raised.
  for (const f of sim.feedHolds.filter((h) => h.day === day)) {
    const hold = await d.call({ role: 'agency' }, 'GET', `/v1/holds/${f.holdId}`);
    if (hold.status !== 200 || hold.body.ruleId !== f.ruleId) return sim.fail(`late-feed hold ${f.holdId}`, { status: 200, ruleId: f.ruleId }, { status: hold.status, body: hold.body });
  }
  // §5: a hold submitted or sent back today stands so, unless decided, voided or withdrawn since.
  for (const approvalNumber of sim.staged) {
    const { hold: h } = sim.auditor.payments.get(approvalNumber)!;
    if (h?.state !== 'OPEN' || !h.stage) continue;
    const hold = await d.call({ role: 'agency' }, 'GET', `/v1/holds/${h.holdId}`);
    if (hold.status !== 200 || hold.body.state !== h.stage) return sim.fail(`hold ${h.holdId} after the day`, { status: 200, state: h.stage }, { status: hold.status, state: hold.body?.state });
  }
  sim.staged.clear();
  // PAY-12: a sample of balances as terminals see them.
  const rng = new Rng(sim.options.seed, `balances ${day}`);
  for (const c of rng.shuffle(sim.world.contracts).slice(0, 3)) {
    const v = sim.auditor.voucher(c.recipientId, day.slice(0, 7), c.serviceCode);
    if (!v) continue;
    const t = sim.terminalOf(c.providerId, rng);
    const card = sim.cardOf(c.recipientId);
    const answer = await d.terminal(t, 'GET', `/v1/terminal/cards/${card}/balance?serviceCode=${c.serviceCode}`, undefined, new Date(now));
    // An ended contract answers no balance to its provider's terminal (PAY-03).
    if (c.to < day) {
      if (answer.body?.error?.code !== 'NO_CONTRACT') return sim.fail(`balance ${c.recipientId} ${c.serviceCode} after its contract`, { code: 'NO_CONTRACT' }, answer.body);
      continue;
    }
    // TIME-05: a time voucher shows its minutes instead of sessions.
    const left = v.minutesLeft !== undefined ? { remainingAmount: v.remaining, remainingMinutes: v.minutesLeft } : { remainingAmount: v.remaining, remainingSessions: v.sessionsLeft };
    if (Object.entries(left).some(([k, x]) => answer.body?.[k] !== x)) return sim.fail(`balance ${c.recipientId} ${c.serviceCode}`, left, answer.body);
  }
  // PO-01: every cycle whose run time has passed is paid as itself, on its pay day.
  const due = sim.auditor.cyclesDue(now);
  const byProvider = new Map<string, any[]>();
  for (const entry of due.values()) {
    if (entry.approved <= 0) continue;
    // A lost run is made by the next one (PO-01): the payout is due once a run from the run day was delivered.
    const ran = sim.faults.schedules.some((s) => s.name === 'payout-batch' && s.delivery !== 'skip' && s.scheduledTime >= `${entry.runDay}T01:00:00+09:00`);
    if (!ran) continue;
    if (!byProvider.has(entry.providerId)) byProvider.set(entry.providerId, await d.all({ role: 'agency' }, `/v1/payouts?providerId=${entry.providerId}`));
    const payout = byProvider.get(entry.providerId)!.find((p) => p.payoutId === `PO-${entry.cycle}-${entry.providerId}-${entry.programCode}`);
    if (!payout) return sim.fail(`PO-01 payout of cycle ${entry.cycle} ${entry.providerId} ${entry.programCode}`, entry, byProvider.get(entry.providerId)!.map((p) => p.payoutId));
    const movedByCms = payout.payDateReason === 'CUTOFF_MISSED' && payout.payDate > entry.payDay && isBusinessDay(payout.payDate);
    if (payout.payDate !== entry.payDay && !movedByCms) return sim.fail(`PO-01 pay day of ${payout.payoutId}`, entry.payDay, { payDate: payout.payDate, payDateReason: payout.payDateReason });
    // Too close to close: the payout says why its day moved.
    if (!movedByCms && (payout.payDateReason === 'AFTER_CYCLE_CLOSE') !== entry.moved) return sim.fail(`PO-01 payDateReason of ${payout.payoutId}`, entry.moved ? 'AFTER_CYCLE_CLOSE' : null, { payDateReason: payout.payDateReason, payout, runs: sim.faults.schedules.filter((s) => s.name === 'payout-batch' && s.scheduledTime >= `${entry.runDay}T00:00:00+09:00`).slice(0, 4) });
  }
  const dead = await d.deadLetters();
  if (Object.keys(dead).length) return sim.fail('dead letters', {}, { dead, stackErrors: d.stackErrors.slice(-5), errors: errorsBesideFaults(sim), errorKinds: errorKinds(sim) });
}

/** The handlers' last errors, the injected faults' own messages left out: what the system made of them. */
export function errorKinds(sim: SimContext): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const l of sim.errorLines) {
    const m = /"message":"([^"]*)".*?"error":\{"name":"([^"]*)"(?:,"location":"[^"]*")?,"message":"([^"]{0,120})/.exec(l);
    const k = m ? `${m[1]} · ${m[2]}: ${m[3]}` : l.slice(0, 160);
    kinds[k] = (kinds[k] ?? 0) + 1;
  }
  return kinds;
}

export function errorsBesideFaults(sim: SimContext): string[] {
  return [...new Set(sim.errorLines.filter((l) => !/"message":"[^"]*\(simulated\)"/.test(l.replace(/"stack":"[^"]*"/g, ''))).map((l) => l.replace(/"timestamp":"[^"]*",|"function_request_id":"[^"]*",|"messageId":"[^"]*",/g, '')))].slice(-5);
}

/**
 * PO-02..05, CMS-01/04, no money lost or paid twice: per provider × program, what the payouts
 * paid and the delays still open (a failed transfer's amount among them) add up to what the
 * auditor says is owed; every CMS file carries exactly the transfers of its date.
 */
export async function checkSettled(sim: SimContext): Promise<void> {
  const d = sim.driver;
  const owed = sim.auditor.owed();
  const files = await d.all({ role: 'agency' }, '/v1/cms/files');
  const filed = new Map<string, number>();
  for (const f of files) if (['TRANSMITTED', 'RECEIVING', 'RECEIVED', 'FLAGGED'].includes(f.state)) filed.set(f.transferDate, (filed.get(f.transferDate) ?? 0) + f.totalAmount);
  const sent = new Map<string, number>();
  for (const provider of sim.world.providers) {
    const payouts = await d.all({ role: 'agency' }, `/v1/payouts?providerId=${provider.providerId}`);
    const delays = (await d.call({ role: 'agency' }, 'GET', `/v1/delays?providerId=${provider.providerId}`)).body.items as any[];
    for (const programCode of provider.programs) {
      const mine = payouts.filter((p) => p.programCode === programCode);
      const paid = mine.filter((p) => ['SCHEDULED', 'SENT', 'PAID'].includes(p.status)).reduce((s, p) => s + p.amount, 0);
      const failed = mine.filter((p) => p.status === 'FAILED').reduce((s, p) => s + p.amount, 0);
      const delayed = delays.filter((x) => x.programCode === programCode).reduce((s, x) => s + x.amount, 0);
      const expected = owed.get(`${provider.providerId}|${programCode}`) ?? 0;
      // CMS-04: a failed transfer's amount is payable again (a delay until the account is corrected), so it is counted there.
      // Once corrected (days before the settling's ad-hoc runs), it is paid to the new account: no such delay is left.
      const correctedOn = sim.corrected.get(`${provider.providerId}|${programCode}`);
      const leftOver = delays.filter((x) => x.programCode === programCode && x.reason === 'OTHER');
      if (correctedOn && leftOver.length) return sim.fail(`CMS-04 ${provider.providerId} ${programCode} corrected on ${correctedOn}`, { delayedForTheOldAccount: 0 }, { delays: leftOver, payouts: mine.map((p) => ({ id: p.payoutId, amount: p.amount, status: p.status, payDate: p.payDate, resultCode: p.resultCode })) });
      if (paid + delayed !== expected) {
        // What the system holds that the auditor does not, and the other way round, names the difference.
        const holds = await sim.holdsOf(provider.providerId);
        const modelHolds = [...sim.auditor.payments.values()].filter((p) => p.providerId === provider.providerId && p.hold).map((p) => p.hold!.holdId);
        const unexpected = holds.filter((h) => !modelHolds.includes(h.holdId)).map((h) => ({ holdId: h.holdId, ruleId: h.ruleId, state: h.state, amount: h.amount, evidence: h.evidence }));
        const report = (await d.call({ role: 'agency' }, 'GET', '/v1/reports/conservation')).body;
        // Per day: what the auditor says is owed beside the stored bucket of that day.
        const byDay = new Map<string, { owed: number; approvals: string[] }>();
        for (const p of sim.auditor.payments.values()) {
          if (p.providerId !== provider.providerId || p.programCode !== programCode) continue;
          const e = byDay.get(`${p.approvalDay}#${p.municipalityCode}`) ?? { owed: 0, approvals: [] };
          const counts = p.status !== 'CANCELLED' && (!p.hold || p.hold.state === 'PAY') && p.refund?.state !== 'APPROVED';
          e.owed += counts ? p.amount : 0;
          const facts = (await d.factsOf(p.approvalNumber)).join('+');
          e.approvals.push(`${p.approvalNumber}:${p.amount}:${p.kind}:${p.status}${p.hold ? `:hold ${p.hold.state}` : ''}${p.refund ? `:refund ${p.refund.state}` : ''}:facts ${facts}`);
          byDay.set(`${p.approvalDay}#${p.municipalityCode}`, e);
        }
        const all = await d.buckets(provider.providerId, programCode);
        const perMunicipality: Record<string, { unsettled: number; delayed: number; unscreened: number }> = {};
        for (const b of all) {
          const m = (perMunicipality[String(b.municipalityCode)] ??= { unsettled: 0, delayed: 0, unscreened: 0 });
          m.unsettled += Number(b.unsettled ?? 0);
          m.unscreened += Number(b.unscreened ?? 0);
        }
        for (const x of delays.filter((y) => y.programCode === programCode)) (perMunicipality[x.municipalityCode] ??= { unsettled: 0, delayed: 0, unscreened: 0 }).delayed += x.amount;
        const buckets = all.filter((b) => Number(b.unsettled ?? 0) !== 0 || Number(b.unscreened ?? 0) !== 0).map((b) => ({ ...b, model: byDay.get(String(b.SK)) }));
        return sim.fail(`money of ${provider.providerId} ${programCode}`, { owed: expected, holds: modelHolds }, { paid, failed, delayed, perMunicipality, unexpectedHolds: unexpected, report, buckets, payouts: mine.map((p) => ({ id: p.payoutId, amount: p.amount, status: p.status, payDate: p.payDate })), delays });
      }
      for (const p of mine) if (p.amount > 0 && ['SENT', 'PAID', 'FAILED'].includes(p.status)) sent.set(p.payDate, (sent.get(p.payDate) ?? 0) + p.amount);
      // CMS-05: no drawn amount is left without a file: after settling, nothing with money is still SCHEDULED.
      const stranded = mine.filter((p) => p.amount > 0 && p.status === 'SCHEDULED');
      if (stranded.length) return sim.fail(`CMS-05 payouts of ${provider.providerId} ${programCode} never sent`, [], stranded.map((p) => ({ id: p.payoutId, amount: p.amount, payDate: p.payDate })));
    }
  }
  // No session paid twice (a payment and a claim, or two payments, for one card × service × date).
  for (const twice of sim.auditor.sessionsPaidTwice()) return sim.fail('a session paid twice', 'at most one payment or claim per session', twice);
  for (const date of new Set([...filed.keys(), ...sent.keys()]))
    if ((filed.get(date) ?? 0) !== (sent.get(date) ?? 0)) {
      const near = (x: string) => x >= addDays(date, -7) && x <= addDays(date, 7);
      const payouts = (await Promise.all(sim.world.providers.map((p) => d.all({ role: 'agency' }, `/v1/payouts?providerId=${p.providerId}`)))).flat().filter((p) => near(p.payDate) && p.amount > 0);
      const detail = await Promise.all(files.filter((f) => near(f.transferDate)).map(async (f) => ({ ...f, detail: (await d.call({ role: 'agency' }, 'GET', `/v1/cms/files/${f.fileId}`)).body })));
      return sim.fail(`CMS-01 file of ${date}`, { payouts: sent.get(date) ?? 0 }, { files: filed.get(date) ?? 0, cmsFiles: detail, payouts: payouts.map((p) => ({ id: p.payoutId, amount: p.amount, status: p.status, payDate: p.payDate, payDateReason: p.payDateReason })), cms: sim.requests });
    }
}
