/** §4.7 offline batches: one card's items in order, cards side by side, answers in item order. */
import { describe, expect, it } from 'vitest';
import { inCardOrder } from '../../../domain/payments/batch';

describe('§4.7 inCardOrder', () => {
  it('decides one card\'s items one after another, in their order, and answers in item order', async () => {
    const items = [{ cardNumber: 'A', n: 1 }, { cardNumber: 'B', n: 2 }, { cardNumber: 'A', n: 3 }, null, { n: 5 }, { cardNumber: 'A', n: 6 }];
    const running = new Map<string, number>();
    const seenA: number[] = [];
    let overlapA = false;
    const results = await inCardOrder(items, 4, async (item) => {
      const i = item as { cardNumber?: string; n?: number } | null;
      const card = i?.cardNumber ?? 'none';
      running.set(card, (running.get(card) ?? 0) + 1);
      if (card === 'A' && running.get('A')! > 1) overlapA = true;
      await new Promise((r) => setTimeout(r, 2));
      if (card === 'A') seenA.push(i!.n!);
      running.set(card, running.get(card)! - 1);
      return i?.n ?? 'no item';
    });
    expect(results).toEqual([1, 2, 3, 'no item', 5, 6]);
    expect(seenA).toEqual([1, 3, 6]);
    expect(overlapA).toBe(false);
  });

  it('items without a card never wait for one another', async () => {
    let concurrent = 0;
    let peak = 0;
    await inCardOrder([{}, {}, {}], 3, async () => {
      peak = Math.max(peak, ++concurrent);
      await new Promise((r) => setTimeout(r, 5));
      concurrent--;
    });
    expect(peak).toBe(3);
  });
});
