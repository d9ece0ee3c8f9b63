/**
 * PO-08 totals in memory, with the adapter's rule: a change's deltas are added once by its id.
 * Deposit accounts are the settlement fake's. Passes the same contract suite as the DynamoDB store.
 */
import type { DepositAccount } from '../../domain/settlement/ports';
import { addDeltas, type ConservationPort, EMPTY_MONEY_TOTALS, type MoneyTotals, type MunicipalityProgram, type TotalsDelta, type TotalsPort } from '../../domain/settlement/totals';

export class InMemoryTotals implements TotalsPort, ConservationPort {
  readonly applied = new Set<string>();
  readonly totals = new Map<string, MunicipalityProgram & MoneyTotals>();

  constructor(private readonly settlement: { accounts: ReadonlyMap<string, DepositAccount> }) {}

  async applyOnce(changes: readonly { changeId: string; deltas: readonly TotalsDelta[] }[]): Promise<void> {
    for (const c of changes) {
      if (this.applied.has(c.changeId)) continue;
      this.applied.add(c.changeId);
      for (const d of c.deltas) {
        const k = `${d.municipalityCode}#${d.programCode}`;
        this.totals.set(k, { municipalityCode: d.municipalityCode, programCode: d.programCode, ...addDeltas(this.totals.get(k) ?? EMPTY_MONEY_TOTALS, d) });
      }
    }
  }

  async conservationTotals(): Promise<{ totals: (MunicipalityProgram & MoneyTotals)[]; deposits: (MunicipalityProgram & DepositAccount)[] }> {
    return {
      totals: [...this.totals.values()].sort((a, b) => `${a.municipalityCode}#${a.programCode}`.localeCompare(`${b.municipalityCode}#${b.programCode}`)).map((t) => structuredClone(t)),
      deposits: [...this.settlement.accounts].map(([k, a]) => ({ municipalityCode: k.split('|')[0]!, programCode: k.split('|')[1]!, ...a })),
    };
  }
}
