/** Consumed capacity reported by DynamoDB (`ReturnConsumedCapacity: TOTAL`), summed per container. */
interface Consumed {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
}

const totals = { read: 0, write: 0 };

export function meter(consumed: Consumed | Consumed[] | undefined, kind: 'read' | 'write'): void {
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    if (kind === 'write') totals.write += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
    else totals.read += c.ReadCapacityUnits ?? c.CapacityUnits ?? 0;
  }
}

export function capacitySnapshot(): { read: number; write: number } {
  return { ...totals };
}
