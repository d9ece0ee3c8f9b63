/**
 * What people do in the back office: deposits (PO-03/05), refunds (PAY-11), exception claims
 * (EXC-01…03), late death and immigration feeds (SCR-03…05), holds placed, answered, withdrawn and
 * reviewed (HOLD-01…03, §5).
 */
import { addDays, at } from '../calendar';
import { actionable, type ModelPayment } from '../model';
import { Rng } from '../rng';
import { isTimeService } from '../world';
import type { SimContext } from '../context';

export async function deposit(sim: SimContext, municipalityCode: string, programCode: string, amount: number, depositedAt: string) {
  sim.count('deposit');
  const answer = await sim.driver.call({ role: 'municipality', municipalityCode }, 'POST', '/v1/deposits', { municipalityCode, programCode, amount, depositedAt });
  // A retried deposit after a lost answer is recognised as the same one (200, duplicate).
  if (answer.status !== 201 && !(answer.retried && answer.status === 200 && answer.body.duplicate)) sim.fail('deposit', { status: 201 }, answer);
  else sim.auditor.deposit(municipalityCode, programCode, amount);
}

export async function refunds(sim: SimContext, rng: Rng): Promise<void> {
  const payments = [...sim.auditor.payments.values()];
  // Yesterday's (and older) requests are decided first.
  for (const p of payments.filter((x) => x.refund?.state === 'REQUESTED')) {
    const approve = rng.chance(0.6);
    sim.count(approve ? 'refund approved' : 'refund rejected');
    const answer = await sim.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/refunds/${p.refund!.refundId}/${approve ? 'approve' : 'reject'}`, { reason: '시뮬레이션 검토' });
    const ok = answer.status === 200 && answer.body.state === (approve ? 'APPROVED' : 'REJECTED');
    // After a lost answer the retry finds it decided (INVALID_STATE): the first decision stands.
    if (!ok && !(answer.retried && answer.body?.error?.code === 'INVALID_STATE')) return sim.fail(`refund decision ${p.refund!.refundId}`, { status: 200, state: approve ? 'APPROVED' : 'REJECTED' }, answer);
    if (!ok) {
      const listed = (await sim.driver.all({ role: 'agency' }, `/v1/refunds?providerId=${p.providerId}`)).find((r) => r.refundId === p.refund!.refundId);
      if (listed?.state !== (approve ? 'APPROVED' : 'REJECTED')) return sim.fail(`refund decision ${p.refund!.refundId}`, { state: approve ? 'APPROVED' : 'REJECTED' }, listed);
    }
    sim.auditor.refundDecided(p.approvalNumber, approve, at(sim.today, '11:00'));
  }
  const candidates = payments.filter((x) => x.approvalDay < sim.today && x.status === 'APPROVED' && !x.refund);
  for (const p of rng.shuffle(candidates).slice(0, Math.ceil(candidates.length * 0.01))) {
    sim.count('refund request');
    const now = at(sim.today, '11:00');
    const expected = sim.auditor.expectRefundRequest(p.providerId, p.approvalNumber, now);
    const answer = await sim.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'POST', '/v1/refunds', { approvalNumber: p.approvalNumber, reason: rng.pick(['OVERCHARGE', 'WRONG_SERVICE', 'NOT_DELIVERED']) });
    // A retry after a lost answer finds its own request (REFUND_ALREADY_REQUESTED): the refund exists.
    if (expected.status === 201 && answer.retried && answer.body?.error?.code === 'REFUND_ALREADY_REQUESTED') {
      const listed = (await sim.driver.all({ role: 'agency' }, `/v1/refunds?providerId=${p.providerId}`)).find((r) => r.approvalNumber === p.approvalNumber);
      if (!listed) return sim.fail(`refund ${p.approvalNumber}`, expected, answer);
      p.refund = { refundId: listed.refundId, state: 'REQUESTED' };
      continue;
    }
    if (answer.status !== expected.status) {
      // What the system holds of this payment, and the refunds it knows, beside the answer.
      const holds = (await sim.holdsOf(p.providerId)).filter((h) => h.approvalNumber === p.approvalNumber);
      const refunds = (await sim.driver.all({ role: 'agency' }, `/v1/refunds?providerId=${p.providerId}`)).filter((r) => r.approvalNumber === p.approvalNumber);
      return sim.fail(`refund ${p.approvalNumber}`, { ...expected, model: { status: p.status, hold: p.hold, refund: p.refund } }, { ...answer, holds, refunds });
    }
    if (!sim.compare(`refund ${p.approvalNumber}`, expected, answer)) return;
    if (expected.status === 201) p.refund = { refundId: answer.body.refundId, state: 'REQUESTED' };
  }
}

export async function fileClaim(sim: SimContext, providerId: string, request: { serviceCode: string; reason: string; reasonOccurredOn: string; recipientId: string; workerId: string; serviceDate: string; serviceStartAt: string; serviceEndAt: string }): Promise<void> {
  sim.count(isTimeService(request.serviceCode) ? 'claim (time)' : 'claim');
  const now = at(sim.today, '13:30');
  const expected = sim.auditor.expectClaim(providerId, request, now);
  const answer = await sim.driver.call({ role: 'provider', providerId, sub: `sim-${providerId}` }, 'POST', '/v1/claims', { ...request, preview: false });
  // After a lost answer the retry is answered with the claim it made (EXC-03: filing is idempotent).
  const replayed = expected.status === 201 && answer.retried > 0 && answer.status === 200;
  if (!replayed && !sim.compare(`claim ${request.recipientId} ${request.serviceDate}`, expected, answer)) return;
  if (expected.status === 201) sim.auditor.claimFiled(providerId, request, JSON.stringify(request), answer.body.claimId, answer.body.amount);
}

export async function decideClaims(sim: SimContext, rng: Rng): Promise<void> {
  for (const claim of sim.auditor.claims.values()) {
    if (claim.state !== 'RECEIVED') continue;
    const approve = rng.chance(0.7);
    sim.count(approve ? 'claim approved' : 'claim rejected');
    const answer = await sim.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/claims/${claim.claimId}/${approve ? 'approve' : 'reject'}`, { reason: '시뮬레이션 심사' });
    const state = approve ? 'APPROVED' : 'REJECTED';
    if (!(answer.status === 200 && answer.body.state === state) && !(answer.retried && answer.status === 409)) return sim.fail(`claim decision ${claim.claimId}`, { status: 200, state }, answer);
    claim.state = state;
  }
}

