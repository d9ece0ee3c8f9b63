/**
 * The screening use cases (domain.md §5): screen an approval, undo what a cancelled or refunded
 * payment no longer justifies, and re-screen a person's unpaid payments when late evidence
 * arrives (SCR-05). Everything here is idempotent: holds have one id per payment and rule,
 * evidence has one key per fact, and the index is written before it is read so that of two
 * payments screened at once, at least the later one sees the earlier.
 */
import type { ProgramKind } from '../registry/entities';
import { formatKst, type IsoDate, kstDate } from '../shared/calendar';
import type { Hold } from './holds';
import type { PersonRef, RaiseOutcome, ScreeningPort } from './ports';
import { type Evidence, evidenceKey, holdIdOf, type HoldProposal, type PersonEvidence, rapidSuccession, type ScreenedPayment, type ScreeningRules, screenPayment, successionWindow } from './rules';

export interface ScreeningSettings {
  rules: ScreeningRules;
  programKind: (programCode: string) => ProgramKind | undefined;
}

export interface Raised {
  ruleId: Hold['ruleId'];
  holdId: string;
  approvalNumber: string;
  outcome: RaiseOutcome;
}

export function holdOf(payment: ScreenedPayment, proposal: Pick<HoldProposal, 'ruleVersion' | 'groupKey' | 'evidence'> & { ruleId: Hold['ruleId'] }, at: string): Hold {
  return {
    holdId: holdIdOf(payment.approvalNumber, proposal.ruleId),
    approvalNumber: payment.approvalNumber,
    ruleId: proposal.ruleId,
    ruleVersion: proposal.ruleVersion,
    groupKey: proposal.groupKey,
    state: 'UNPROCESSED',
    decision: null,
    amount: payment.amount,
    providerId: payment.providerId,
    programCode: payment.programCode,
    serviceCode: payment.serviceCode,
    municipalityCode: payment.municipalityCode,
    recipientId: payment.recipientId,
    workerId: payment.workerId,
    serviceDate: payment.serviceDate,
    paymentDate: kstDate(new Date(payment.approvedAt)),
    evidence: proposal.evidence,
    documents: [],
    submittedDocumentKeys: [],
    history: [{ at, by: 'screening', role: 'system', from: null, to: 'UNPROCESSED' }],
    createdAt: at,
    updatedAt: at,
  };
}

const raisedOf = (hold: Hold, outcome: RaiseOutcome): Raised => ({ ruleId: hold.ruleId, holdId: hold.holdId, approvalNumber: hold.approvalNumber, outcome });

async function raiseOrMerge(port: ScreeningPort, hold: Hold, cap: number, finishing?: ScreenedPayment): Promise<Raised> {
  const outcome = await port.raise(hold, finishing);
  if (outcome === 'exists') for (const e of hold.evidence) await port.addEvidence(hold.holdId, e, cap);
  return raisedOf(hold, outcome);
}

/**
 * A partner's hold (SCR-01's pair rule) mostly exists already, and is mostly full: the partners'
 * holds are read once, evidence is added (one conditional update) only to those with room, and a
 * hold is raised only where none exists. The conditions decide; the read only saves writes.
 */
async function mergeOrRaisePartners(port: ScreeningPort, holds: readonly Hold[], cap: number): Promise<Raised[]> {
  if (!holds.length) return [];
  const known = await port.evidenceKeys(holds.map((h) => h.holdId));
  // Evidence for existing holds at once; raises one after another (they share the day's bucket).
  const added = await Promise.all(holds.map(async (hold) => {
    const keys = known.get(hold.holdId);
    if (!keys) return 'absent';
    const wanted = hold.evidence.filter((e) => !keys.includes(evidenceKey(e)));
    if (!wanted.length || keys.length >= cap) return 'exists';
    // Voided and gone meanwhile: raised again, as if it had not been read.
    return (await Promise.all(wanted.map((e) => port.addEvidence(hold.holdId, e, cap)))).includes('absent') ? 'absent' : 'exists';
  }));
  const out: Raised[] = [];
  for (const [i, hold] of holds.entries()) out.push(added[i] === 'absent' ? await raiseOrMerge(port, hold, cap) : raisedOf(hold, 'exists'));
  return out;
}

const peopleOf = (p: ScreenedPayment): PersonRef[] => [
  { personKind: 'RECIPIENT', personId: p.recipientId },
  { personKind: 'WORKER', personId: p.workerId },
];

/**
 * Screens one approval, then tells settlement it may be paid (PO-02: a run pays nothing screening
 * has not finished with). A payment already cancelled when it is screened is held by nothing.
 * SCR-01 is a pair rule: the earlier payment of a pair is held too, with this one as evidence.
 */
export async function screenApproval(port: ScreeningPort, payment: ScreenedPayment, settings: ScreeningSettings, now: Date): Promise<Raised[]> {
  const raised = await screen(port, payment, settings, now);
  // Only now may a payout run pay it (PO-02): its holds, if any, are in place. The first hold
  // raised on it told settlement already, in the same write (the hold keeps its amount unpaid).
  if (!raised.some((r) => r.approvalNumber === payment.approvalNumber && r.outcome === 'raised')) await port.finished(payment);
  return raised;
}

