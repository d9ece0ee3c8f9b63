/** PAY-12: what a card has left on a service this month, for the terminal's own provider. */
import { periodContains } from '../registry/entities';
import { maskCardNumber } from '../registry/identity';
import { kstDate, kstMonth } from '../shared/calendar';
import { type Refusal, refusalOf } from '../shared/result';
import { servesHolder } from './decide';
import { type BalanceReceipt, type PayingTerminal, receiptVoucher } from './payment';
import type { TerminalDeps } from './ports';
import type { BalanceRefusal } from './refusals';

const refuse = refusalOf<BalanceRefusal>();
const NO_CONTRACT_TODAY = 'the card holder has no contract with this provider for this service';

export type BalanceOutcome = { ok: true; receipt: BalanceReceipt } | Refusal<BalanceRefusal>;

export async function balanceOf(deps: Pick<TerminalDeps, 'store' | 'clock'>, terminal: PayingTerminal, cardNumber: string, serviceCode: string): Promise<BalanceOutcome> {
  const now = deps.clock.now();
  const today = kstDate(now);
  if (terminal.status !== 'ACTIVE') return refuse('TERMINAL_INACTIVE', 'PAY-01', 'the terminal is cancelled (해지)');
  const card = await deps.store.card(cardNumber);
  const month = kstMonth(now);
  const { contracts, voucher } = card ? await deps.store.holder(card.recipientId, month, serviceCode) : { contracts: [], voucher: null };
  // No existence oracle: a card never issued and another provider's card holder's get the same answer.
  if (!card || !servesHolder(contracts, card, terminal.providerId)) return refuse('NO_CONTRACT', 'PAY-03', NO_CONTRACT_TODAY);
  if (card.status !== 'ACTIVE') return refuse('CARD_INACTIVE', 'PAY-03', 'the card is not active');
  if (!contracts.some((c) => c.providerId === terminal.providerId && c.serviceCode === serviceCode && periodContains(c, today))) return refuse('NO_CONTRACT', 'PAY-03', NO_CONTRACT_TODAY);
  if (!voucher) return refuse('NO_VOUCHER', 'PAY-03', `no voucher of ${month} for this card and service`);
  // TIME-05: a time voucher shows its minutes.
  const { remainingAmount, ...left } = receiptVoucher(month, voucher);
  return { ok: true, receipt: { cardNumber: maskCardNumber(cardNumber), serviceCode, ...left, month, remainingAmount } };
}
