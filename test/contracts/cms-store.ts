/**
 * The CMS file store's contract (CMS-01/02): one file per transfer date collects transfers while
 * `OPEN`; every move is conditioned on the state it leaves. One suite, run against the in-memory
 * fake (test/unit) and the DynamoDB adapter (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import type { CmsTransferItem } from '../../domain/cms/files';
import type { CmsFilePort } from '../../domain/cms/ports';

export type CmsStoreUnderTest = CmsFilePort & { addItem(transferDate: string, item: CmsTransferItem, at: string): Promise<'added' | 'duplicate' | 'closed'> };

const at = '2026-03-12T10:00:00+09:00';
const item = (payoutId: string, amount = 1000): CmsTransferItem => ({ payoutId, providerId: 'P1', programCode: 'COMMUNITY', amount, bankCode: '004', accountNumber: '1234567890', holder: '기관', businessNumber: '1234567891' });
let year = 2040;

export function cmsStoreContract(name: string, make: () => Promise<CmsStoreUnderTest>) {
  contractSuite(`CMS file store contract: ${name}`, make, (store) => {
    /** A transfer date no other test uses. */
    const date = () => `${++year}-03-16`;

    it('CMS-01: a transfer joins the open file of its date once; a created file takes no more', async () => {
      const d = date();
      expect(await store.addItem(d, item('A', 1000), at)).toBe('added');
      expect(await store.addItem(d, item('A', 1000), at)).toBe('duplicate');
      expect(await store.addItem(d, item('B', 2500), at)).toBe('added');
      expect(await store.file(d)).toMatchObject({ state: 'OPEN', itemCount: 2, totalAmount: 3500, fileName: `EB310316` });
      expect((await store.items(d)).map((i) => i.payoutId).sort()).toEqual(['A', 'B']);
      expect(await store.move(d, 'OPEN', 'CREATED', at, { recordCount: 2 }, undefined, 2)).toBe(true);
      expect(await store.addItem(d, item('C'), at)).toBe('closed');
      expect((await store.items(d))).toHaveLength(2);
    });

    it('CMS-02: a move needs the state it leaves and the item count read; of two racing moves one wins', async () => {
      const d = date();
      await store.addItem(d, item('A'), at);
      expect(await store.move(d, 'OPEN', 'CREATED', at, {}, undefined, 2)).toBe(false);
      const [a, b] = await Promise.all([store.move(d, 'OPEN', 'CREATED', at, {}, undefined, 1), store.move(d, 'OPEN', 'CREATED', at, {}, undefined, 1)]);
      expect([a, b].sort()).toEqual([false, true]);
      expect(await store.move(d, 'OPEN', 'TRANSMITTING', at)).toBe(false);
      expect(await store.move(d, 'CREATED', 'TRANSMITTING', at, { attempts: 1 }, 'first send')).toBe(true);
      const file = (await store.file(d))!;
      expect(file).toMatchObject({ state: 'TRANSMITTING', attempts: 1 });
      expect(file.history.map((h) => h.to)).toEqual(['OPEN', 'CREATED', 'TRANSMITTING']);
      expect(file.history.at(-1)).toMatchObject({ note: 'first send' });
    });

    it('CMS-03: a RECEIVING file is claimed by one run; a released claim and a lapsed one are taken over once', async () => {
      const d = date();
      await store.addItem(d, item('A'), at);
      for (const [from, to] of [['OPEN', 'CREATED'], ['CREATED', 'TRANSMITTING'], ['TRANSMITTING', 'TRANSMITTED']] as const) await store.move(d, from, to, at);
      expect(await store.move(d, 'TRANSMITTED', 'RECEIVING', at, { receivingSince: '2026-03-17T00:00:00.000Z' })).toBe(true);
      expect(await store.reclaimReceiving(d, undefined, '2026-03-17T00:01:00.000Z', at)).toBe(false);
      const [a, b] = await Promise.all([
        store.reclaimReceiving(d, '2026-03-17T00:00:00.000Z', '2026-03-17T00:10:00.000Z', at),
        store.reclaimReceiving(d, '2026-03-17T00:00:00.000Z', '2026-03-17T00:10:00.001Z', at),
      ]);
      expect([a, b].sort()).toEqual([false, true]);
      const since = (await store.file(d))!.receivingSince!;
      await store.releaseReceiving(d, since);
      expect((await store.file(d))!.receivingSince).toBeUndefined();
      expect(await store.reclaimReceiving(d, undefined, '2026-03-17T00:20:00.000Z', at)).toBe(true);
    });

    it('lists files newest first within the dates', async () => {
      const [d1, d2] = [date(), date()];
      await store.addItem(d1, item('A'), at);
      await store.addItem(d2, item('A'), at);
      const page = await store.files({ limit: 10 }, d1, d2);
      expect(page.items.map((f) => f.transferDate)).toEqual([d2, d1]);
    });
  });
}
