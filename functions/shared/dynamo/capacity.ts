/** Consumed capacity reported by DynamoDB (`ReturnConsumedCapacity: TOTAL`), summed per container. */
interface Consumed {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
}

/** Units read and written, billed write units, and read requests (GetItem, each Query page). */
const totals = { read: 0, write: 0, pricedWrite: 0, readRequests: 0 };

export function meter(consumed: Consumed | Consumed[] | undefined, kind: 'read' | 'write'): void {
  if (kind === 'read') totals.readRequests++;
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    if (kind === 'write') totals.write += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
    else totals.read += c.ReadCapacityUnits ?? c.CapacityUnits ?? 0;
  }
}

const KB = 1024;

/**
 * What AWS would bill for a transaction's writes: 2 WCU per started KB of each item (DynamoDB
 * Local's own figure for transactions is not the billed one). A put is sized by its item; an
 * update or delete by the item it changes, which the request does not carry: the items this code
 * updates in transactions (vouchers, counters, buckets, payments) stay under 1 KB, so 2 WCU each.
 */
export function meterTransactionWrite(items: readonly { Put?: { Item?: object } }[]): void {
  for (const item of items) {
    const bytes = item.Put?.Item ? Buffer.byteLength(JSON.stringify(item.Put.Item, (_k, v) => (v instanceof Set ? [...v] : v))) : 0;
    totals.pricedWrite += 2 * Math.max(1, Math.ceil(bytes / KB));
  }
}

export function capacitySnapshot(): { read: number; write: number; pricedWrite: number; readRequests: number } {
  return { ...totals };
}
