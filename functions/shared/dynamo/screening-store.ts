/**
 * Everything screening uses, built once per container from its three stores: the screening
 * index, people's evidence and holds (one store per aggregate, each its own file).
 */
import type { ScreeningPort } from '../../../domain/screening/ports';
import type { Table } from './client';
import { DynamoEvidenceStore } from './evidence-store';
import { DynamoHoldStore } from './hold-store';
import { DynamoScreeningIndex } from './screening-index-store';

/** The three stores, and the three as the screening flow's one port. */
export function screeningStores(table: Table, epochSeconds: () => number) {
  const index = new DynamoScreeningIndex(table, epochSeconds);
  const evidence = new DynamoEvidenceStore(table);
  const holds = new DynamoHoldStore(table);
  const port: ScreeningPort = {
    index: (p, at) => index.index(p, at),
    neighbours: (p, w) => index.neighbours(p, w),
    withdraw: (p) => index.withdraw(p),
    paymentsOf: (person, since) => index.paymentsOf(person, since),
    stillApproved: (p) => index.stillApproved(p),
    people: (refs) => evidence.people(refs),
    raise: (h) => holds.raise(h),
    addEvidence: (id, e, cap) => holds.addEvidence(id, e, cap),
    holdsOfPayment: (a) => holds.holdsOfPayment(a),
    voidHold: (h, r, at) => holds.voidHold(h, r, at),
    dropEvidence: (id, k) => holds.dropEvidence(id, k),
  };
  return { index, evidence, holds, port };
}
