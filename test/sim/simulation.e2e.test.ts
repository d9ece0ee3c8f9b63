/**
 * The simulation in CI (issue 12 §6): one seed against DynamoDB Local and fauxqs through the local
 * stack, with faults, checked by the independent auditor from the first answer to the settled
 * money. A disagreement fails with the seed, the day, the step and both answers; the command in
 * the message replays it.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from './run';

const SEED = 20261203;

describe('simulation (DynamoDB Local, faults on)', () => {
  it(`seed ${SEED}: every answer and every won as the auditor predicts`, async () => {
    const summary = await new Simulation({ seed: SEED, days: 8, scale: 0.1, store: 'dynamodb' }).run();
    const replay = `npm run simulate -- --seed ${SEED} --days 8 --scale 0.1`;
    expect(summary.disagreements, `${replay}\n${JSON.stringify(summary.disagreements, null, 2).slice(0, 4_000)}`).toEqual([]);
    expect(summary.payments.approved).toBeGreaterThan(50);
    expect(Object.values(summary.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 400_000);
});
