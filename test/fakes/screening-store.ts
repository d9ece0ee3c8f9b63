/**
 * Screening's store in memory: the payments' truth (approved or not, as the payment store would
 * say), the screening index, holds and people's evidence, with the adapter's conditions — a hold
 * is raised once per payment and rule and only on an approved payment, evidence is one entry per
 * fact up to the cap, a final hold is never voided, and a hold keeping evidence is not voided for
 * lost evidence.
 */
import type { Hold } from '../../domain/screening/holds';
import type { ScreeningPort } from '../../domain/screening/ports';
import { type Evidence, evidenceKey, type PersonEvidence, type ScreenedPayment } from '../../domain/screening/rules';

export function inMemoryScreening(options: { onRaise?: (hold: Hold) => Promise<void> } = {}) {
  const truth = new Map<string, ScreenedPayment>();
  const index = new Map<string, ScreenedPayment>();
  const holds = new Map<string, Hold>();
  const people = new Map<string, PersonEvidence>();
  const port: ScreeningPort = {
    async index(p) {
      const existing = index.get(p.approvalNumber);
      index.set(p.approvalNumber, { ...p, status: existing?.status ?? 'APPROVED' });
      return index.get(p.approvalNumber)!.status;
    },
    async neighbours(p) {
      return [...index.values()].filter((o) => o.approvalNumber !== p.approvalNumber && (o.workerId === p.workerId || o.recipientId === p.recipientId));
    },
    async people(refs) {
      return refs.map((r) => people.get(`${r.personKind}#${r.personId}`) ?? { ...r, deathDate: null, movements: [] });
    },
    async raise(hold) {
      if (holds.has(hold.holdId)) return 'exists';
      if (truth.get(hold.approvalNumber)?.status !== 'APPROVED') return 'not-holdable';
      holds.set(hold.holdId, structuredClone(hold));
      await options.onRaise?.(hold);
      return 'raised';
    },
    async addEvidence(holdId, evidence: Evidence, cap) {
      const h = holds.get(holdId);
      if (h && !h.evidence.some((e) => evidenceKey(e) === evidenceKey(evidence)) && h.evidence.length < cap) h.evidence.push(evidence);
    },
    async withdraw(p) {
      index.set(p.approvalNumber, { ...(index.get(p.approvalNumber) ?? p), status: p.status });
    },
    async holdsOfPayment(approval) {
      return [...holds.values()].filter((h) => h.approvalNumber === approval);
    },
    async voidHold(hold, reason) {
      const h = holds.get(hold.holdId);
      if (!h || ['WITHDRAWN', 'REVIEWED', 'VOIDED'].includes(h.state)) return false;
      if (reason === 'EVIDENCE_CANCELLED' && h.evidence.length) return false;
      Object.assign(h, { state: 'VOIDED', voidReason: reason });
      return true;
    },
    async dropEvidence(holdId, key) {
      const h = holds.get(holdId);
      if (!h || !h.evidence.some((e) => evidenceKey(e) === key)) return null;
      h.evidence = h.evidence.filter((e) => evidenceKey(e) !== key);
      return structuredClone(h);
    },
    async paymentsOf(person, since) {
      return [...index.values()].filter((p) => (person.personKind === 'WORKER' ? p.workerId : p.recipientId) === person.personId && p.approvedAt.slice(0, 10) >= since);
    },
    async stillApproved(p) {
      return truth.get(p.approvalNumber)?.status === 'APPROVED';
    },
  };
  const approve = (p: ScreenedPayment) => truth.set(p.approvalNumber, p);
  const cancel = (p: ScreenedPayment) => truth.set(p.approvalNumber, { ...p, status: 'CANCELLED' });
  return { port, holds, people, approve, cancel };
}
