/**
 * Registry self-service end to end through the local stack's HTTP API (api.md "Registry API"):
 * each change is refused by the terminal API within REG-08's 10 seconds, waited for by asking
 * the terminal API until it answers so (never by sleeping a fixed time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentBody, type TerminalIdentity } from '../support/terminal';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const { call, tokens } = world;
/** REG-08: a change reaches the terminal API within 10 s (its registry cache); the request's own time beside. */
const WITHIN_MS = 10_000 + 1_500;

beforeAll(async () => {
  await world.start({ cards: 4, at: '2026-03-10T10:00:00+09:00' });
}, 60_000);
afterAll(() => world.stop());

const balance = (t: TerminalIdentity, card: string) => world.terminalFetch(t)('GET', `/v1/terminal/cards/${card}/balance?serviceCode=110101`);

/** Asks until `answered` holds, for at most twice REG-08's bound; how long it took. */
async function untilAnswered(ask: () => Promise<{ status: number; body: any }>, answered: (a: { status: number; body: any }) => boolean): Promise<{ ms: number; last: { status: number; body: any } }> {
  const started = Date.now();
  for (;;) {
    const last = await ask();
    if (answered(last) || Date.now() - started > 2 * WITHIN_MS) return { ms: Date.now() - started, last };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function registered(serial: string, phone: string): Promise<TerminalIdentity> {
  const res = await call('POST', '/v1/terminals', { serial, phone, model: 'VT-11', kind: 'DEDICATED' }, tokens.provider);
  expect(res).toMatchObject({ status: 201, body: { serial, status: 'ACTIVE' } });
  return { serial, secret: res.body.secret, phone, businessNumber: world.terminal.businessNumber };
}

describe('REG-08 a change reaches the terminal API within 10 seconds', () => {
  // The two waits run side by side: each is up to 10 s of cache.
  it.concurrent('REG-05: a card reported lost answers CARD_INACTIVE', async () => {
    const card = world.card(2);
    expect((await balance(world.terminal, card)).status).toBe(200);
    expect((await call('POST', `/v1/cards/${card}/report-loss`, undefined, tokens.city)).body).toMatchObject({ status: 'LOST' });
    const { ms, last } = await untilAnswered(() => balance(world.terminal, card), (a) => a.status === 422);
    expect(last.body.error.code).toBe('CARD_INACTIVE');
    expect(ms).toBeLessThan(WITHIN_MS);
    // Its replacement pays from the same voucher at once.
    const replaced = await call('POST', `/v1/cards/${card}/replace`, { newCardNumber: '9410000000000222' }, tokens.agency);
    expect(replaced.status).toBe(201);
    expect(await balance(world.terminal, '9410000000000222')).toMatchObject({ status: 200, body: { remainingAmount: 144_000 } });
  }, 40_000);

  it.concurrent('REG-03: a cancelled terminal answers TERMINAL_INACTIVE', async () => {
    const t = await registered('VT11-300001', '01033330001');
    expect((await balance(t, world.card(1))).status).toBe(200);
    expect((await call('POST', `/v1/terminals/${t.serial}/cancel`, {}, tokens.provider)).body).toMatchObject({ status: 'CANCELLED' });
    const { ms, last } = await untilAnswered(() => balance(t, world.card(1)), (a) => a.status === 422);
    expect(last.body.error.code).toBe('TERMINAL_INACTIVE');
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 40_000);

  it.concurrent('REG-02: a terminated worker\'s payments are refused from the day after the termination date', async () => {
    const worker = await call('POST', '/v1/workers', { workerId: 'W0300', name: '최유리', rrn: '900303-2345678', contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01' }] }, tokens.provider);
    expect(worker.status).toBe(201);
    const payment = () => world.terminalFetch()('POST', '/v1/terminal/payments', paymentBody(world.terminal, { cardNumber: world.card(3), workerPaymentId: worker.body.workerPaymentId, serviceStartAt: '2026-03-10T10:00:00+09:00' }, '2026-03-10'));
    expect((await payment()).status).toBe(201);
    // Paid today: until the termination is seen the answer is PAY-05's; then PAY-02's, which is checked first.
    expect((await payment()).body.error.code).toBe('DAILY_LIMIT_REACHED');
    expect((await call('POST', '/v1/workers/W0300/terminate', { on: '2026-03-09' }, tokens.provider)).body.contracts).toEqual([{ programCode: 'COMMUNITY', from: '2026-03-01', to: '2026-03-09' }]);
    const { ms, last } = await untilAnswered(payment, (a) => a.body.error?.code !== 'DAILY_LIMIT_REACHED');
    expect([last.status, last.body.error?.code, last.body.error?.details.rule]).toEqual([422, 'WORKER_NOT_ELIGIBLE', 'PAY-02']);
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 40_000);

  it('REG-04: a suspension and a terminated contract are refused at once; a mid-month contract paid from its voucher the moment it is registered (VCH-05)', async () => {
    const eligibility = [{ serviceCode: '110101', grade: '1', from: '2026-03-01', to: '2026-12-31' }];
    for (const [i, rrn] of [[300, '160505-3123456'], [301, '170606-4123456']] as const) {
      const birthDate = `20${rrn.slice(0, 2)}-${rrn.slice(2, 4)}-${rrn.slice(4, 6)}`;
      expect((await call('POST', '/v1/recipients', { recipientId: `R0${i}`, name: '박하늘', rrn, birthDate, municipalityCode: '44130', eligibility }, tokens.city)).status).toBe(201);
      expect((await call('POST', '/v1/cards', { cardNumber: world.card(i), recipientId: `R0${i}` }, tokens.agency)).status).toBe(201);
      const contract = await call('POST', '/v1/contracts', { contractId: `C0${i}`, name: '박하늘', rrn, serviceCode: '110101', from: '2026-03-01', to: '2026-12-31', serviceAddress: '충남 천안시 1', designatedWorkerIds: [] }, tokens.provider);
      expect(contract).toMatchObject({ status: 201, body: { recipientId: `R0${i}`, voucher: { month: '2026-03', remainingAmount: 144_000 } } });
    }
    const payment = (i: number) => world.terminalFetch()('POST', '/v1/terminal/payments', paymentBody(world.terminal, { cardNumber: world.card(i), serviceStartAt: '2026-03-10T10:00:00+09:00' }, '2026-03-10'));
    expect((await payment(300)).status).toBe(201);
    expect((await payment(300)).body.error.code).toBe('DAILY_LIMIT_REACHED');
    expect((await call('POST', '/v1/recipients/R0300/suspensions', { serviceCode: '110101', from: '2026-03-10', to: null, reason: '장기 입원' }, tokens.city)).status).toBe(201);
    const suspended = await untilAnswered(() => payment(300), (a) => a.body.error?.code !== 'DAILY_LIMIT_REACHED');
    expect([suspended.last.body.error?.code, suspended.last.body.error?.details.rule]).toEqual(['NO_CONTRACT', 'PAY-03']);
    expect(suspended.ms).toBeLessThan(WITHIN_MS);

    expect((await balance(world.terminal, world.card(301))).body).toMatchObject({ remainingAmount: 144_000 });
    expect((await call('POST', '/v1/contracts/C0301/terminate', { on: '2026-03-09', reason: '서비스 미이용' }, tokens.city)).body).toMatchObject({ status: 'TERMINATED', to: '2026-03-09' });
    const ended = await untilAnswered(() => payment(301), (a) => a.status !== 201);
    expect([ended.last.body.error?.code, ended.last.body.error?.details.rule]).toEqual(['NO_CONTRACT', 'PAY-03']);
    expect(ended.ms).toBeLessThan(WITHIN_MS);
  }, 40_000);

  it('REG-03: a re-keyed terminal answers to its new secret at once and refuses the old one', async () => {
    const t = await registered('VT11-300002', '01033330002');
    expect((await balance(t, world.card(1))).status).toBe(200);
    const rekeyed = await call('POST', `/v1/terminals/${t.serial}/rekey`, undefined, tokens.provider);
    expect(rekeyed).toMatchObject({ status: 200, body: { serial: t.serial } });
    expect((await balance({ ...t, secret: rekeyed.body.secret }, world.card(1))).status).toBe(200);
    const { ms, last } = await untilAnswered(() => balance(t, world.card(1)), (a) => a.status === 401);
    expect(last.body.error.code).toBe('BAD_SIGNATURE');
    expect(ms).toBeLessThan(WITHIN_MS);
    // The terminal list shows it, never a secret; the agency reads its history.
    const list = await call('GET', '/v1/terminals', undefined, tokens.provider);
    expect(list.body.items.find((x: { serial: string }) => x.serial === t.serial)).toMatchObject({ status: 'ACTIVE', rekeyRequired: false });
    expect(JSON.stringify(list.body)).not.toContain(rekeyed.body.secret);
    const history = await call('GET', `/v1/audit?entity=terminal&id=${t.serial}`, undefined, tokens.agency);
    expect(history.body.items.map((e: { action: string }) => e.action)).toEqual(['REKEYED', 'REGISTERED']);
    expect((await call('GET', `/v1/audit?entity=terminal&id=${t.serial}`, undefined, tokens.provider)).status).toBe(403);
  }, 40_000);

  it('REG-01: PATCH and PUT are served with the same authorizer; an unsigned call is 401', async () => {
    expect((await call('PATCH', '/v1/providers/P0001', { phone: '041-555-0101' }, tokens.provider)).body).toMatchObject({ providerId: 'P0001', phone: '041-555-0101' });
    expect((await call('PATCH', '/v1/providers/P0001', { phone: '041-555-0101' })).status).toBe(401);
    expect((await call('PUT', '/v1/terminals/VT11-000001/workers', { workerIds: ['W0001'] }, tokens.provider)).body).toMatchObject({ workerIds: ['W0001'] });
  });
});
