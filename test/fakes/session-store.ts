/**
 * Time sessions in memory (TIME-01…03), beside the in-memory payment store whose vouchers,
 * payments and transaction records they share, honouring the adapter's conditions: a transaction
 * id is answered once, a card × service type and a worker each hold one open session (a lock past
 * its expiry may be taken over), an end tag closes only an open session and writes its approval
 * all or nothing.
 */
import type { ApprovalReceipt } from '../../domain/payments/payment';
import type { TransactionRecord } from '../../domain/payments/ports';
import type { CloseOutcome, CloseWrite, OpenOutcome, OpenWrite, SessionPort, TimeSession } from '../../domain/payments/sessions';
import type { InMemoryPaymentStore } from './payment-store';

const copy = <T>(value: T): T => structuredClone(value);

export class InMemorySessionStore implements SessionPort {
  readonly sessions = new Map<string, TimeSession>();
  /** Lock key → the session holding it and until when (ms). */
  readonly locks = new Map<string, { sessionId: string; lockedUntil: number }>();

  constructor(private readonly payments: InMemoryPaymentStore) {}

  private lockKeys(s: TimeSession) {
    return { card: `CARD/${s.cardNumber}/${s.serviceCode}`, worker: `WORKER/${s.workerId}` };
  }

  private free(key: string, nowMs: number) {
    const held = this.locks.get(key);
    return !held || held.lockedUntil < nowMs;
  }

  async openSession({ session, receipt, requestHash }: OpenWrite): Promise<OpenOutcome> {
    const txn = `${session.terminalSerial}/${session.startTransactionId}`;
    const nowMs = Date.parse(session.startedAt);
    const { card, worker } = this.lockKeys(session);
    if (this.payments.transactions.has(txn)) return { kind: 'duplicate', record: copy(this.payments.transactions.get(txn)!) };
    if (this.sessions.has(session.sessionId)) return { kind: 'contention' };
    if (!this.free(card, nowMs)) return { kind: 'card-open' };
    if (!this.free(worker, nowMs)) return { kind: 'worker-open' };
    this.payments.transactions.set(txn, { requestHash, receipt: copy(receipt) as unknown as TransactionRecord['receipt'] });
    this.sessions.set(session.sessionId, copy(session));
    const lockedUntil = Date.parse(session.expiresAt);
    this.locks.set(card, { sessionId: session.sessionId, lockedUntil });
    this.locks.set(worker, { sessionId: session.sessionId, lockedUntil });
    return { kind: 'written' };
  }

  async session(sessionId: string) {
    return copy(this.sessions.get(sessionId) ?? null);
  }

  private releaseLocks(s: TimeSession) {
    for (const key of Object.values(this.lockKeys(s))) if (this.locks.get(key)?.sessionId === s.sessionId) this.locks.delete(key);
  }

  async closeSession(write: CloseWrite): Promise<CloseOutcome> {
    const txn = `${write.serial}/${write.transactionId}`;
    const stored = this.sessions.get(write.session.sessionId);
    if (this.payments.transactions.has(txn)) return { kind: 'duplicate', record: copy(this.payments.transactions.get(txn)!) };
    if (write.approval) {
      const { plan, approvalNumber } = write.approval;
      const p = plan.payment;
      const voucher = await this.payments.voucher(p.recipientId, p.voucherMonth, p.serviceCode);
      if (!voucher || voucher.version !== plan.voucher.expectedVersion) return { kind: 'stale-voucher' };
      if (this.payments.payments.has(approvalNumber)) return { kind: 'contention' };
      if (!stored || stored.status !== 'OPEN') return { kind: 'not-open' };
      const written = await this.payments.approve({ plan, approvalNumber, receipt: write.receipt as ApprovalReceipt, requestHash: write.requestHash, nowEpochSeconds: write.nowEpochSeconds });
      if (written.kind !== 'written') throw new Error(`fake: the approval's conditions were checked, yet ${written.kind}`);
    } else {
      if (!stored || stored.status !== 'OPEN') return { kind: 'not-open' };
      this.payments.transactions.set(txn, { requestHash: write.requestHash, receipt: copy(write.receipt) as unknown as TransactionRecord['receipt'] });
    }
    this.sessions.set(stored.sessionId, { ...stored, status: write.status, endedAt: write.endedAt, ...(write.approval ? { approvalNumber: write.approval.approvalNumber } : {}) });
    this.releaseLocks(stored);
    return { kind: 'written' };
  }

  async expireSession(s: TimeSession, at: string): Promise<boolean> {
    const stored = this.sessions.get(s.sessionId);
    const moved = stored?.status === 'OPEN';
    if (stored && moved) this.sessions.set(s.sessionId, { ...stored, status: 'EXPIRED', endedAt: at });
    this.releaseLocks(s);
    return moved;
  }

  async expiredSessions(now: Date, limit: number) {
    return [...this.sessions.values()]
      .filter((s) => s.status === 'OPEN' && Date.parse(s.expiresAt) < now.getTime())
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))
      .slice(0, limit)
      .map(copy);
  }
}