/**
 * SCR-05: the agency feeds a death or a departure (sometimes with the re-entry) dated inside the
 * open cycle, for a recipient or a worker with payments since; each of their approved payments
 * with a service date the record covers must be held (SCR-03 from the death date on, SCR-04
 * from the departure to the day before the re-entry). Its cycle has not been run, so every such
 * payment is still unpaid. The person takes no more payments. An unknown RRN is counted.
 */
export async function lateFeed(sim: SimContext, rng: Rng): Promise<void> {
  const dayOfMonth = Number(sim.today.slice(8));
  const cycleStart = `${sim.today.slice(0, 8)}${dayOfMonth <= 10 ? '01' : dayOfMonth <= 20 ? '11' : '21'}`;
  if (cycleStart >= sim.today) return;
  const worker = rng.chance(0.4);
  const death = rng.chance(0.5);
  const keyOf = (p: ModelPayment) => (worker ? `w|${p.workerPaymentId}` : `r|${p.recipientId}`);
  const byPerson = new Map<string, ModelPayment[]>();
  for (const p of sim.auditor.payments.values()) if (p.serviceDate >= cycleStart) byPerson.set(keyOf(p), [...(byPerson.get(keyOf(p)) ?? []), p]);
  const candidates = [...byPerson.keys()].filter((k) => !sim.gone.has(k)).sort();
  if (candidates.length === 0) return;
  const person = rng.pick(candidates);
  const days = [...new Set(byPerson.get(person)!.map((p) => p.serviceDate))].sort();
  const from = rng.pick(days.filter((d) => d < sim.today).length ? days.filter((d) => d < sim.today) : days);
  const until = !death && rng.chance(0.4) ? days.find((d) => d > from) : undefined;
  const covers = (serviceDate: string) => serviceDate >= from && (until === undefined || serviceDate < until);
  const affected = [...sim.auditor.payments.values()].filter((p) => keyOf(p) === person && p.status === 'APPROVED' && covers(p.serviceDate));
  // One hold per payment in the model: a person with a payment already held there is left for another day.
  if (affected.some((p) => p.hold)) return;
  const rrn = worker ? sim.world.workers.find((w) => `w|${w.workerPaymentId}` === person)!.rrn : sim.world.recipients.find((r) => `r|${r.recipientId}` === person)!.rrn;
  const unknown = rng.chance(0.3) ? [`990101-1${String(rng.int(0, 999_999)).padStart(6, '0')}`] : [];
  const records = death
    ? [rrn, ...unknown].map((r) => ({ rrn: r, deathDate: from }))
    : [...[rrn, ...unknown].map((r) => ({ rrn: r, direction: 'DEPARTURE', date: from })), ...(until ? [{ rrn, direction: 'ENTRY', date: until }] : [])];
  sim.count(death ? 'late death record' : 'late departure record');
  const answer = await sim.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', death ? '/v1/feeds/deaths' : '/v1/feeds/immigration', { records });
  const expected = { received: records.length, matched: records.filter((r) => r.rrn === rrn).length, unknown: records.length - records.filter((r) => r.rrn === rrn).length };
  if (answer.status !== 200 || answer.body?.received !== expected.received || answer.body?.unknown !== expected.unknown) return sim.fail(`late feed ${death ? 'deaths' : 'immigration'}`, { status: 200, ...expected }, answer);
  // The feed's re-screening is done at the feed's own instant (its holds carry that time in every run).
  await sim.driver.drain();
  sim.gone.add(person);
  const ruleId = death ? 'SCR-03' : 'SCR-04';
  for (const p of affected) {
    p.hold = { holdId: `H${p.approvalNumber}-${ruleId.replace('-', '')}`, ruleId, state: 'OPEN', raisedOn: sim.today };
    sim.feedHolds.push({ holdId: p.hold.holdId, ruleId, day: sim.today });
    sim.count(`${ruleId} hold from a late feed`);
  }
}

