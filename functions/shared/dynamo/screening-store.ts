/**
 * Everything screening uses, built once per container from its three stores: the screening
 * index, people's evidence and holds (one store per aggregate, each its own file), and the
 * ledger, told when a payment's screening has finished (PO-02).
 */
import type { ScreeningPort } from '../../../domain/screening/ports';
import { screenedFact } from '../../../domain/settlement/ledger';
import type { Table } from './client';
import { DynamoEvidenceStore } from './evidence-store';
import { DynamoHoldStore } from './hold-store';
import { DynamoLedgerStore } from './ledger-store';
import { DynamoScreeningIndex } from './screening-index-store';

/** The three stores, and the three as the screening flow's one port. */
export function screeningStores(table: Table, epochSeconds: () => number) {
  const index = new DynamoScreeningIndex(table, epochSeconds);
  const evidence = new DynamoEvidenceStore(table);
  const holds = new DynamoHoldStore(table, epochSeconds);
  const ledger = new DynamoLedgerStore(table, epochSeconds);
  const port: ScreeningPort = {
    index: (p, at) => index.index(p, at),
    neighbours: (p, w, nearest) => index.neighbours(p, w, nearest),
    withdraw: (p) => index.withdraw(p),
    paymentsOf: (person, since) => index.paymentsOf(person, since),
    stillApproved: (p) => index.stillApproved(p),
    people: (refs) => evidence.people(refs),
    raise: (h, finishing) => holds.raise(h, finishing),
    addEvidence: (id, e, cap) => holds.addEvidence(id, e, cap),
    evidenceKeys: (ids) => holds.evidenceKeys(ids),
    holdsOfPayment: (a) => holds.holdsOfPayment(a),
    voidHold: (h, r, at) => holds.voidHold(h, r, at),
    dropEvidence: (id, k) => holds.dropEvidence(id, k),
    // PO-02: the payment's day bucket lets a run pay it (its `unscreened` amount comes off once).
    finished: async (p) => {
      const fact = screenedFact(p);
      if (fact) await ledger.apply(fact);
    },
  };
  return { index, evidence, holds, port };
}
