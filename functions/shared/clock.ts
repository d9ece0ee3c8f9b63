/**
 * The clock every component reads. In Lambda it is the system clock; the local stack (which runs
 * the handlers in its own process) moves it with `POST /_local/clock`, and time then flows on
 * from the instant set.
 */
import type { Clock, Random, Sleep } from '../../domain/shared/ports';

let offsetMs = 0;

export const systemClock: Clock = {
  now: () => new Date(Date.now() + offsetMs),
};

/** Local stack only: make `now()` read `instant` from this moment on; `null` returns to real time. */
export function setClock(instant: Date | null): void {
  offsetMs = instant === null ? 0 : instant.getTime() - Date.now();
}

/** Real waiting, for the domain's `Sleep` port. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The platform's randomness, for the domain's `Random` port. */
export const systemRandom: Random = Math.random;
