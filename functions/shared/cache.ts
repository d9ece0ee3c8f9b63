/**
 * A small cache for registry reads on the payment path, bounded by age (a TTL) or, with an
 * infinite TTL, held until forgotten (the registry feed names what changed, REG-08). Money never
 * depends on it: balances, sessions and day limits are decided by the conditional transaction,
 * and a refusal is named from the table.
 */
import { systemClock } from './clock';

export class TtlCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = () => systemClock.now().getTime(),
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    // Read on the platform's clock (a local stack's clock may be set back: an entry from its future is stale too).
    const age = hit ? this.now() - hit.at : Infinity;
    if (hit && age >= 0 && age < this.ttlMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    // Failed or empty loads are not remembered.
    value.then((v) => (v === null || v === undefined) && this.entries.delete(key), () => this.entries.delete(key));
    return value;
  }

  /** The value held for `key` if it is still fresh, without loading it. */
  peek(key: string): Promise<V> | undefined {
    const hit = this.entries.get(key);
    const age = hit ? this.now() - hit.at : Infinity;
    return hit && age >= 0 && age < this.ttlMs ? hit.value : undefined;
  }

  /** Holds `value` for `key` from now on. */
  set(key: string, value: V): void {
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: this.now(), value: Promise.resolve(value) });
  }

  /** Forgets one key: the next `get` loads it again. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
