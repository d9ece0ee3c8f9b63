/**
 * REG-08's bound on the payment path without a read per payment: every registry write puts, in
 * its own transaction, one feed entry naming what payments may have cached of it (a card, a
 * worker payment ID, a holder's contracts, a terminal, a provider, the catalog). A container keeps
 * what it read with no expiry and asks the feed what changed at most every `POLL_MS` (one Query,
 * however many payments): an entry named there is forgotten, so a lost card or a cancelled
 * terminal is refused within `POLL_MS` plus a transaction's time of its change. The feed is spread
 * over `FEED_SHARDS` partitions; a poll is one Query of each, side by side.
 *
 * The feed is ordered by the host's wall clock (a local stack's platform clock can be set back);
 * when a poll is due is read on the platform clock, as every registry bound is (a simulation moves
 * it by hours). Each poll reads back `OVERLAP_MS` before the previous one, so an entry stamped just
 * before its transaction committed is still seen; entries seen once are not forgotten again.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomHex, systemClock } from '../clock';
import type { TransactItem } from './batch';
import { meter } from './capacity';
import type { Table } from './client';
import { keys } from './keys';

/** A cached registry fact is at most this old (platform clock) when a payment uses it. */
export const POLL_MS = 5_000;
/** How far each poll reads back before the previous one (a stamp taken before its commit). */
const OVERLAP_MS = 30_000;
/** Feed entries outlive every poll's look-back by far. */
const FEED_RETENTION_SECONDS = 24 * 3600;

/** What a payment container may hold of the registry, by the name the feed uses. */
export const cached = {
  card: (cardNumber: string) => `card:${cardNumber}`,
  workerPaymentId: (paymentId: string) => `wpid:${paymentId}`,
  contracts: (recipientId: string) => `contracts:${recipientId}`,
  terminal: (serial: string) => `terminal:${serial}`,
  provider: (providerId: string) => `provider:${providerId}`,
  catalog: 'catalog',
} as const;

/**
 * The names the payment path caches a registry record by, from the record's stored `type` and its
 * fields: what a write of it puts in the feed (import and registry API alike).
 */
export function cachedNamesOf(type: unknown, record: Record<string, unknown>): string[] {
  switch (type) {
    case 'Program':
      return [cached.catalog];
    case 'Provider':
      return [cached.provider(record.providerId as string)];
    case 'Worker':
      return [cached.workerPaymentId(record.workerPaymentId as string)];
    case 'Terminal':
    case 'TerminalTransfer':
      return [cached.terminal(record.serial as string)];
    case 'Card':
      return [cached.card(record.cardNumber as string)];
    case 'Recipient':
    case 'Contract':
      return [cached.contracts(record.recipientId as string)];
    default:
      return [];
  }
}

/**
 * The feed's partitions: an import of the national registry writes an entry per record, more than
 * one partition takes a second (1,000 write units); a poll reads them all at once.
 */
export const FEED_SHARDS = 8;

/** The feed entry of one registry write: put in the write's own transaction, in a random shard. */
export function feedEntry(tableName: string, names: readonly string[], wallMs = Date.now()): TransactItem {
  const id = randomHex(8).toLowerCase();
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.registryFeed(parseInt(id.slice(0, 2), 16) % FEED_SHARDS, wallMs, id), type: 'RegistryFeed', names: [...new Set(names)], expiresAt: Math.floor(wallMs / 1000) + FEED_RETENTION_SECONDS },
    },
  };
}

export interface FeedClocks {
  /** When a poll is due (the platform's clock). */
  platformMs: () => number;
  /** How the feed is ordered (the host's wall clock). */
  wallMs: () => number;
}

const defaultClocks: FeedClocks = { platformMs: () => systemClock.now().getTime(), wallMs: () => Date.now() };

/**
 * One container's reader of the feed. `fresh()` answers once the caches hold nothing older than
 * `POLL_MS`: at once when a poll is recent, else after one Query that forgets what changed. A
 * failed poll forgets everything (nothing cached can then be vouched for) and is tried again.
 */
export class RegistryFeed {
  private polledAtPlatform: number;
  private polledFromWall: number;
  private polling: Promise<void> | null = null;
  /** Entries already applied, by sort key, pruned as the look-back passes them. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly table: Table,
    private readonly forget: (name: string) => void,
    private readonly forgetAll: () => void,
    private readonly clocks: FeedClocks = defaultClocks,
  ) {
    // Nothing is cached before the first read: changes before now need not be heard of.
    this.polledAtPlatform = clocks.platformMs();
    this.polledFromWall = clocks.wallMs();
  }

  fresh(): Promise<void> {
    const age = this.clocks.platformMs() - this.polledAtPlatform;
    if (age >= 0 && age < POLL_MS) return Promise.resolve();
    return (this.polling ??= this.poll().finally(() => (this.polling = null)));
  }

  private async poll(): Promise<void> {
    const startedPlatform = this.clocks.platformMs();
    const startedWall = this.clocks.wallMs();
    const from = keys.registryFeedFrom(this.polledFromWall - OVERLAP_MS);
    try {
      await Promise.all(Array.from({ length: FEED_SHARDS }, (_, shard) => this.pollShard(shard, from)));
    } catch {
      // Unheard changes may be cached: forget it all and poll again on the next request.
      this.forgetAll();
      return;
    } finally {
      for (const seenAs of this.seen) if (seenAs.slice(seenAs.indexOf('|') + 1) < from) this.seen.delete(seenAs);
    }
    this.polledAtPlatform = startedPlatform;
    this.polledFromWall = startedWall;
  }

  private async pollShard(shard: number, from: string): Promise<void> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.table.doc.send(new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'PK = :pk AND SK >= :from',
        ExpressionAttributeValues: { ':pk': keys.registryFeedPartition(shard), ':from': from },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
        ExclusiveStartKey: start,
      }));
      meter(out.ConsumedCapacity, 'read');
      for (const item of out.Items ?? []) {
        const seenAs = `${shard}|${item.SK as string}`;
        if (this.seen.has(seenAs)) continue;
        this.seen.add(seenAs);
        for (const name of (item.names as string[] | Set<string> | undefined) ?? []) this.forget(name);
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }
}