export async function manualHold(sim: SimContext, rng: Rng): Promise<void> {
  const candidates = [...sim.auditor.payments.values()].filter((p) => p.approvalDay === sim.today && p.status === 'APPROVED' && !p.hold && !p.refund);
  if (!candidates.length) return;
  const p = rng.pick(candidates);
  const body = { providerId: p.providerId, approvalNumbers: [p.approvalNumber], comment: '현장 점검 필요' };
  // Tenancy: another municipality's officer cannot hold (nor learn of) it.
  const other = sim.world.municipalities.find((m) => m !== p.municipalityCode);
  if (other) {
    sim.count('manual hold elsewhere');
    const refused = await sim.driver.call({ role: 'municipality', municipalityCode: other, sub: `sim-${other}` }, 'POST', '/v1/holds', body);
    if (refused.status !== 404) return sim.fail(`manual hold of ${p.approvalNumber} by ${other}`, { status: 404 }, refused);
  }
  sim.count('manual hold');
  const answer = await sim.driver.call({ role: 'municipality', municipalityCode: p.municipalityCode, sub: `sim-${p.municipalityCode}` }, 'POST', '/v1/holds', body);
  const holdId = `H${p.approvalNumber}-HOLD03`;
  const placed = answer.status === 201 && answer.body.items?.[0]?.holdId === holdId;
  if (!placed && !(answer.retried && answer.body?.error?.code === 'ALREADY_HELD')) return sim.fail(`manual hold of ${p.approvalNumber}`, { status: 201, holdId }, answer);
  p.hold = { holdId, ruleId: 'HOLD-03', state: 'OPEN' };
}

/**
 * HOLD-01 / §5: a provider announces a document for an open hold, stores it with the pre-signed
 * upload and submits it (UNPROCESSED or SUPPLEMENT_REQUESTED → DOCUMENTS_SUBMITTED).
 */
