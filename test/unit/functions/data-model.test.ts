/** docs/data-model.md is the one access-pattern table: it must name every key prefix keys.ts builds. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const keysSource = readFileSync(join(root, 'functions/shared/dynamo/keys.ts'), 'utf8');
const doc = readFileSync(join(root, 'docs/data-model.md'), 'utf8');
const rows = doc.split('\n').filter((l) => /^\| \d+b? \|/.test(l));

/** Partition prefixes (`PROV#…`) and whole constant keys (`'DEPOSITS'`) of keys.ts. */
const prefixes = [...new Set([...keysSource.matchAll(/`([A-Z][A-Z0-9]+)#/g), ...keysSource.matchAll(/'([A-Z][A-Z0-9]{3,})'/g)].map((m) => m[1]!))];

describe('the access-pattern table', () => {
  it('names every key prefix that keys.ts builds', () => {
    expect(prefixes.length).toBeGreaterThan(30);
    const table = rows.join('\n');
    expect(prefixes.filter((p) => !table.includes(`\`${p}#`) && !table.includes(`\`${p}\``) && !table.includes(`${p}#`))).toEqual([]);
  });

  it('numbers each access pattern once', () => {
    const numbers = rows.map((r) => r.split('|')[1]!.trim());
    expect(numbers.length).toBeGreaterThan(30);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('is the only copy: keys.ts and the README point to it', () => {
    expect(keysSource).not.toMatch(/^ \* \| \d+ \|/m);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).not.toMatch(/^\| \d+ \| /m);
  });
});

describe('the runbook', () => {
  it('issue 16 §3: docs/operations.md says for each alarm what it means and what to do', async () => {
    const { ALARMS } = await import('../../../infra/system');
    const runbook = readFileSync(join(root, 'docs/operations.md'), 'utf8');
    const sections = runbook.split('\n### ').slice(1).map((s) => s.split('\n')[0]!);
    for (const alarm of ALARMS) {
      const named = sections.some((h) => h.includes(`\`${alarm.name}\``) || (alarm.kind === 'dlq-depth' && h.includes('`<queue>-dlq-depth`')));
      expect(named, alarm.name).toBe(true);
    }
  });
});