async function screen(port: ScreeningPort, payment: ScreenedPayment, settings: ScreeningSettings, now: Date): Promise<Raised[]> {
  const at = formatKst(now);
  const status = await port.index(payment, now);
  if (status !== 'APPROVED') return [];
  const { rules } = settings;
  const window = successionWindow(payment, rules['SCR-01']);
  // SCR-01 keeps at most `maxEvidence` payments as evidence, the closest first: no more are read.
  const [neighbours, people] = await Promise.all([rules['SCR-01'].enabled ? port.neighbours(payment, window, rules['SCR-01'].maxEvidence) : Promise.resolve([]), port.people(peopleOf(payment))]);
  const current = { ...payment, status };
  const proposals = screenPayment(current, { rules, programKind: settings.programKind(payment.programCode), neighbours, people });
  const raised: Raised[] = [];
  const cap = rules['SCR-01'].maxEvidence;
  const partnerHolds: Hold[] = [];
  for (const proposal of proposals) {
    const first = !raised.some((r) => r.outcome === 'raised');
    const own = await raiseOrMerge(port, holdOf(current, proposal, at), cap, first ? payment : undefined);
    raised.push(own);
    // A payment that was cancelled meanwhile is evidence against nobody.
    if (proposal.ruleId !== 'SCR-01' || own.outcome === 'not-holdable') continue;
    for (const e of proposal.evidence) {
      const partner = e.kind === 'PAYMENT' ? neighbours.find((n) => n.approvalNumber === e.approvalNumber) : undefined;
      if (!partner) continue;
      const back = rapidSuccession(partner, [current], rules['SCR-01']);
      if (back.length) partnerHolds.push(holdOf(partner, { ...proposal, evidence: back }, at));
    }
  }
  raised.push(...(await mergeOrRaisePartners(port, partnerHolds, cap)));
  const partners = partnerHolds.map((h) => h.approvalNumber);
  // If this payment was cancelled while its partners were being held, its cancellation may have
  // been screened before those holds existed: take this payment back out of them now.
  if (partners.length && !(await port.stillApproved(payment))) await dropAsEvidence(port, payment, partners, at);
  return raised;
}

async function dropAsEvidence(port: ScreeningPort, payment: ScreenedPayment, others: readonly string[], at: string): Promise<string[]> {
  const key = evidenceKey({ kind: 'PAYMENT', approvalNumber: payment.approvalNumber } as Evidence);
  const voided: string[] = [];
  for (const other of others) {
    if (other === payment.approvalNumber) continue;
    const after = await port.dropEvidence(holdIdOf(other, 'SCR-01'), key);
    if (after && after.evidence.length === 0 && after.state === 'UNPROCESSED' && (await port.voidHold(after, 'EVIDENCE_CANCELLED', at))) voided.push(after.holdId);
  }
  return voided;
}

export interface Withdrawn {
  voided: string[];
}

/**
 * A cancelled or refunded payment is never paid through its holds: its open holds are voided.
 * SCR-01 holds of other payments that cite it lose that evidence, and are voided only if no
 * other evidence is left and nobody has acted on them yet; nothing else is released.
 */
export async function screenWithdrawal(port: ScreeningPort, payment: ScreenedPayment, settings: ScreeningSettings, now: Date): Promise<Withdrawn> {
  const at = formatKst(now);
  await port.withdraw(payment);
  const result: Withdrawn = { voided: [] };
  const reason = payment.status === 'REFUNDED' ? 'PAYMENT_REFUNDED' : 'PAYMENT_CANCELLED';
  for (const hold of await port.holdsOfPayment(payment.approvalNumber)) {
    if (await port.voidHold(hold, reason, at)) result.voided.push(hold.holdId);
  }
  const neighbours = await port.neighbours(payment, successionWindow(payment, settings.rules['SCR-01']));
  result.voided.push(...(await dropAsEvidence(port, payment, neighbours.map((n) => n.approvalNumber), at)));
  // A payment withdrawn before its approval was screened needs no screening to be settled (PO-02).
  await port.finished(payment);
  return result;
}

/**
 * SCR-05: evidence about a person arrived. Their payments approved since the evidence's date
 * that are not paid out are screened again by the evidence rules, and held where they now match.
 */
export async function rescreenPerson(port: ScreeningPort, person: PersonRef, since: IsoDate, settings: ScreeningSettings, now: Date): Promise<Raised[]> {
  const at = formatKst(now);
  const payments = (await port.paymentsOf(person, since)).filter((p) => p.status === 'APPROVED');
  const known = new Map<string, PersonEvidence>();
  const raised: Raised[] = [];
  for (const p of payments) {
    const refs = peopleOf(p);
    const missing = refs.filter((r) => !known.has(`${r.personKind}#${r.personId}`));
    if (missing.length) for (const e of await port.people(missing)) known.set(`${e.personKind}#${e.personId}`, e);
    const people = refs.flatMap((r) => known.get(`${r.personKind}#${r.personId}`) ?? []);
    const proposals = screenPayment(p, { rules: settings.rules, programKind: settings.programKind(p.programCode), neighbours: [], people, only: ['SCR-03', 'SCR-04'] });
    for (const proposal of proposals) raised.push(await raiseOrMerge(port, holdOf(p, proposal, at), settings.rules['SCR-01'].maxEvidence));
  }
  return raised;
}
