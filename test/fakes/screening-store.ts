/**
 * Screening's stores in memory: the payments' truth (approved or not, as the payment store would
 * say), the screening index, holds and people's evidence, with the adapters' conditions — a hold
 * is raised once per payment and rule and only on an approved payment whose day is not paid out
 * (several all or none); a payment is held once in its counts and its day bucket of the
 * settlement fake however many holds it has, and released or denied when its last hold ends;
 * evidence is one entry per fact up to the cap, a move needs the state it was decided from (and
 * the provider's own hold for a provider), documents are taken while the provider may submit, a
 * final hold is never voided, and a hold keeping evidence is not voided for lost evidence.
 */
import { allowedFrom, type Hold, paymentEffect } from '../../domain/screening/holds';
import type { EvidencePort, HoldFilter, HoldPort, PersonRef, RaiseOutcome, ScreeningPort } from '../../domain/screening/ports';
import { type Evidence, evidenceKey, type PersonEvidence, type ScreenedPayment } from '../../domain/screening/rules';
import { formatKst } from '../../domain/shared/calendar';
import { type BucketTotals, holdCountChange, screenedFact } from '../../domain/settlement/ledger';
import type { BucketRef } from '../../domain/settlement/ports';
import { pageOfList } from './paging';
import { InMemorySettlement } from './settlement-store';

const copy = <T>(value: T): T => structuredClone(value);

const matches = (h: Hold, filter: HoldFilter) => Object.entries(filter).every(([f, v]) => v === undefined || (h as unknown as Record<string, unknown>)[f] === v);

