/**
 * The simulation's only source of randomness (pure-rand's xoroshiro128+). Every stream is derived
 * from the seed and a label, so a day's workload depends on the seed and the day, not on how much
 * randomness earlier days used: a shrunk trace (fewer days, fewer actors) keeps the days it kept.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** FNV-1a over the label, mixed with the seed: a 31-bit sub-seed. */
export function subSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return (h >>> 1) & 0x7fffffff;
}

export class Rng {
  private readonly g: RandomGenerator;
  constructor(readonly seed: number, readonly label = '') {
    this.g = xoroshiro128plus(subSeed(seed, label));
  }
  /** An independent stream for `label`, the same for the same seed whatever was drawn before. */
  fork(label: string): Rng {
    return new Rng(this.seed, `${this.label}/${label}`);
  }
  /** An integer in [from, to]. */
  int(from: number, to: number): number {
    return uniformInt(this.g, from, to);
  }
  float(): number {
    return uniformFloat64(this.g);
  }
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(0, items.length - 1)]!;
  }
  /** A Fisher–Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
