/**
 * The platform's randomness (functions/shared/clock.ts): the operating system's in Lambda; a
 * seeded local stack draws ids and approval numbers from its seed (a simulation repeats byte for
 * byte), an approval number from the seed and what it is drawn for alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomDigits, randomHex, randomUuid, setRandomSeed, systemRandom } from '../../../functions/shared/clock';

afterEach(() => setRandomSeed(null));

describe('randomness', () => {
  it('unseeded: draws in [0, 1), digits, hex and UUIDs of their shapes, different each time', () => {
    const draws = Array.from({ length: 1_000 }, () => systemRandom());
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
    expect(randomDigits(8)).toMatch(/^\d{8}$/);
    expect(randomDigits(8, 'VT11#T1#0')).toMatch(/^\d{8}$/);
    expect(randomHex(16)).toMatch(/^[0-9A-F]{16}$/);
    expect(randomUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomHex(16)).not.toBe(randomHex(16));
  });

  it('seeded: the same seed gives the same ids; a salted draw depends on the seed and its salt only', () => {
    setRandomSeed(7);
    const first = [randomHex(16), randomUuid(), randomDigits(8)];
    const salted = randomDigits(8, 'VT11#T1#0');
    setRandomSeed(7);
    randomHex(4); // another draw first: the salted digits do not move
    expect(randomDigits(8, 'VT11#T1#0')).toBe(salted);
    setRandomSeed(7);
    expect([randomHex(16), randomUuid(), randomDigits(8)]).toEqual(first);
    expect(randomDigits(8, 'VT11#T2#0')).not.toBe(salted);
    setRandomSeed(8);
    expect(randomHex(16)).not.toBe(first[0]);
  });
});
