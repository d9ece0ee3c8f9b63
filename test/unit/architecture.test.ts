import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** The relative imports of a source file, as repo paths (`domain/shared/calendar.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => normalize(join(dirname(file), `${m[1]}.ts`)));
}

const CONTEXTS = ['shared', 'registry', 'vouchers', 'payments', 'screening', 'settlement', 'cms', 'operations'];

describe('layout', () => {
  it('domain/ imports no AWS SDK, no Lambda types, no Node I/O and no adapter', () => {
    const forbidden = /from ['"](@aws-sdk\/|aws-lambda|@aws-lambda-powertools\/|@middy\/|node:(fs|http|https|net|child_process|timers)|(\.\.\/)+(functions|infra|events)\/)/;
    const offenders = sources('domain').filter((f) => forbidden.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('domain/ is one folder per bounded context, with nothing beside them', () => {
    const entries = readdirSync(join(root, 'domain'), { withFileTypes: true });
    expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual([]);
    expect(entries.map((e) => e.name).sort()).toEqual([...CONTEXTS].sort());
  });

  it('domain/ has no import cycle, and shared/ depends on no other context', () => {
    const files = sources('domain');
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const cycles: string[][] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f]);
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    files.forEach((f) => visit(f, []));
    expect(cycles).toEqual([]);
    const sharedOut = files.filter((f) => f.startsWith('domain/shared/')).flatMap((f) => importsOf(f).filter((g) => !g.startsWith('domain/shared/')));
    expect(sharedOut).toEqual([]);
  });

  it('handlers send no DynamoDB command: the stores under functions/shared/dynamo/ do', () => {
    const handlers = readdirSync(join(root, 'functions'), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'shared').flatMap((e) => sources(join('functions', e.name)));
    expect(handlers.filter((f) => /from '@aws-sdk\/(lib-dynamodb|client-dynamodb)'/.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it('only the key module spells DynamoDB keys', () => {
    const keyLiteral = /['"`](PROV|RCPT|WORKER|TERM|CARD|CONTRACT|VOUCHER|VGEN|CATALOG|BIZNO|WPID|TPHONE|SEQ|JOB|PROVPAY|TXN|RETRO|REFUND|PROVREFUND|SCRIDX|EVID|HOLD|PROVHOLD|HOLDDAY|LEDGER|OPENLEDGER|LFACT|DEPOSIT|PAYOUT|PROVPAYOUT|PAYDAY|CLAIM|PROVCLAIM|PROVIDERS|GRANTED|PERSON|ACCESS|CMSFILE|TOTALS|APPLIED|APPROVAL|CLAIMSESSION)#|['"](DEPOSITS|DELAYS|CMSFILES)['"]/;
    const offenders = [...sources('functions'), ...sources('domain')].filter((f) => !f.endsWith('dynamo/keys.ts') && keyLiteral.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the simulation\'s auditor is independent: nothing it imports, directly or not, is in domain/, functions/ or events/', () => {
    const closure = new Set<string>();
    const visit = (f: string) => {
      if (closure.has(f)) return;
      closure.add(f);
      importsOf(f).forEach(visit);
    };
    visit('test/sim/model.ts');
    expect([...closure].filter((f) => /^(domain|functions|events)\//.test(f))).toEqual([]);
  });

  it('the fixed top-level folders and files exist', () => {
    const top = readdirSync(root);
    for (const name of ['infra', 'functions', 'domain', 'events', 'test', 'cdk.json', 'package.json', 'tsconfig.json', 'README.md']) expect(top).toContain(name);
  });

  it('handlers are thin: at most 40 lines of wiring (code lines besides imports and comments), and no handler builds a store', () => {
    const handlers = readdirSync(join(root, 'functions'), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'shared').map((e) => join('functions', e.name, 'handler.ts'));
    const wiring = (f: string) => readFileSync(join(root, f), 'utf8').split('\n').filter((l) => l.trim() !== '' && !/^(import |export \{ routes \};?$)/.test(l) && !/^\s*(\/\/|\/\*\*|\*)/.test(l)).length;
    expect(handlers.filter((f) => wiring(f) > 40).map((f) => `${f}: ${wiring(f)}`)).toEqual([]);
    expect(handlers.filter((f) => /new Dynamo[A-Za-z]*\(/.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });
});
