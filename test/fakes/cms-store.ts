/**
 * The CMS files in memory, honouring the adapter's conditions: a transfer joins only an `OPEN`
 * file and once, a move needs the state it leaves (and the item count read, when given), and a
 * RECEIVING file is claimed by one run at a time.
 */
import type { CmsFileRecord, CmsFileState, CmsTransferItem } from '../../domain/cms/files';
import type { CmsFilePort } from '../../domain/cms/ports';
import type { PageRequest } from '../../domain/shared/ports';
import { pageOfList } from './paging';

const copy = <T>(value: T): T => structuredClone(value);

export class InMemoryCmsStore implements CmsFilePort {
  readonly records = new Map<string, CmsFileRecord>();
  readonly transfers = new Map<string, CmsTransferItem[]>();
  /** Payout id → the last status and fields a file gave it. */
  readonly payouts = new Map<string, { status: string } & Record<string, unknown>>();

  async addItem(transferDate: string, item: CmsTransferItem, at: string): Promise<'added' | 'duplicate' | 'closed'> {
    const items = this.transfers.get(transferDate) ?? [];
    if (items.some((i) => i.payoutId === item.payoutId)) return 'duplicate';
    const file = this.records.get(transferDate);
    if (file && file.state !== 'OPEN') return 'closed';
    this.transfers.set(transferDate, [...items, copy(item)]);
    const f = file ?? { fileId: `CMS-${transferDate}`, fileName: `EB31${transferDate.slice(5, 7)}${transferDate.slice(8, 10)}`, transferDate, state: 'OPEN', recordCount: 0, totalAmount: 0, itemCount: 0, history: [{ at, from: null, to: 'OPEN' }] };
    this.records.set(transferDate, { ...f, itemCount: f.itemCount + 1, totalAmount: f.totalAmount + item.amount });
    return 'added';
  }
  async file(transferDate: string) {
    return copy(this.records.get(transferDate) ?? null);
  }
  async files(page: PageRequest, from = '0000', to = '9999') {
    return pageOfList([...this.records.values()].filter((f) => f.transferDate >= from && f.transferDate <= to).sort((a, b) => b.transferDate.localeCompare(a.transferDate)), page);
  }
  async items(transferDate: string) {
    return copy(this.transfers.get(transferDate) ?? []);
  }
  async move(transferDate: string, from: CmsFileState, to: CmsFileState, at: string, set: Record<string, unknown> = {}, note?: string, expectItemCount?: number) {
    const f = this.records.get(transferDate);
    if (!f || f.state !== from || (expectItemCount !== undefined && f.itemCount !== expectItemCount)) return false;
    const fields = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
    this.records.set(transferDate, { ...f, ...copy(fields), state: to, history: [...f.history, { at, from, to, ...(note ? { note } : {}) }] });
    return true;
  }
  async reclaimReceiving(transferDate: string, since: string | undefined, sinceNow: string, at: string) {
    const f = this.records.get(transferDate);
    if (!f || f.state !== 'RECEIVING' || f.receivingSince !== since) return false;
    this.records.set(transferDate, { ...f, receivingSince: sinceNow, history: since === undefined ? f.history : [...f.history, { at, from: 'RECEIVING', to: 'RECEIVING', note: 'taken over from a run that did not finish' }] });
    return true;
  }
  async releaseReceiving(transferDate: string, since: string) {
    const f = this.records.get(transferDate);
    if (f?.state === 'RECEIVING' && f.receivingSince === since) {
      const { receivingSince: _, ...rest } = f;
      this.records.set(transferDate, rest);
    }
  }
  async movePayouts(payoutIds: readonly string[], payDate: string, reason: 'CUTOFF_MISSED') {
    for (const id of payoutIds) this.payouts.set(id, { status: 'SCHEDULED', ...this.payouts.get(id), payDate, payDateReason: reason });
  }
  async markPayouts(payoutIds: readonly string[], status: 'SENT' | 'PAID' | 'FAILED', extra: Record<string, unknown> = {}) {
    for (const id of payoutIds) {
      const current = this.payouts.get(id) as { status?: string } | undefined;
      // As the adapter: SENT only from SCHEDULED (a payout not marked yet), never over a result.
      if (status === 'SENT' && current?.status !== undefined && current.status !== 'SCHEDULED') continue;
      this.payouts.set(id, { ...current, ...extra, status });
    }
  }
}
