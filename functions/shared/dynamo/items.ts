/** A stored item without its key and bookkeeping attributes: the entity it holds. */
const STORAGE_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'type', 'fingerprint'];

export function entityOf<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const k of STORAGE_ATTRIBUTES) delete copy[k];
  return copy as T;
}