export async function submissions(sim: SimContext, rng: Rng): Promise<void> {
  const open = [...sim.auditor.payments.values()].filter((p) => actionable(p, sim.today) && p.approvalDay < sim.today && p.hold!.stage !== 'DOCUMENTS_SUBMITTED');
  for (const p of open) {
    if (!rng.chance(p.hold!.stage === 'SUPPLEMENT_REQUESTED' ? 0.6 : 0.2)) continue;
    sim.count('hold documents submitted');
    const provider = { role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` };
    const holdId = p.hold!.holdId;
    const document = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`근무일지 ${holdId}\n`)]);
    const issued = await sim.driver.call(provider, 'POST', `/v1/holds/${holdId}/documents`, { fileName: `근무일지-${p.approvalNumber}.pdf`, contentType: 'application/pdf', size: document.length });
    if (issued.status !== 201 || !issued.body.upload?.url) return sim.fail(`document for ${holdId}`, { status: 201 }, issued);
    const put = await fetch(issued.body.upload.url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: document });
    if (put.status !== 200) return sim.fail(`upload for ${holdId}`, { status: 200 }, { status: put.status, body: await put.text() });
    const answer = await sim.driver.call(provider, 'POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [holdId], comment: '근무일지 첨부', documentKeys: [issued.body.documentKey] });
    const ok = answer.status === 200 && answer.body.items?.[0]?.state === 'DOCUMENTS_SUBMITTED';
    if (!ok && !(answer.retried && answer.status === 409)) return sim.fail(`submit ${holdId}`, { status: 200, state: 'DOCUMENTS_SUBMITTED' }, answer);
    p.hold = { ...p.hold!, stage: 'DOCUMENTS_SUBMITTED' };
    sim.staged.add(p.approvalNumber);
  }
}

export async function withdrawals(sim: SimContext, rng: Rng): Promise<void> {
  const open = [...sim.auditor.payments.values()].filter((p) => actionable(p, sim.today) && p.approvalDay < sim.today);
  for (const p of open) {
    if (!rng.chance(0.15)) continue;
    // §5: a submitted hold waits for the agency; the provider can no longer withdraw it, and nothing moves.
    if (p.hold!.stage === 'DOCUMENTS_SUBMITTED') {
      sim.count('withdrawal of a submitted hold');
      const refused = await sim.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [p.hold!.holdId], comment: '청구 철회' });
      if (refused.status !== 409 || refused.body?.error?.code !== 'ILLEGAL_TRANSITION') return sim.fail(`withdraw submitted ${p.hold!.holdId}`, { status: 409, code: 'ILLEGAL_TRANSITION' }, refused);
      continue;
    }
    sim.count('hold withdrawn');
    const answer = await sim.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [p.hold!.holdId], comment: '청구 철회' });
    const ok = answer.status === 200 && answer.body.items?.[0]?.state === 'WITHDRAWN';
    if (!ok && !(answer.retried && answer.status === 409)) return sim.fail(`withdraw ${p.hold!.holdId}`, { status: 200, state: 'WITHDRAWN' }, answer);
    p.hold = { ...p.hold!, state: 'WITHDRAWN', decidedAt: at(sim.today, '15:30') };
  }
}

export async function reviews(sim: SimContext, rng: Rng): Promise<void> {
  const open = [...sim.auditor.payments.values()].filter((p) => actionable(p, sim.today) && p.approvalDay <= addDays(sim.today, -2));
  for (const p of open) {
    if (!rng.chance(0.5)) continue;
    // §5: the agency asks for more on some submitted holds; the provider submits again.
    if (p.hold!.stage === 'DOCUMENTS_SUBMITTED' && rng.chance(0.25)) {
      sim.count('review SUPPLEMENT_REQUESTED');
      const answer = await sim.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/holds/${p.hold!.holdId}/review`, { state: 'SUPPLEMENT_REQUESTED', reason: '서명 누락' });
      const ok = answer.status === 200 && answer.body.state === 'SUPPLEMENT_REQUESTED';
      if (!ok && !(answer.retried && answer.status === 409)) return sim.fail(`supplement ${p.hold!.holdId}`, { status: 200, state: 'SUPPLEMENT_REQUESTED' }, answer);
      p.hold = { ...p.hold!, stage: 'SUPPLEMENT_REQUESTED' };
      sim.staged.add(p.approvalNumber);
      continue;
    }
    const decision = rng.chance(0.7) ? 'PAY' : 'NO_PAY';
    sim.count(`review ${decision}`);
    const answer = await sim.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/holds/${p.hold!.holdId}/review`, { state: 'REVIEWED', decision, reason: '시뮬레이션 검토' });
    const ok = answer.status === 200 && answer.body.state === 'REVIEWED' && answer.body.decision === decision;
    if (!ok && !(answer.retried && answer.status === 409)) return sim.fail(`review ${p.hold!.holdId}`, { status: 200, state: 'REVIEWED', decision }, answer);
    p.hold = { ...p.hold!, state: decision, decidedAt: at(sim.today, '15:00') };
  }
}
