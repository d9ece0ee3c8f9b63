/**
 * Shrinking: a failing run is re-run with fewer days (up to the failing day), then fewer
 * providers, then fewer recipients, keeping each reduction that still fails, until none does.
 * The world and each day's workload come from the seed and the day, so a shorter run replays the
 * days it keeps.
 */
import type { SimOptions, SimSummary } from './run';

const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

export async function shrink(
  options: SimOptions,
  failed: SimSummary,
  run: (o: SimOptions) => Promise<SimSummary>,
  log: (line: string) => void = () => undefined,
  budget = 12,
): Promise<{ options: SimOptions; summary: SimSummary }> {
  let best = { options, summary: failed };
  const first = failed.disagreements[0]!;
  const start = failed.firstDay;
  const tryOptions = async (candidate: SimOptions): Promise<boolean> => {
    if (budget-- <= 0) return false;
    const summary = await run({ ...candidate, start });
    log(`  shrink ${JSON.stringify({ days: candidate.days, keep: candidate.keep })}: ${summary.disagreements.length ? 'still fails' : 'passes'}`);
    if (summary.disagreements.length === 0) return false;
    best = { options: { ...candidate, start }, summary };
    return true;
  };
  // Days: the run needs to reach the failing day at most (a failure in the settling keeps them all).
  const failingDay = Math.min(options.days, daysBetween(start, first.day) + 1);
  if (failingDay >= 1 && failingDay < options.days) await tryOptions({ ...best.options, days: failingDay });
  for (const field of ['providers', 'recipients'] as const) {
    let size = field === 'providers' ? best.summary.providers : best.summary.recipients;
    while (size > 2) {
      const smaller = Math.max(2, Math.floor(size / 2));
      if (!(await tryOptions({ ...best.options, keep: { ...best.options.keep, [field]: smaller } }))) break;
      size = smaller;
    }
  }
  return best;
}

