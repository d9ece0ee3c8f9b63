/** Ports every bounded context shares: the clock and paged reads. */

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
