/** Consumed capacity reported by DynamoDB (`ReturnConsumedCapacity: TOTAL`), summed per container. */
interface Consumed {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
}

const totals = { read: 0, write: 0, pricedWrite: 0 };

export function meter(consumed: Consumed | Consumed[] | undefined, kind: 'read' | 'write'): void {
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    if (kind === 'write') totals.write += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
    else totals.read += c.ReadCapacityUnits ?? c.CapacityUnits ?? 0;
  }
}

/**
 * What AWS would bill for a transaction's writes: 2 WCU per started KB of each item (DynamoDB
 * Local's own figure for transactions is not the billed one).
 */
export function meterTransactionWrite(items: object[]): void {
  for (const item of items) totals.pricedWrite += 2 * Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v] : v))) / 1024));
}

export function capacitySnapshot(): { read: number; write: number; pricedWrite: number } {
  return { ...totals };
}
