/**
 * Exception claims in memory, with the adapter's conditions: a claim id is filed once; a claim is
 * decided once, from RECEIVED, and its approval adds the amount to its day bucket in the same
 * step (EXC-02). Reads the catalog, recipients and workers from the in-memory registry.
 */
import type { Claim, ClaimDecision, ClaimPort } from '../../domain/payments/claims';
import type { PageRequest } from '../../domain/shared/ports';
import type { InMemoryRegistry } from './registry-store';
import { pageOfList } from './paging';
import type { InMemorySettlement } from './settlement-store';

export class InMemoryClaims implements ClaimPort {
  readonly claims = new Map<string, Claim>();

  constructor(private readonly registry: InMemoryRegistry, private readonly settlement: InMemorySettlement) {}

  async serviceType(serviceCode: string) {
    const serviceType = this.registry.serviceTypes.get(serviceCode);
    const program = serviceType ? (this.registry.programs.get(serviceType.programCode)?.entity as { kind?: 'SESSION' | 'TIME' } | undefined) : undefined;
    return { serviceType: structuredClone(serviceType), programKind: program?.kind };
  }
  async context(recipientId: string, workerId: string) {
    const r = this.registry.recipients.get(recipientId)?.entity;
    const w = this.registry.workers.get(workerId)?.entity;
    return {
      recipient: r ? { municipalityCode: r.municipalityCode } : null,
      contracts: this.registry.contractsOf(recipientId),
      worker: w ? { providerId: w.providerId, contracts: structuredClone(w.contracts) } : null,
    };
  }
  async save(claim: Claim) {
    if (this.claims.has(claim.claimId)) throw new Error(`ConditionalCheckFailed: claim ${claim.claimId} exists`);
    this.claims.set(claim.claimId, structuredClone(claim));
  }
  async claim(claimId: string) {
    return structuredClone(this.claims.get(claimId) ?? null);
  }
  async decide(claim: Claim, decision: ClaimDecision) {
    const stored = this.claims.get(claim.claimId);
    if (stored?.state !== 'RECEIVED') return false;
    Object.assign(stored, Object.fromEntries(Object.entries(decision).filter(([, v]) => v !== undefined)));
    if (decision.state === 'APPROVED') this.settlement.addToBucket({ providerId: claim.providerId, programCode: claim.programCode, municipalityCode: claim.municipalityCode, day: decision.payableOn! }, { claims: claim.amount });
    return true;
  }
  async ofProvider(providerId: string, page: PageRequest) {
    const list = [...this.claims.values()].filter((c) => c.providerId === providerId).sort((a, b) => `${b.filedAt}#${b.claimId}`.localeCompare(`${a.filedAt}#${a.claimId}`));
    return pageOfList(list, page);
  }
}
