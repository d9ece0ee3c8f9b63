/**
 * §4.7 offline batches: each item is decided as if it were sent alone, and the items of one card
 * keep their order (a card's later payment sees its earlier ones); items of different cards are
 * decided side by side.
 */
import { mapConcurrent } from '../shared/concurrency';

/** `decide` over every item, card by card in order, `concurrency` cards at once; results in item order. */
export async function inCardOrder<R>(items: readonly unknown[], concurrency: number, decide: (item: unknown) => Promise<R>): Promise<R[]> {
  const byCard = new Map<string, number[]>();
  items.forEach((item, i) => {
    const card = (item as { cardNumber?: unknown } | null)?.cardNumber;
    // An item without a card cannot conflict with another: it is its own group.
    const group = typeof card === 'string' ? card : `#${i}`;
    byCard.set(group, [...(byCard.get(group) ?? []), i]);
  });
  const results = new Array<R>(items.length);
  await mapConcurrent([...byCard.values()], concurrency, async (group) => {
    for (const i of group) results[i] = await decide(items[i]);
  });
  return results;
}
