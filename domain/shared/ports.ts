/** Ports every bounded context shares: the clock, waiting, randomness and paged reads. */

/** The one clock every component reads (the local stack can set it). */
export interface Clock {
  now(): Date;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  nextToken?: string;
}

export interface PageRequest {
  limit: number;
  nextToken?: string;
}

/** Waiting between attempts. Production sleeps; tests and the simulation need not. */
export type Sleep = (ms: number) => Promise<void>;

/** A number in [0, 1): jitter comes through here so that a seeded run repeats exactly. */
export type Random = () => number;

/**
 * Who is calling a use case, as far as the domain needs to know: for history entries, and
 * whether a record of a provider and a municipality is theirs to see (§8 decides, in tenancy).
 */
export interface Caller {
  sub: string;
  role: string;
  providerId?: string | undefined;
  sees(record: { providerId: string; municipalityCode: string | null }): boolean;
}
