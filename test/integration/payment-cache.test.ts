/**
 * Issue 17 §1 on DynamoDB Local: a warm container approves without reading the table — registry
 * facts held until the registry feed names them (REG-08), the voucher as this container last wrote
 * it, conditioned on its version (PAY-08) — and every shortcut still answers as the table would:
 * another container's payment is caught by the condition, a refusal is named from the table, a
 * registry change is heard within the feed's poll.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { takePayment } from '../../domain/payments/intake';
import { randomApprovalNumbers } from '../../functions/shared/dynamo/payment-store';
import { capacitySnapshot } from '../../functions/shared/dynamo/capacity';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { DynamoPaymentStore } from '../../functions/shared/dynamo/payment-store';
import { FEED_SHARDS, POLL_MS } from '../../functions/shared/dynamo/registry-feed';
import { koreanHolidays } from '../../functions/shared/holidays';
import { setClock, systemClock, systemRandom } from '../../functions/shared/clock';
import { agency, httpEvent, lambdaContext } from '../support/events';
import { useLocalEnvironment } from '../support/local';
import { intakeHarness, kst, pay, type IntakeHarness } from '../support/payments';
import { paymentBody } from '../support/terminal';

let h: IntakeHarness;
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;
const reads = () => capacitySnapshot().readRequests;
/** The platform's clock stands at `instant` (when a feed poll is due is read on it: no race with real time). */
const at = (instant: Date) => {
  h.now = instant;
  setClock(instant, true);
};
const on = (day: string, over: Record<string, unknown>) => paymentBody(h.terminal, { serviceDate: day, serviceStartAt: `${day}T14:00:00+09:00`, amount: 20_000, ...over }, day);

/** A second container: its own store (and caches) over the same table, paying through the domain. */
let other: DynamoPaymentStore;
async function payElsewhere(body: ReturnType<typeof paymentBody>) {
  const terminal = (await other.terminal(h.terminal.serial))!;
  return takePayment({ store: other, clock: systemClock, sleep: async () => {}, random: systemRandom, approvalNumbers: randomApprovalNumbers, holidays: koreanHolidays }, terminal, body as never, `hash-${body.transactionId}`);
}

async function importCards(cards: { cardNumber: string; recipientId: string; status: string }[]) {
  const admin = await import('../../functions/admin-import/handler');
  const res = (await admin.handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: { cards }, claims: agency() }), lambdaContext())) as { body: string };
  expect(JSON.parse(res.body)).toMatchObject({ rejected: [] });
}

beforeAll(async () => {
  await useLocalEnvironment();
  h = await intakeHarness(4);
  at(h.now);
  other = new DynamoPaymentStore(dynamoTable());
}, 60_000);

describe('issue 17 §1: the read-free happy path', () => {
  it('issue 17 §1: on a warm container an approval reads nothing from the table, and its receipt is exact', async () => {
    expect(await pay(h, on('2026-03-10', { cardNumber: card(1) }))).toMatchObject({ status: 201, body: { voucher: { remainingAmount: 140_000, remainingSessions: 7 } } });
    // A day later: the feed's first poll still names the seeding import of a moment ago (it reads
    // back 30 s), so what the import wrote is read again.
    at(kst('2026-03-11T14:05:00'));
    expect(await pay(h, on('2026-03-11', { cardNumber: card(1) }))).toMatchObject({ status: 201, body: { voucher: { remainingAmount: 120_000, remainingSessions: 6 } } });
    // Another day: the feed is asked once what changed (nothing new: a Query of each shard); the voucher is the one written here.
    at(kst('2026-03-12T14:05:00'));
    let before = reads();
    expect(await pay(h, on('2026-03-12', { cardNumber: card(1) }))).toMatchObject({ status: 201, body: { voucher: { remainingAmount: 100_000, remainingSessions: 5 } } });
    expect(reads() - before).toBe(FEED_SHARDS);
    // Within the poll: nothing at all, for a retroactive payment on the same card too.
    before = reads();
    expect(await pay(h, on('2026-03-09', { cardNumber: card(1), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceStartAt: null }))).toMatchObject({ status: 201, body: { voucher: { remainingAmount: 80_000, remainingSessions: 4 } } });
    expect(reads() - before).toBe(0);
  });

  it('PAY-08: a voucher another container paid from is caught by the approval\'s condition; the receipt counts both', async () => {
    at(kst('2026-03-12T14:05:00'));
    expect(await pay(h, on('2026-03-12', { cardNumber: card(2) }))).toMatchObject({ status: 201, body: { voucher: { remainingSessions: 7 } } });
    // The other container pays a retroactive day from the same voucher: this one's copy is now stale.
    expect(await payElsewhere(on('2026-03-05', { cardNumber: card(2), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceStartAt: null }))).toMatchObject({ ok: true, receipt: { voucher: { remainingAmount: 120_000, remainingSessions: 6 } } });
    const answer = await pay(h, on('2026-03-06', { cardNumber: card(2), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceStartAt: null }));
    expect(answer).toMatchObject({ status: 201, body: { voucher: { remainingAmount: 100_000, remainingSessions: 5 } } });
    // And the day the other container paid is refused here, named from the table (PAY-06).
    expect(await pay(h, on('2026-03-05', { cardNumber: card(2), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceStartAt: null }))).toMatchObject({ status: 422, body: { error: { code: 'DAILY_LIMIT_REACHED' } } });
  });

  it('PAY-10: a refusal is named from the table, not from the cache: a day cancelled elsewhere pays again at once', async () => {
    at(kst('2026-03-13T14:05:00'));
    const first = await pay(h, on('2026-03-13', { cardNumber: card(3) }));
    expect(first.status).toBe(201);
    // The cancel runs in the other container: this one still holds the voucher with today paid.
    const { cancelPayment } = await import('../../domain/payments/cancel');
    const terminal = (await other.terminal(h.terminal.serial))!;
    const cancelled = await cancelPayment({ store: other, clock: systemClock, sleep: async () => {}, random: systemRandom, approvalNumbers: randomApprovalNumbers, holidays: koreanHolidays }, terminal, first.body.approvalNumber, { transactionId: `C-${Date.now()}`, businessNumber: h.terminal.businessNumber, terminalPhone: h.terminal.phone }, 'hash-cancel');
    expect(cancelled).toMatchObject({ ok: true });
    expect(await pay(h, on('2026-03-13', { cardNumber: card(3) }))).toMatchObject({ status: 201, body: { voucher: { remainingAmount: 140_000, remainingSessions: 7 } } });
  });

  it('REG-08: a card reported lost is refused once the feed is polled, at most POLL_MS after the change', async () => {
    at(kst('2026-03-14T14:05:00'));
    expect((await pay(h, on('2026-03-14', { cardNumber: card(4) }))).status).toBe(201);
    await importCards([{ cardNumber: card(4), recipientId: 'R0004', status: 'LOST' }]);
    at(new Date(kst('2026-03-14T14:05:00').getTime() + POLL_MS));
    expect(await pay(h, on('2026-03-13', { cardNumber: card(4), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceStartAt: null }))).toMatchObject({ status: 422, body: { error: { code: 'CARD_INACTIVE' } } });
    // Found again: paid at once (a refusal is named from the table).
    await importCards([{ cardNumber: card(4), recipientId: 'R0004', status: 'ACTIVE' }]);
    expect((await pay(h, on('2026-03-13', { cardNumber: card(4), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceStartAt: null }))).status).toBe(201);
  });
});
