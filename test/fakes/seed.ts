/** Seeds the in-memory payment store from a registry document, as the import and March's voucher generation would. */
import type { ExistingRegistry } from '../../domain/registry/document';
import { planImport } from '../../domain/registry/import';
import { planRecipientMonth } from '../../domain/vouchers/generation';
import { importEnvelope, parseImportRecords } from '../../events/import';
import type { RegistryDocument } from '../contracts/payment-store';
import type { InMemoryPaymentStore } from './payment-store';

export function seedPaymentStore(store: InMemoryPaymentStore, doc: RegistryDocument, month = '2026-03'): void {
  const empty: ExistingRegistry = { serviceTypes: new Map(), programs: new Set(), providers: new Map(), workers: new Map(), terminals: new Map(), recipients: new Map(), cards: new Map(), contracts: new Map() };
  const plan = planImport(parseImportRecords(importEnvelope.parse(doc)).parsed, empty, `${month}-01`);
  if (plan.rejected.length) throw new Error(JSON.stringify(plan.rejected));
  for (const { record: p } of plan.providers) store.businessNumbers.set(p.providerId, p.businessNumber);
  for (const { record: w } of plan.workers) if (w.workerPaymentId) store.workers.set(w.workerId, { workerId: w.workerId, providerId: w.providerId, workerPaymentId: w.workerPaymentId, contracts: w.contracts });
  for (const { record: c } of plan.cards) store.cards.set(c.cardNumber, c);
  const serviceTypes = new Map(plan.programs.flatMap(({ record: p }) => p.serviceTypes.map((s) => [s.serviceCode, s] as const)));
  for (const { record: p } of plan.programs) for (const s of p.serviceTypes) store.serviceTypes.set(s.serviceCode, { serviceType: s, program: { kind: p.kind, requiresTerminalMatch: p.requiresTerminalMatch, ...(p.time ? { time: p.time } : {}) } });
  for (const { record: c } of plan.contracts) store.contracts.push(c);
  for (const { record: r } of plan.recipients) {
    const { vouchers } = planRecipientMonth({ month, recipient: r, contracts: store.contracts, existing: [], serviceTypes, decidedAt: `${month}-01T00:10:00+09:00` });
    for (const v of vouchers)
      store.vouchers.set(`${v.recipientId}/${v.month}/${v.serviceCode}`, {
        recipientId: v.recipientId, serviceCode: v.serviceCode, programCode: v.programCode, month: v.month, grantedAmount: v.grantedAmount, grantedSessions: v.grantedSessions,
        perSessionAmount: v.perSessionAmount, remainingAmount: v.grantedAmount, remainingSessions: v.grantedSessions, municipalityCode: v.municipalityCode, version: 0, paidDays: [],
        ...(v.grantedMinutes !== undefined ? { grantedMinutes: v.grantedMinutes, remainingMinutes: v.grantedMinutes } : {}),
      });
  }
}
