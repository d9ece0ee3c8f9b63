/**
 * events/samples hold one real input of each kind a handler takes (the import document, the
 * scheduler's event, a queue message): each must be what its handler's schema accepts, so the
 * samples in the docs' walk-through cannot rot.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExistingRegistry } from '../../../domain/registry/document';
import { planImport } from '../../../domain/registry/import';
import { importEnvelope, parseImportRecords } from '../../../events/import';
import { scheduledJobEvent } from '../../../events/schedule';
import { voucherShardTask } from '../../../events/voucher-generation';

const dir = resolve(import.meta.dirname, '../../../events/samples');
const sample = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const SCHEMAS = { 'import-document.json': importEnvelope, 'scheduled-voucher-generation.json': scheduledJobEvent, 'voucher-shard-task.json': voucherShardTask } as const;

describe('event samples', () => {
  it('every sample has the schema of the handler that takes it', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(SCHEMAS).sort());
    for (const [name, schema] of Object.entries(SCHEMAS)) expect(schema.safeParse(sample(name)).success, name).toBe(true);
  });

  it('admin-import: the sample document is a whole registry that imports without a rejection', () => {
    const { parsed, issues } = parseImportRecords(importEnvelope.parse(sample('import-document.json')));
    const empty: ExistingRegistry = { serviceTypes: new Map(), programs: new Set(), providers: new Map(), workers: new Map(), terminals: new Map(), recipients: new Map(), cards: new Map(), contracts: new Map() };
    const plan = planImport(parsed, empty, '2026-03-01');
    expect(issues).toEqual([]);
    expect(plan.rejected).toEqual([]);
    expect(plan.contracts.length).toBeGreaterThan(0);
  });

  it('voucher-generation and voucher-shard refuse a message of another version', () => {
    expect(scheduledJobEvent.safeParse({ ...(sample('scheduled-voucher-generation.json') as object), version: 2 }).success).toBe(false);
    expect(voucherShardTask.safeParse({ ...(sample('voucher-shard-task.json') as object), version: 2 }).success).toBe(false);
  });
});
