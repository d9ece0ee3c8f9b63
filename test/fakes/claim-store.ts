/**
 * Exception claims in memory, with the adapter's conditions: a claim id is filed once and a session
 * claimed once, never on a paid day (EXC-03); a claim is decided once, from RECEIVED, and its approval adds the amount to its day bucket in the same
 * step (EXC-02). Reads the catalog, recipients and workers from the in-memory registry.
 */
import { type Claim, type ClaimDecision, claimHistoryEntry, type ClaimPort } from '../../domain/payments/claims';
import type { ClaimHistoryEntry } from '../../domain/payments/history';
import { formatKst, type IsoDate, type YearMonth } from '../../domain/shared/calendar';
import type { PageRequest } from '../../domain/shared/ports';
import type { TimeTerms } from '../../domain/registry/entities';
import type { InMemoryRegistry } from './registry-store';
import { pageOfList } from './paging';
import type { InMemorySettlement } from './settlement-store';

const sessionOf = (c: Claim) => `${c.recipientId}|${c.serviceCode}|${formatKst(new Date(c.serviceStartAt))}`;

export class InMemoryClaims implements ClaimPort {
  readonly claims = new Map<string, Claim>();
  /** EXC-03: session → the claim holding it. */
  readonly sessions = new Map<string, string>();

  /** `paidDays`: the paid service dates of a voucher (the payment fake's, when shared). */
  constructor(private readonly registry: InMemoryRegistry, private readonly settlement: InMemorySettlement, private readonly paidDays: (recipientId: string, serviceCode: string, month: string) => readonly string[] = () => []) {}

  async serviceType(serviceCode: string) {
    const serviceType = this.registry.serviceTypes.get(serviceCode);
    const program = serviceType ? (this.registry.programs.get(serviceType.programCode)?.entity as { kind?: 'SESSION' | 'TIME'; time?: TimeTerms } | undefined) : undefined;
    return { serviceType: structuredClone(serviceType), programKind: program?.kind, ...(program?.time ? { timeTerms: structuredClone(program.time) } : {}) };
  }
  async context(recipientId: string, workerId: string, voucher: { serviceCode: string; month: string }) {
    const r = this.registry.recipients.get(recipientId)?.entity;
    const w = this.registry.workers.get(workerId)?.entity;
    return {
      recipient: r ? { municipalityCode: r.municipalityCode } : null,
      contracts: this.registry.contractsOf(recipientId),
      worker: w ? { providerId: w.providerId, contracts: structuredClone(w.contracts) } : null,
      paidDays: [...this.paidDays(recipientId, voucher.serviceCode, voucher.month)],
    };
  }
  async save(claim: Claim) {
    // In the adapter's order: the session, the paid day, then the id.
    const session = sessionOf(claim);
    const held = this.sessions.get(session);
    if (held) return { kind: 'taken' as const, claim: structuredClone(this.claims.get(held)!) };
    if (this.paidDays(claim.recipientId, claim.serviceCode, claim.serviceDate.slice(0, 7)).includes(claim.serviceDate)) return { kind: 'paid' as const };
    if (this.claims.has(claim.claimId)) throw new Error(`claim ${claim.claimId}: its id was taken; file it again`);
    this.claims.set(claim.claimId, structuredClone(claim));
    this.sessions.set(session, claim.claimId);
    return { kind: 'saved' as const };
  }
  async withdraw(claim: Claim, at: string, by: string) {
    const stored = this.claims.get(claim.claimId);
    if (stored?.state !== 'RECEIVED' || stored.providerId !== claim.providerId) return false;
    Object.assign(stored, { state: 'WITHDRAWN', decidedAt: at, decidedBy: by });
    this.sessions.delete(sessionOf(claim));
    return true;
  }
  async claim(claimId: string) {
    return structuredClone(this.claims.get(claimId) ?? null);
  }
  async decide(claim: Claim, decision: ClaimDecision) {
    const stored = this.claims.get(claim.claimId);
    if (stored?.state !== 'RECEIVED') return false;
    Object.assign(stored, Object.fromEntries(Object.entries(decision).filter(([, v]) => v !== undefined)));
    if (decision.state === 'APPROVED') {
      this.settlement.addToBucket({ providerId: claim.providerId, programCode: claim.programCode, municipalityCode: claim.municipalityCode, day: decision.payableOn! }, { claims: claim.amount });
      this.history.push(claimHistoryEntry(stored, decision.decidedAt!));
    }
    return true;
  }
  /** EXC-03: approved claims in the usage history (the payment fake holds the payments). */
  readonly history: ClaimHistoryEntry[] = [];
  async providerPayments(providerId: string, month: YearMonth, range: { from: IsoDate; to: IsoDate }, page: PageRequest) {
    const list = this.history.filter((e) => e.providerId === providerId && e.approvalDate.slice(0, 7) === month && e.approvalDate >= range.from && e.approvalDate <= range.to);
    return pageOfList(structuredClone(list), page);
  }
  async ofProvider(providerId: string, page: PageRequest) {
    const list = [...this.claims.values()].filter((c) => c.providerId === providerId).sort((a, b) => `${b.filedAt}#${b.claimId}`.localeCompare(`${a.filedAt}#${a.claimId}`));
    return pageOfList(list, page);
  }
}
