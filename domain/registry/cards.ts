/**
 * REG-05 voucher cards: the agency issues one for a recipient; the recipient's municipality or
 * the agency reports it lost (payments refused from then on); the agency issues a replacement,
 * which pays from the same vouchers (vouchers belong to the recipient, not the card).
 */
import { formatKst } from '../shared/calendar';
import { auditEntry } from './audit';
import { type CardRecord, type Changed, changeWith, type RegistryActor, type RegistryDeps, refuse } from './changes';

const unknownCard = (cardNumber: string) => refuse('NOT_FOUND', 'REG-05', `card ${cardNumber.slice(0, 4)}… not found`);

/** `POST /v1/cards` (agency): idempotent on the card number. */
export async function issueCard(deps: RegistryDeps, actor: RegistryActor, request: { cardNumber: string; recipientId: string }): Promise<Changed<CardRecord>> {
  return changeWith(deps, async () => {
    const existing = await deps.port.card(request.cardNumber);
    if (existing) {
      const same = existing.value.recipientId === request.recipientId;
      return { answer: same ? { ok: true, status: 201, body: existing.value } : refuse('CARD_NUMBER_TAKEN', 'REG-05', 'the card number belongs to another recipient') };
    }
    const recipient = await deps.port.recipient(request.recipientId);
    if (!recipient) return { answer: refuse('UNKNOWN_RECIPIENT', 'REG-05', `recipient ${request.recipientId} is not registered`) };
    const value: CardRecord = { cardNumber: request.cardNumber, recipientId: request.recipientId, status: 'ACTIVE' };
    return {
      change: { writes: [{ kind: 'card', value, expected: null }], audit: [auditEntry('card', request.cardNumber, 'ISSUED', actor, formatKst(deps.now()), null, value)] },
      answer: { ok: true, status: 201, body: value },
    };
  });
}

/** Whether the actor acts for the card's recipient: the agency always, a municipality for its own recipients. */
async function mayActOnCard(deps: RegistryDeps, actor: RegistryActor, card: CardRecord): Promise<boolean> {
  if (actor.role === 'agency') return true;
  if (actor.role !== 'municipality') return false;
  return (await deps.port.recipient(card.recipientId))?.municipalityCode === actor.municipalityCode;
}

/** `POST /v1/cards/{cardNumber}/report-loss`: from now on the card pays nothing; a retry changes nothing. */
export async function reportCardLoss(deps: RegistryDeps, actor: RegistryActor, cardNumber: string): Promise<Changed<CardRecord>> {
  return changeWith(deps, async () => {
    const found = await deps.port.card(cardNumber);
    if (!found || !(await mayActOnCard(deps, actor, found.value))) return { answer: unknownCard(cardNumber) };
    if (found.value.status === 'LOST') return { answer: { ok: true, status: 200, body: found.value } };
    if (found.value.status === 'REPLACED') return { answer: refuse('CARD_REPLACED', 'REG-05', 'the card was already replaced; it pays nothing') };
    const at = formatKst(deps.now());
    const value: CardRecord = { ...found.value, status: 'LOST', lostAt: at };
    return {
      change: { writes: [{ kind: 'card', value, expected: found.version }], audit: [auditEntry('card', cardNumber, 'REPORTED_LOST', actor, at, found.value, value)] },
      answer: { ok: true, status: 200, body: value },
    };
  });
}

/**
 * `POST /v1/cards/{cardNumber}/replace` (agency): the old card is `REPLACED`, the new one pays from
 * the same vouchers. Retried with the same new number, the same answer; with another, refused.
 */
export async function replaceCard(deps: RegistryDeps, actor: RegistryActor, cardNumber: string, newCardNumber: string): Promise<Changed<CardRecord>> {
  return changeWith(deps, async () => {
    const found = await deps.port.card(cardNumber);
    if (!found) return { answer: unknownCard(cardNumber) };
    if (found.value.status === 'REPLACED') {
      const replacement = found.value.replacedBy === newCardNumber ? await deps.port.card(newCardNumber) : null;
      return { answer: replacement ? { ok: true, status: 201, body: replacement.value } : refuse('CARD_REPLACED', 'REG-05', 'the card was already replaced by another card') };
    }
    if (newCardNumber === cardNumber || (await deps.port.card(newCardNumber))) return { answer: refuse('CARD_NUMBER_TAKEN', 'REG-05', 'the new card number is already issued') };
    const at = formatKst(deps.now());
    const old: CardRecord = { ...found.value, status: 'REPLACED', replacedBy: newCardNumber };
    const fresh: CardRecord = { cardNumber: newCardNumber, recipientId: found.value.recipientId, status: 'ACTIVE' };
    return {
      change: {
        writes: [{ kind: 'card', value: old, expected: found.version }, { kind: 'card', value: fresh, expected: null }],
        audit: [auditEntry('card', cardNumber, 'REPLACED', actor, at, found.value, old), auditEntry('card', newCardNumber, 'ISSUED', actor, at, null, fresh)],
      },
      answer: { ok: true, status: 201, body: fresh },
    };
  });
}