export function inMemoryScreening(options: { onRaise?: (hold: Hold) => Promise<void>; ledger?: InMemorySettlement; payments?: Map<string, { status: ScreenedPayment['status'] }> } = {}) {
  /** The payments as the payment store holds them: its own, or the payment fake's map (one world). */
  const truth: Map<string, { status: ScreenedPayment['status'] }> = options.payments ?? new Map();
  const index = new Map<string, ScreenedPayment>();
  const holds = new Map<string, Hold>();
  const people = new Map<string, PersonEvidence>();
  const ledger = options.ledger ?? new InMemorySettlement();
  /** Each payment's open and denied hold counts (the adapter keeps them on the payment). */
  const counts = new Map<string, { open: number; denied: number }>();
  const countsOf = (approvalNumber: string) => ({ ...(counts.get(approvalNumber) ?? { open: 0, denied: 0 }) });
  const refOf = (h: Hold): BucketRef | null => (h.municipalityCode ? { providerId: h.providerId, programCode: h.programCode, municipalityCode: h.municipalityCode, day: h.paymentDate } : null);
  /** What a count change does to the payment's day bucket (held once, released or denied when the last hold ends). */
  const countChange = (h: Hold, change: { open: number; denied: number }): Partial<BucketTotals> => (refOf(h) ? holdCountChange(countsOf(h.approvalNumber), change, h.amount) : {});
  const applyCounts = (h: Hold, change: { open: number; denied: number }) => {
    const deltas = countChange(h, change);
    const before = countsOf(h.approvalNumber);
    counts.set(h.approvalNumber, { open: before.open + change.open, denied: before.denied + change.denied });
    const ref = refOf(h);
    if (ref && Object.keys(deltas).length) ledger.addToBucket(ref, deltas);
  };
  /**
   * DynamoDB's limit, as the adapter's transaction counts: each hold, each payment whose counts
   * change, and each day bucket that moves once; at most 100 items.
   */
  const fitsOneTransaction = (changes: { hold: Hold; change: { open: number; denied: number } }[]) => {
    const counted = changes.filter((c) => c.change.open || c.change.denied);
    const buckets = new Set(counted.filter((c) => Object.keys(countChange(c.hold, c.change)).length).map((c) => `${c.hold.providerId}|${c.hold.programCode}|${c.hold.paymentDate}|${c.hold.municipalityCode}`));
    const items = changes.length + counted.length + buckets.size;
    if (items > 100) throw new Error(`ValidationException: ${items} items; Member must have length less than or equal to 100`);
  };
  /** The adapter's raise: not holdable first (the others are "not the problem"), then existing holds, then a day paid past what the holds need; all or none. */
  const raiseAll = (list: Hold[]): RaiseOutcome[] => {
    if (list.some((h) => !holdable(h))) return list.map((h): RaiseOutcome => (holdable(h) ? 'raised' : 'not-holdable'));
    if (list.some((h) => holds.has(h.holdId))) return list.map((h): RaiseOutcome => (holds.has(h.holdId) ? 'exists' : 'raised'));
    const moving = (h: Hold) => Object.keys(countChange(h, { open: 1, denied: 0 })).length > 0;
    fitsOneTransaction(list.map((hold) => ({ hold, change: { open: 1, denied: 0 } })));
    // The holds of one day together need their sum still unpaid there.
    const needed = new Map<string, { ref: NonNullable<ReturnType<typeof refOf>>; amount: number }>();
    for (const h of list.filter(moving)) {
      const ref = refOf(h)!;
      const k = `${ref.providerId}|${ref.programCode}|${ref.day}|${ref.municipalityCode}`;
      needed.set(k, { ref, amount: (needed.get(k)?.amount ?? 0) + h.amount });
    }
    if ([...needed.values()].some((n) => !ledger.stillUnpaid(n.ref, n.amount))) return list.map((h): RaiseOutcome => (moving(h) ? 'not-holdable' : 'raised'));
    for (const h of list) {
      holds.set(h.holdId, copy(h));
      applyCounts(h, { open: 1, denied: 0 });
    }
    return list.map(() => 'raised');
  };
  const port: ScreeningPort = {
    async index(p) {
      const existing = index.get(p.approvalNumber);
      index.set(p.approvalNumber, { ...p, status: existing?.status ?? 'APPROVED' });
      return index.get(p.approvalNumber)!.status;
    },
    async neighbours(p, window, nearest) {
      // The adapter's ranges: approval instants (KST) in the approval window, or service starts in the session window.
      const within = (instant: string | null, range: { from: string; to: string } | null) => instant !== null && range !== null && formatKst(new Date(instant)) >= range.from && formatKst(new Date(instant)).slice(0, range.to.length) <= range.to;
      const others = [...index.values()].filter((o) => o.approvalNumber !== p.approvalNumber);
      // As the adapter indexes them: by approval only a normal payment, or one without service times.
      const byApproval = (o: ScreenedPayment) => (o.kind === 'NORMAL' || !o.serviceStartAt) && within(o.approvedAt, window.approved);
      if (nearest === undefined) return others.filter((o) => (o.workerId === p.workerId || o.recipientId === p.recipientId) && (byApproval(o) || within(o.serviceStartAt, window.serviceStart)));
      // The nearest on each side of the payment's own instant, per person and range (ties: by approval number, as the keys sort).
      const found = new Map<string, ScreenedPayment>();
      const side = (list: ScreenedPayment[], at: (o: ScreenedPayment) => string, pivot: string) => {
        const sorted = list.map((o) => ({ o, t: `${formatKst(new Date(at(o)))}#${o.approvalNumber}` })).sort((a, b) => a.t.localeCompare(b.t));
        const before = sorted.filter((x) => x.t.slice(0, 25) <= pivot).reverse().slice(0, nearest);
        const after = sorted.filter((x) => x.t.slice(0, 25) >= pivot).slice(0, nearest);
        for (const { o } of [...before, ...after]) found.set(o.approvalNumber, o);
      };
      for (const same of [(o: ScreenedPayment) => o.workerId === p.workerId, (o: ScreenedPayment) => o.recipientId === p.recipientId]) {
        const mine = others.filter(same);
        side(mine.filter(byApproval), (o) => o.approvedAt, formatKst(new Date(p.approvedAt)));
        if (p.serviceStartAt) side(mine.filter((o) => within(o.serviceStartAt, window.serviceStart)), (o) => o.serviceStartAt!, formatKst(new Date(p.serviceStartAt)));
      }
      return [...found.values()];
    },
    async people(refs) {
      return refs.map((r) => people.get(`${r.personKind}#${r.personId}`) ?? { ...r, deathDate: null, movements: [] });
    },
    async raise(hold, finishing) {
      const [outcome] = raiseAll([hold]);
      if (outcome === 'raised') await options.onRaise?.(hold);
      // As the adapter: screening's finished fact is applied in the same write.
      if (outcome === 'raised' && finishing) await port.finished(finishing);
      return outcome!;
    },
    async addEvidence(holdId, evidence: Evidence, cap) {
      const h = holds.get(holdId);
      if (!h) return 'absent';
      if (h.evidence.some((e) => evidenceKey(e) === evidenceKey(evidence))) return 'added';
      if (h.evidence.length >= cap) return 'full';
      h.evidence.push(evidence);
      return 'added';
    },
    async evidenceKeys(ids) {
      return new Map(ids.flatMap((id) => (holds.has(id) ? [[id, holds.get(id)!.evidence.map(evidenceKey)] as const] : [])));
    },
    async withdraw(p) {
      index.set(p.approvalNumber, { ...(index.get(p.approvalNumber) ?? p), status: p.status });
    },
    async holdsOfPayment(approval) {
      return [...holds.values()].filter((h) => h.approvalNumber === approval);
    },
    async voidHold(hold, reason, at) {
      const h = holds.get(hold.holdId);
      // As the adapter: only from the state read, and a hold keeping evidence is not voided for lost evidence.
      if (!h || !allowedFrom('VOIDED', 'system').includes(hold.state) || h.state !== hold.state) return false;
      if (reason === 'EVIDENCE_CANCELLED' && h.evidence.length) return false;
      const effect = paymentEffect(h.state, 'VOIDED', null);
      Object.assign(h, { state: 'VOIDED', voidReason: reason, releasedAt: at, updatedAt: at, history: [...h.history, { at, by: 'screening', role: 'system', from: hold.state, to: 'VOIDED', comment: reason }] });
      if (effect.open || effect.denied) applyCounts(h, effect);
      return true;
    },
    async dropEvidence(holdId, key) {
      const h = holds.get(holdId);
      if (!h || !h.evidence.some((e) => evidenceKey(e) === key)) return null;
      h.evidence = h.evidence.filter((e) => evidenceKey(e) !== key);
      return structuredClone(h);
    },
    async paymentsOf(person, since) {
      // As the adapter: a payment compared by service times only is found by its service start.
      const servedSince = (p: ScreenedPayment) => p.kind === 'NORMAL' || !p.serviceStartAt || formatKst(new Date(p.serviceStartAt)).slice(0, 10) >= since;
      return [...index.values()].filter((p) => (person.personKind === 'WORKER' ? p.workerId : p.recipientId) === person.personId && p.approvedAt.slice(0, 10) >= since && servedSince(p));
    },
    async stillApproved(p) {
      return truth.get(p.approvalNumber)?.status === 'APPROVED';
    },
    async finished(p) {
      const fact = screenedFact(p);
      if (fact) await ledger.apply(fact);
    },
  };
  const holdable = (h: Hold) => truth.get(h.approvalNumber)?.status === 'APPROVED';
  const holdPort: HoldPort = {
    async hold(id) {
      return copy(holds.get(id) ?? null);
    },
    async holds(ids) {
      return ids.flatMap((id) => (holds.has(id) ? [copy(holds.get(id)!)] : []));
    },
    async move(moves) {
      const ok = moves.every((m) => {
        const h = holds.get(m.hold.holdId);
        return h && h.state === m.hold.state && allowedFrom(m.to, m.actor).includes(h.state) && (m.actor !== 'provider' || h.providerId === m.hold.providerId);
      });
      if (!ok) return 'conflict';
      fitsOneTransaction(moves.map((m) => ({ hold: m.hold, change: paymentEffect(m.hold.state, m.to, m.decision ?? null) })));
      for (const m of moves) {
        const h = holds.get(m.hold.holdId)!;
        const effect = paymentEffect(h.state, m.to, m.decision ?? null);
        if (effect.open || effect.denied) applyCounts(h, effect);
        Object.assign(h, {
          state: m.to,
          updatedAt: m.entry.at,
          history: [...h.history, m.entry],
          ...(m.decision ? { decision: m.decision } : {}),
          ...(m.decisionReason ? { decisionReason: m.decisionReason } : {}),
          ...(m.submittedDocumentKeys ? { submittedDocumentKeys: m.submittedDocumentKeys } : {}),
          ...(m.to === 'REVIEWED' && m.decision === 'PAY' ? { releasedAt: m.entry.at } : {}),
        });
      }
      return 'moved';
    },
    async addDocument(hold, document, max) {
      const h = holds.get(hold.holdId);
      if (!h || h.providerId !== hold.providerId || !['UNPROCESSED', 'SUPPLEMENT_REQUESTED'].includes(h.state) || h.documents.length >= max) return false;
      h.documents = [...h.documents.filter((d) => d.documentKey !== document.documentKey), copy(document)];
      h.updatedAt = document.issuedAt;
      return true;
    },
    async raiseAll(list) {
      return raiseAll(list);
    },
    async providerHolds(providerId, range, filter, page) {
      const found = [...holds.values()]
        .filter((h) => h.providerId === providerId && h.paymentDate >= range.from && h.paymentDate <= range.to && matches(h, filter))
        .sort((a, b) => b.paymentDate.localeCompare(a.paymentDate) || b.holdId.localeCompare(a.holdId));
      return pageOfList(found, page);
    },
    async dayHolds(day, filter, page) {
      return pageOfList([...holds.values()].filter((h) => h.paymentDate === day && matches(h, filter)).sort((a, b) => a.holdId.localeCompare(b.holdId)), page);
    },
  };
  const byRrn = new Map<string, PersonRef[]>();
  const evidencePort: EvidencePort = {
    people: (refs) => port.people(refs),
    async recordDeath(ref, deathDate) {
      const key = `${ref.personKind}#${ref.personId}`;
      people.set(key, { ...(people.get(key) ?? { ...ref, movements: [] }), deathDate });
    },
    async recordMovement(ref, date, direction) {
      const key = `${ref.personKind}#${ref.personId}`;
      const e = people.get(key) ?? { ...ref, deathDate: null, movements: [] };
      if (!e.movements.some((m) => m.date === date && m.direction === direction)) e.movements = [...e.movements, { date, direction }];
      people.set(key, e);
    },
    async peopleByRrnHash(hash) {
      return copy(byRrn.get(hash) ?? []);
    },
  };
  const approve = (p: ScreenedPayment) => truth.set(p.approvalNumber, p);
  const cancel = (p: ScreenedPayment) => truth.set(p.approvalNumber, { ...p, status: 'CANCELLED' });
  /** Registers a person under a look-up hash, as the registry import does. */
  const person = (hash: string, ref: PersonRef) => byRrn.set(hash, [...(byRrn.get(hash) ?? []), ref]);
  return { port, holdPort, evidencePort, holds, people, approve, cancel, person, ledger, counts: countsOf };
}
