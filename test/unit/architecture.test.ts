import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

describe('layout', () => {
  it('domain/ imports no AWS SDK, no Lambda types, no Node I/O and no adapter', () => {
    const forbidden = /from ['"](@aws-sdk\/|aws-lambda|@aws-lambda-powertools\/|@middy\/|node:(fs|http|https|net|child_process)|\.\.\/functions|\.\.\/infra)/;
    const offenders = sources('domain').filter((f) => forbidden.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('only the key module spells DynamoDB keys', () => {
    const keyLiteral = /['"`](PROV|RCPT|WORKER|TERM|CARD|CONTRACT|VOUCHER|VGEN|CATALOG|BIZNO|WPID|TPHONE|SEQ|JOB|PROVPAY|TXN|RETRO|REFUND|PROVREFUND|SCRIDX|EVID|HOLD|PROVHOLD|HOLDDAY|LEDGER|OPENLEDGER|LFACT|DEPOSIT|PAYOUT|PROVPAYOUT|PAYDAY|CLAIM|PROVCLAIM|PROVIDERS|GRANTED|PERSON|ACCESS|CMSFILE)#|['"](DEPOSITS|DELAYS|CMSFILES)['"]/;
    const offenders = [...sources('functions'), ...sources('domain')].filter((f) => !f.endsWith('dynamo/keys.ts') && keyLiteral.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the fixed top-level folders and files exist', () => {
    const top = readdirSync(root);
    for (const name of ['infra', 'functions', 'domain', 'events', 'test', 'cdk.json', 'package.json', 'tsconfig.json', 'README.md']) expect(top).toContain(name);
  });
});
