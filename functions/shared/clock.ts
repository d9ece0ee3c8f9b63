/**
 * The clock every component reads. In Lambda it is the system clock; the local stack (which runs
 * the handlers in its own process) moves it with `POST /_local/clock`, and time then flows on
 * from the instant set.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Clock, Random, Sleep } from '../../domain/shared/ports';

let offsetMs = 0;
/** Set when the clock stands still at an instant (a simulation's clock moves only when it is set). */
let frozenAt: number | null = null;

export const systemClock: Clock = {
  now: () => new Date(frozenAt ?? Date.now() + offsetMs),
};

/**
 * Local stack only: make `now()` read `instant` from this moment on (time then flows on, or stands
 * still with `frozen`); `null` returns to real time.
 */
export function setClock(instant: Date | null, frozen = false): void {
  offsetMs = instant === null ? 0 : instant.getTime() - Date.now();
  frozenAt = instant !== null && frozen ? instant.getTime() : null;
}

/** Real waiting, for the domain's `Sleep` port. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The platform's randomness for the domain's `Random` port (back-off jitter): the operating system's. */
export const systemRandom: Random = () => randomInt(0, 2 ** 47) / 2 ** 47;

let seed: number | null = null;
let idStream: Random | null = null;

/**
 * Where ids and approval numbers are drawn: the operating system's randomness in Lambda; a stream
 * of the local stack's seed when it is given one, so that a simulation's run repeats byte for
 * byte. Secrets and ciphers never draw here.
 */
const idRandom: Random = () => (idStream ? idStream() : systemRandom());

/** Local stack only: draw every id from `value` from now on; `null` returns to the operating system's randomness. */
export function setRandomSeed(value: number | null): void {
  seed = value;
  idStream = value === null ? null : sfc32(value);
}

/**
 * `n` random decimal digits. With a `salt` (what the draw is for), a seeded stack draws them from
 * the seed and the salt alone, so that racing requests get the same digits whichever draws first.
 */
export const randomDigits = (n: number, salt?: string): string => {
  const draw = seed !== null && salt !== undefined ? sfc32(seed ^ createHash('sha256').update(salt).digest().readUInt32BE(0)) : idRandom;
  return Array.from({ length: n }, () => Math.floor(draw() * 10)).join('');
};

/** A random id of `n` upper-case hexadecimal characters. */
export const randomHex = (n: number): string => Array.from({ length: n }, () => Math.floor(idRandom() * 16).toString(16)).join('').toUpperCase();

/** A random UUID (version 4 layout). */
export const randomUuid = (): string => {
  const h = randomHex(32).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(idRandom() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** sfc32 (Chris Doty-Humphrey's small fast counting generator), seeded from one 32-bit number. */
function sfc32(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}
