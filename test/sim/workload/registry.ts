/**
 * Registry changes during the month (REG-01…08): lost cards replaced, contracts ended, payout
 * accounts corrected, each refused where the actor may not make it.
 */
import { addDays, at } from '../calendar';
import { Rng } from '../rng';
import { refusedAccount } from '../world';
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
  // The model knows the recipient by the new card; the old one is no card of anyone's (CARD_INACTIVE).
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
