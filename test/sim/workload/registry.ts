/**
 * Registry changes during the month (REG-01…08): lost cards replaced, contracts ended, payout
 * accounts corrected, workers leaving, terminals cancelled, replaced and registered again, services
 * suspended, each refused where the actor may not make it, each refused by payments from then on.
 */
import { addDays, at } from '../calendar';
import { Rng } from '../rng';
import { refusedAccount, runsOn, service, type SimContract, type SimTerminal, type SimWorker, WORKERS_FROM } from '../world';
import type { SimContext } from '../context';
import { pay } from './terminal';

export async function replaceCard(sim: SimContext, rng: Rng): Promise<void> {
  const r = rng.pick(sim.world.recipients);
  const old = sim.cardOf(r.recipientId);
  const fresh = `9420${String(sim.options.seed % 1_000).padStart(3, '0')}${String(++sim.issued).padStart(9, '0')}`;
  sim.count('card lost');
  const lost = await sim.driver.call({ role: 'municipality', municipalityCode: r.municipalityCode, sub: `sim-${r.municipalityCode}` }, 'POST', `/v1/cards/${old}/report-loss`, {});
  if (lost.status !== 200 || lost.body?.status !== 'LOST') return sim.fail(`card ${r.recipientId} reported lost`, { status: 200, state: 'LOST' }, lost);
  sim.secrets.add(fresh);
  const replaced = await sim.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/cards/${old}/replace`, { newCardNumber: fresh });
  if (replaced.status !== 201 || replaced.body?.cardNumber !== fresh || replaced.body?.recipientId !== r.recipientId) return sim.fail(`card of ${r.recipientId} replaced`, { status: 201, cardNumber: fresh }, replaced);
  // The model knows the recipient by the new card; the old one is a former card (CARD_INACTIVE to its holder's providers).
  r.formerCards = [...(r.formerCards ?? []), old];
  r.cardNumber = fresh;
  sim.cards.set(r.recipientId, fresh);
  sim.cardOwner.set(fresh, r.recipientId);
  // Now and then a worker still taps the old card: refused.
  const c = sim.sessionContracts.find((x) => x.recipientId === r.recipientId);
  if (c && rng.chance(0.5)) {
    const t = sim.terminalOf(c.providerId, rng);
    const body = { ...sim.body(t, c, { workerPaymentId: rng.pick(sim.workersFor(c)).workerPaymentId, serviceStartAt: at(sim.today, '09:00') }), cardNumber: old };
    sim.count('payment with a replaced card');
    await pay(sim, t, body, '08:40');
  }
}

export async function endContract(sim: SimContext, rng: Rng): Promise<void> {
  const yesterday = addDays(sim.today, -1);
  const running = sim.world.contracts.filter((c) => c.from <= yesterday && c.to > sim.today);
  if (!running.length) return;
  const c = rng.pick(running);
  const municipalityCode = sim.world.recipients.find((r) => r.recipientId === c.recipientId)!.municipalityCode;
  const path = `/v1/contracts/${c.contractId}/terminate`;
  const body = { on: yesterday, reason: '서비스 미이용' };
  // Another municipality's officer does not see the contract.
  const other = sim.world.municipalities.find((m) => m !== municipalityCode);
  if (other) {
    sim.count('contract end elsewhere');
    const refused = await sim.driver.call({ role: 'municipality', municipalityCode: other, sub: `sim-${other}` }, 'POST', path, body);
    if (refused.status !== 404) return sim.fail(`end of ${c.contractId} by ${other}`, { status: 404 }, refused);
  }
  sim.count('contract ended');
  const answer = await sim.driver.call({ role: 'municipality', municipalityCode, sub: `sim-${municipalityCode}` }, 'POST', path, body);
  if (answer.status !== 200 || answer.body?.status !== 'TERMINATED' || answer.body?.to !== yesterday) return sim.fail(`end of ${c.contractId}`, { status: 200, state: 'TERMINATED', to: yesterday }, answer);
  // The model's contract ends with it: today's payments find no contract, no voucher after its month.
  c.to = yesterday;
}

export async function changeAccount(sim: SimContext, rng: Rng): Promise<void> {
  const wrong = sim.world.providers.flatMap((p) => p.accounts.filter((a) => refusedAccount(a.accountNumber)).map((a) => ({ p, a })));
  if (!wrong.length) return;
  const { p, a } = rng.pick(wrong);
  const account = { bankCode: a.bankCode, accountNumber: `${a.accountNumber.slice(0, -4)}${String(rng.int(1_000, 9_999))}`, holder: a.holder };
  if (refusedAccount(account.accountNumber)) return;
  const path = `/v1/providers/${p.providerId}/accounts/${a.programCode}`;
  // REG-01: the provider itself may not change where it is paid.
  sim.count('account change by the provider');
  const refused = await sim.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'PUT', path, account);
  if (refused.status !== 403 || refused.body?.error?.code !== 'FORBIDDEN') return sim.fail(`account change of ${p.providerId} by the provider`, { status: 403, code: 'FORBIDDEN' }, refused);
  sim.count('account change');
  const answer = await sim.driver.call({ role: 'agency', sub: 'sim-agency' }, 'PUT', path, account);
  const expected = { providerId: p.providerId, programCode: a.programCode, ...account };
  if (answer.status !== 200 || JSON.stringify(answer.body) !== JSON.stringify(expected)) return sim.fail(`account change of ${p.providerId} ${a.programCode}`, { status: 200, body: expected }, answer);
  Object.assign(a, account);
  sim.corrected.set(`${p.providerId}|${a.programCode}`, sim.today);
  // REG-08: the change is in the provider's history, the account number masked.
  const history = await sim.driver.call({ role: 'agency' }, 'GET', `/v1/audit?entity=provider&id=${p.providerId}`);
  const entry = history.body?.items?.[0];
  if (entry?.action !== 'ACCOUNT_CHANGED' || entry.by !== 'sim-agency' || JSON.stringify(entry).includes(account.accountNumber))
    return sim.fail(`history of ${p.providerId}`, { action: 'ACCOUNT_CHANGED', by: 'sim-agency', masked: true }, history);
}

/**
 * REG-02: a worker leaves. Its provider terminates one program's contract or all of them at once
 * (일괄 해지), dated yesterday; another provider cannot (it does not see the worker), nor can a
 * date before the contract's start. From today the worker's payments are refused; its services
 * up to yesterday can still be paid after the fact.
 */
export async function terminateWorker(sim: SimContext, w: SimWorker, programCode: string | null, rng: Rng): Promise<void> {
  const path = `/v1/workers/${w.workerId}/terminate`;
  const yesterday = addDays(sim.today, -1);
  const other = sim.world.providers.find((p) => p.providerId !== w.providerId);
  if (other) {
    sim.count('worker termination elsewhere');
    const refused = await sim.driver.call(providerClaims(other.providerId), 'POST', path, { programCode, on: yesterday });
    if (refused.status !== 404) return sim.fail(`termination of ${w.workerId} by ${other.providerId}`, { status: 404 }, refused);
  }
  sim.count('worker termination before its start');
  const early = await sim.driver.call(providerClaims(w.providerId), 'POST', path, { programCode, on: addDays(WORKERS_FROM, -1) });
  if (early.status !== 422 || early.body?.error?.code !== 'TERMINATION_BEFORE_START') return sim.fail(`termination of ${w.workerId} before its start`, { status: 422, code: 'TERMINATION_BEFORE_START' }, early);
  sim.count(programCode ? 'worker terminated' : 'worker terminated (all programs)');
  const ending = (programCode ? [programCode] : w.programs).filter((g) => w.ended?.[g] === undefined || w.ended[g]! > yesterday);
  const answer = await sim.driver.call(providerClaims(w.providerId), 'POST', path, { programCode, on: yesterday });
  const ended = (answer.body?.contracts ?? []).filter((c: { programCode: string; to: string | null }) => ending.includes(c.programCode) && c.to === yesterday);
  if (answer.status !== 200 || ended.length !== ending.length) return sim.fail(`termination of ${w.workerId} ${programCode ?? '(all)'}`, { status: 200, ended: ending.map((g) => ({ programCode: g, to: yesterday })) }, answer);
  w.ended = { ...w.ended, ...Object.fromEntries(ending.map((g) => [g, yesterday])) };
  // Now and then the worker keys its ID once more: refused (PAY-02).
  const c = sim.sessionContracts.find((x) => x.providerId === w.providerId && ending.includes(service(x.serviceCode).programCode) && runsOn(x, sim.today));
  if (c && rng.chance(0.5)) {
    const t = sim.terminalOf(c.providerId, rng);
    sim.count('payment by a terminated worker');
    await pay(sim, t, sim.body(t, c, { workerPaymentId: w.workerPaymentId, serviceStartAt: at(sim.today, '09:00') }), '08:31');
  }
}

/**
 * REG-03: a broken terminal is cancelled (해지) and a new one registered in its place, its secret
 * shown once; another provider can do neither to it. From then on the old one pays nothing.
 */
export async function replaceTerminal(sim: SimContext, t: SimTerminal, rng: Rng): Promise<void> {
  const provider = sim.world.providers.find((p) => p.providerId === t.providerId)!;
  const path = `/v1/terminals/${t.serial}/cancel`;
  const other = sim.world.providers.find((p) => p.providerId !== t.providerId);
  if (other) {
    sim.count('terminal cancel elsewhere');
    const refused = await sim.driver.call(providerClaims(other.providerId), 'POST', path, {});
    if (refused.status !== 404) return sim.fail(`cancel of ${t.serial} by ${other.providerId}`, { status: 404 }, refused);
  }
  sim.count('terminal cancelled');
  const cancelled = await sim.driver.call(providerClaims(t.providerId), 'POST', path, {});
  if (cancelled.status !== 200 || cancelled.body?.status !== 'CANCELLED') return sim.fail(`cancel of ${t.serial}`, { status: 200, state: 'CANCELLED' }, cancelled);
  t.cancelled = true;
  const n = sim.world.terminals.length + 1;
  const fresh = { serial: `${t.serial.split('-')[0]}-N${n}`, phone: `0108${String(n).padStart(7, '0')}`, providerId: t.providerId };
  sim.count('terminal registered');
  const registered = await sim.driver.call(providerClaims(t.providerId), 'POST', '/v1/terminals', { serial: fresh.serial, phone: fresh.phone, model: 'VT-11', kind: 'DEDICATED', workerId: null });
  if (registered.status !== 201 || registered.body?.serial !== fresh.serial || typeof registered.body?.secret !== 'string') return sim.fail(`registration of ${fresh.serial}`, { status: 201, serial: fresh.serial, secret: 'shown once' }, registered);
  sim.world.terminals.push({ ...fresh, secret: registered.body.secret });
  // Now and then the old terminal is tried once more: refused (PAY-01).
  const c = sim.sessionContracts.find((x) => x.providerId === t.providerId && runsOn(x, sim.today) && sim.workersFor(x).length > 0);
  if (c && rng.chance(0.5)) {
    const old = { ...t, businessNumber: provider.businessNumber };
    sim.count('payment from a cancelled terminal');
    await pay(sim, old, sim.body(old, c, { workerPaymentId: rng.pick(sim.workersFor(c)).workerPaymentId, serviceStartAt: at(sim.today, '09:00') }), '08:34');
  }
}

/** REG-03: a cancelled terminal registered again by its provider gets a new secret; requests signed with the old one are refused. */
export async function reregisterTerminal(sim: SimContext, t: SimTerminal): Promise<void> {
  sim.count('terminal registered again');
  const answer = await sim.driver.call(providerClaims(t.providerId), 'POST', '/v1/terminals', { serial: t.serial, phone: t.phone, model: 'VT-11', kind: 'DEDICATED', workerId: null });
  if (answer.status !== 201 || answer.body?.status !== 'ACTIVE' || typeof answer.body?.secret !== 'string' || answer.body.secret === t.secret) return sim.fail(`registration again of ${t.serial}`, { status: 201, state: 'ACTIVE', secret: 'a new one' }, answer);
  const old = { ...t, businessNumber: sim.world.providers.find((p) => p.providerId === t.providerId)!.businessNumber };
  t.secret = answer.body.secret;
  t.cancelled = false;
  const card = sim.cardOf(sim.world.contracts.find((c) => c.providerId === t.providerId)?.recipientId ?? sim.world.recipients[0]!.recipientId);
  const stale = await sim.driver.terminal(old, 'GET', `/v1/terminal/cards/${card}/balance?serviceCode=${sim.world.contracts[0]!.serviceCode}`, undefined, new Date(at(sim.today, '08:36')));
  if (stale.status !== 401) return sim.fail(`the old secret of ${t.serial}`, { status: 401 }, stale);
}

/**
 * REG-04/VCH-02: the recipient's municipality suspends a service (서비스 중지) from tomorrow, for
 * some days or until further notice; another municipality cannot. Payments for its days are
 * refused (PAY-03), claims for them too (EXC-03), and a month it covers from the 1st has no voucher.
 */
export async function suspendService(sim: SimContext, c: SimContract, rng: Rng): Promise<void> {
  const { municipalityCode } = sim.world.recipients.find((r) => r.recipientId === c.recipientId)!;
  const from = addDays(sim.today, 1);
  const to = rng.chance(0.25) ? null : addDays(from, rng.int(2, 12));
  const path = `/v1/recipients/${c.recipientId}/suspensions`;
  const body = { serviceCode: c.serviceCode, from, to, reason: '장기 입원' };
  const other = sim.world.municipalities.find((m) => m !== municipalityCode);
  if (other) {
    sim.count('suspension elsewhere');
    const refused = await sim.driver.call(municipalityClaims(other), 'POST', path, body);
    if (refused.status !== 404) return sim.fail(`suspension of ${c.recipientId} by ${other}`, { status: 404 }, refused);
  }
  sim.count('service suspended');
  const answer = await sim.driver.call(municipalityClaims(municipalityCode), 'POST', path, body);
  const listed = (answer.body?.suspensions ?? []).some((s: { serviceCode: string; from: string; to: string | null }) => s.serviceCode === c.serviceCode && s.from === from && s.to === to);
  if (answer.status !== 201 || !listed) return sim.fail(`suspension of ${c.recipientId} ${c.serviceCode}`, { status: 201, suspension: { from, to } }, answer);
  c.suspensions = [...(c.suspensions ?? []), { from, to }];
}

const providerClaims = (providerId: string) => ({ role: 'provider', providerId, sub: `sim-${providerId}` });
const municipalityClaims = (municipalityCode: string) => ({ role: 'municipality', municipalityCode, sub: `sim-${municipalityCode}` });
