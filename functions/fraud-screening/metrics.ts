/** Per rule and invocation: payments a rule looked at and holds it raised, one EMF line per rule. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Raised } from '../../domain/screening/flow';
import { type ScreeningRuleId, SCREENING_RULE_IDS } from '../../domain/screening/rules';
import type { ScreeningSettings } from '../../domain/screening/flow';
import { addDimensionedMetrics } from '../shared/observability';

let perRule = new Map<string, { screened: number; held: number }>();
const tally = (ruleId: string) => perRule.get(ruleId) ?? perRule.set(ruleId, { screened: 0, held: 0 }).get(ruleId)!;

/** The enabled rules (of `only`, when given) looked at one more payment. */
export function countScreened(settings: ScreeningSettings, only?: readonly ScreeningRuleId[]): void {
  for (const id of SCREENING_RULE_IDS) if (settings.rules[id].enabled && (!only || only.includes(id))) tally(id).screened++;
}

export function countHolds(raised: Raised[]): void {
  for (const r of raised) if (r.outcome === 'raised') tally(r.ruleId).held++;
}

/** One EMF line per rule and invocation, with the rule as a dimension (dashboard: screened, held). */
export function publishPerRule(): void {
  for (const [ruleId, n] of perRule) {
    // Written at once (locally the ops console's screening graph reads them too).
    addDimensionedMetrics(MetricUnit.Count, { PaymentsScreened: n.screened, HoldsRaised: n.held }, { ruleId });
  }
  perRule = new Map();
}
