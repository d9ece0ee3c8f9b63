/**
 * Registry self-service use cases (REG-01/03/05/08) on the in-memory store: each rule's refusal
 * changes nothing; each change comes with its masked audit entry; retries answer as the first time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEntry, maskForAudit, maskPhone } from '../../../domain/registry/audit';
import { changeWith, type RegistryActor, versionWritten, type RegistryDeps, type TerminalRecord } from '../../../domain/registry/changes';
import { issueCard, replaceCard, reportCardLoss } from '../../../domain/registry/cards';
import { changePayoutAccount, patchProvider } from '../../../domain/registry/providers';
import { cancelTerminal, decideTransfer, matchTerminalWorkers, registerTerminal, rekeyTerminal, requestTransfer } from '../../../domain/registry/terminals';
import { InMemoryRegistryChanges } from '../../fakes/registry-changes';
import { InMemoryRegistry } from '../../fakes/registry-store';
import { InMemoryVouchers } from '../../fakes/voucher-store';

const provider = (providerId: string): RegistryActor => ({ sub: `u-${providerId}`, role: 'provider', providerId });
const P1 = provider('P1');
const P2 = provider('P2');
const agency: RegistryActor = { sub: 'agency-1', role: 'agency' };
const muni = (code: string): RegistryActor => ({ sub: `m-${code}`, role: 'municipality', municipalityCode: code });

let store: InMemoryRegistryChanges;
let deps: RegistryDeps;
let secrets = 0;

beforeEach(() => {
  store = new InMemoryRegistryChanges();
  deps = { port: store, now: () => new Date('2026-03-20T01:00:00Z'), newSecret: () => `secret-${++secrets}-abcdefghij`, newId: (p) => `${p}${++secrets}`, hash: (b) => JSON.stringify(b), vouchers: new InMemoryVouchers(new InMemoryRegistry()), accessLog: new InMemoryRegistry() };
  store.seed({ kind: 'provider', value: { providerId: 'P1', businessNumber: '1234567891', name: '행복돌봄센터', representative: '김철수', municipalityCode: '11110', status: 'ACTIVE', accounts: [{ programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '행복돌봄' }] } });
  store.seed({ kind: 'provider', value: { providerId: 'P2', businessNumber: '2208162517', name: '새봄센터', municipalityCode: '26110', status: 'ACTIVE', accounts: [] } });
  store.workers.set('W1', { workerId: 'W1', providerId: 'P1' });
  store.workers.set('W2', { workerId: 'W2', providerId: 'P1' });
  store.workers.set('W9', { workerId: 'W9', providerId: 'P2' });
  store.recipients.set('R1', { recipientId: 'R1', municipalityCode: '11110', status: 'ACTIVE' });
});

const dedicated = { serial: 'VT11-000100', phone: '01012345678', model: 'VT-11', kind: 'DEDICATED' as const, workerId: null };
const phone = { serial: 'SM-000200', phone: '01099998888', model: 'SM-S911', kind: 'SMARTPHONE' as const, workerId: 'W1' };
const refusal = (code: string, rule: string) => ({ ok: false, refusal: expect.objectContaining({ code, rule }) });

describe('REG-03 terminals', () => {
  it('registers with a secret shown once; a retry answers the same secret, another body is IDEMPOTENCY_CONFLICT', async () => {
    const first = await registerTerminal(deps, P1, dedicated);
    expect(first).toMatchObject({ ok: true, status: 201, body: { serial: dedicated.serial, providerId: 'P1', status: 'ACTIVE', secret: expect.stringMatching(/^secret-/) } });
    expect(await registerTerminal(deps, P1, dedicated)).toEqual(first);
    expect(await registerTerminal(deps, P1, { ...dedicated, model: 'VT-12' })).toEqual(refusal('IDEMPOTENCY_CONFLICT', 'REG-08'));
    expect(store.secrets.get(dedicated.serial)).toBe((first as { body: { secret: string } }).body.secret);
    // Another provider is told it is taken; nothing changes.
    expect(await registerTerminal(deps, P2, dedicated)).toEqual(refusal('TERMINAL_OF_ANOTHER_PROVIDER', 'REG-03'));
    expect(store.audits.filter((a) => a.id === dedicated.serial).map((a) => a.action)).toEqual(['REGISTERED']);
  });

  it('an active imported terminal is not registered again; a cancelled one is, with a new secret', async () => {
    store.seed({ kind: 'terminal', value: { ...dedicated, providerId: 'P1', status: 'ACTIVE', workerIds: [], rekeyRequired: false, pendingTransferId: null } as TerminalRecord });
    expect(await registerTerminal(deps, P1, dedicated)).toEqual(refusal('TERMINAL_ALREADY_REGISTERED', 'REG-03'));
    expect(await cancelTerminal(deps, P1, dedicated.serial)).toMatchObject({ ok: true, body: { status: 'CANCELLED' } });
    expect(await cancelTerminal(deps, P1, dedicated.serial)).toMatchObject({ ok: true, body: { status: 'CANCELLED' } });
    expect(store.audits.filter((a) => a.action === 'CANCELLED')).toHaveLength(1);
    expect(await registerTerminal(deps, P1, { ...dedicated, model: 'VT-12' })).toMatchObject({ ok: true, body: { status: 'ACTIVE', model: 'VT-12' } });
    expect(store.audits.at(-1)).toMatchObject({ action: 'REREGISTERED', before: { status: 'CANCELLED', model: 'VT-11' }, after: { status: 'ACTIVE', model: 'VT-12' } });
  });

  it('a smartphone is one worker\'s of the provider, and its number one provider\'s (PHONE_REGISTERED_ELSEWHERE); cancelling frees the number', async () => {
    expect(await registerTerminal(deps, P1, { ...phone, workerId: null })).toEqual(refusal('WORKER_REQUIRED', 'REG-03'));
    expect(await registerTerminal(deps, P1, { ...phone, workerId: 'W9' })).toEqual(refusal('UNKNOWN_WORKER', 'REG-03'));
    expect(await registerTerminal(deps, P1, phone)).toMatchObject({ ok: true, body: { workerIds: ['W1'] } });
    expect(store.phones.get(phone.phone)).toBe('P1');
    store.workers.set('W8', { workerId: 'W8', providerId: 'P2' });
    expect(await registerTerminal(deps, P2, { ...phone, serial: 'SM-000201', workerId: 'W8' })).toEqual(refusal('PHONE_REGISTERED_ELSEWHERE', 'REG-03'));
    expect(await store.terminal('SM-000201')).toBeNull();
    expect(await matchTerminalWorkers(deps, P1, phone.serial, ['W1', 'W2'])).toEqual(refusal('SMARTPHONE_ONE_WORKER', 'REG-03'));
    await cancelTerminal(deps, P1, phone.serial);
    expect(store.phones.has(phone.phone)).toBe(false);
    expect(await registerTerminal(deps, P2, { ...phone, serial: 'SM-000201', workerId: 'W8' })).toMatchObject({ ok: true });
  });

  it('re-registering a cancelled smartphone under a new number gives the old number back', async () => {
    await registerTerminal(deps, P1, phone);
    await cancelTerminal(deps, P1, phone.serial);
    store.phones.set(phone.phone, 'P1');
    expect(await registerTerminal(deps, P1, { ...phone, phone: '01077776666' })).toMatchObject({ ok: true });
    expect(store.phones.has(phone.phone)).toBe(false);
    expect(store.phones.get('01077776666')).toBe('P1');
  });

  it('worker matching: only the provider\'s workers, only on an active terminal; the same set changes nothing', async () => {
    await registerTerminal(deps, P1, dedicated);
    expect(await matchTerminalWorkers(deps, P1, dedicated.serial, ['W2', 'W1', 'W1'])).toMatchObject({ ok: true, body: { workerIds: ['W1', 'W2'] } });
    const commits = store.commits;
    expect(await matchTerminalWorkers(deps, P1, dedicated.serial, ['W1', 'W2'])).toMatchObject({ ok: true });
    expect(store.commits).toBe(commits);
    expect(await matchTerminalWorkers(deps, P1, dedicated.serial, ['W9'])).toEqual(refusal('UNKNOWN_WORKER', 'REG-03'));
    expect(await matchTerminalWorkers(deps, P2, dedicated.serial, [])).toEqual(refusal('NOT_FOUND', 'REG-03'));
    await cancelTerminal(deps, P1, dedicated.serial);
    expect(await matchTerminalWorkers(deps, P1, dedicated.serial, [])).toEqual(refusal('TERMINAL_CANCELLED', 'REG-03'));
    expect(await rekeyTerminal(deps, P1, dedicated.serial)).toEqual(refusal('TERMINAL_CANCELLED', 'REG-03'));
    expect(await requestTransfer(deps, P1, dedicated.serial, '2208162517')).toEqual(refusal('TERMINAL_CANCELLED', 'REG-03'));
  });

  it('transfer (명의변경): nothing changes until the agency approves; then the receiver owns it unmatched and without a secret until it re-keys', async () => {
    await registerTerminal(deps, P1, dedicated);
    await matchTerminalWorkers(deps, P1, dedicated.serial, ['W1']);
    expect(await requestTransfer(deps, P1, dedicated.serial, '0000000000')).toEqual(refusal('UNKNOWN_PROVIDER', 'REG-03'));
    expect(await requestTransfer(deps, P1, dedicated.serial, '1234567891')).toEqual(refusal('TRANSFER_TO_ITSELF', 'REG-03'));
    expect(await requestTransfer(deps, P2, dedicated.serial, '1234567891')).toEqual(refusal('NOT_FOUND', 'REG-03'));
    const asked = await requestTransfer(deps, P1, dedicated.serial, '2208162517', 'key-1');
    expect(asked).toMatchObject({ ok: true, status: 202, body: { state: 'REQUESTED', toProviderId: 'P2' } });
    expect(await requestTransfer(deps, P1, dedicated.serial, '2208162517', 'key-1')).toEqual(asked);
    expect(await requestTransfer(deps, P1, dedicated.serial, '2208162517')).toEqual(refusal('TRANSFER_PENDING', 'REG-03'));
    expect(await cancelTerminal(deps, P1, dedicated.serial)).toEqual(refusal('TRANSFER_PENDING', 'REG-03'));
    expect((await store.terminal(dedicated.serial))!.value).toMatchObject({ providerId: 'P1', workerIds: ['W1'] });
    const { transferId } = (asked as { body: { transferId: string } }).body;
    expect((await store.terminalTransfers('REQUESTED', 10)).items.map((t) => t.transferId)).toEqual([transferId]);

    expect(await decideTransfer(deps, agency, transferId, true)).toMatchObject({ ok: true, body: { state: 'APPROVED', decidedBy: 'agency-1' } });
    expect(await decideTransfer(deps, agency, transferId, true)).toMatchObject({ ok: true, body: { state: 'APPROVED' } });
    expect(await decideTransfer(deps, agency, transferId, false)).toEqual(refusal('INVALID_STATE', 'REG-03'));
    expect((await store.terminal(dedicated.serial))!.value).toMatchObject({ providerId: 'P2', workerIds: [], rekeyRequired: true, pendingTransferId: null });
    expect(store.secrets.get(dedicated.serial)).toBeNull();
    expect(await rekeyTerminal(deps, P1, dedicated.serial)).toEqual(refusal('NOT_FOUND', 'REG-03'));
    const rekeyed = await rekeyTerminal(deps, P2, dedicated.serial, 'rk-1');
    expect(rekeyed).toMatchObject({ ok: true, body: { serial: dedicated.serial, secret: expect.any(String) } });
    expect(await rekeyTerminal(deps, P2, dedicated.serial, 'rk-1')).toEqual(rekeyed);
    expect(store.secrets.get(dedicated.serial)).toBe((rekeyed as { body: { secret: string } }).body.secret);
    expect((await store.terminal(dedicated.serial))!.value.rekeyRequired).toBe(false);
    expect(await decideTransfer(deps, agency, 'TT-none', true)).toEqual(refusal('NOT_FOUND', 'REG-03'));
  });

  it('a rejected transfer leaves the terminal its owner\'s; a smartphone is not transferred', async () => {
    await registerTerminal(deps, P1, dedicated);
    const asked = await requestTransfer(deps, P1, dedicated.serial, '2208162517');
    const { transferId } = (asked as { body: { transferId: string } }).body;
    expect(await decideTransfer(deps, agency, transferId, false, '서류 미비')).toMatchObject({ ok: true, body: { state: 'REJECTED', reason: '서류 미비' } });
    expect((await store.terminal(dedicated.serial))!.value).toMatchObject({ providerId: 'P1', pendingTransferId: null, rekeyRequired: false });
    await registerTerminal(deps, P1, phone);
    expect(await requestTransfer(deps, P1, phone.serial, '2208162517')).toEqual(refusal('TRANSFER_DEDICATED_ONLY', 'REG-03'));
    expect(await decideTransfer(deps, agency, 'missing', false)).toEqual(refusal('NOT_FOUND', 'REG-03'));
  });

  it('a transfer whose terminal disappeared is refused; the provider\'s list shows its terminals', async () => {
    await registerTerminal(deps, P1, dedicated);
    const asked = await requestTransfer(deps, P1, dedicated.serial, '2208162517');
    store.records.delete(`terminal#${dedicated.serial}`);
    expect(await decideTransfer(deps, agency, (asked as { body: { transferId: string } }).body.transferId, true)).toEqual(refusal('NOT_FOUND', 'REG-03'));
    await registerTerminal(deps, P1, phone);
    expect((await store.providerTerminals('P1', 10)).items.map((t) => t.serial)).toEqual([phone.serial]);
  });
});

describe('REG-05 cards', () => {
  it('issued once per number; lost stops payments; a replacement pays from the same vouchers', async () => {
    expect(await issueCard(deps, agency, { cardNumber: '9410000000000001', recipientId: 'R9' })).toEqual(refusal('UNKNOWN_RECIPIENT', 'REG-05'));
    expect(await issueCard(deps, agency, { cardNumber: '9410000000000001', recipientId: 'R1' })).toMatchObject({ ok: true, status: 201, body: { status: 'ACTIVE' } });
    expect(await issueCard(deps, agency, { cardNumber: '9410000000000001', recipientId: 'R1' })).toMatchObject({ ok: true, status: 201 });
    expect(await issueCard(deps, agency, { cardNumber: '9410000000000001', recipientId: 'R2' })).toEqual(refusal('CARD_NUMBER_TAKEN', 'REG-05'));
    // Another municipality cannot learn of it; the recipient's can report it.
    expect(await reportCardLoss(deps, muni('26110'), '9410000000000001')).toEqual(refusal('NOT_FOUND', 'REG-05'));
    expect(await reportCardLoss(deps, P1, '9410000000000001')).toEqual(refusal('NOT_FOUND', 'REG-05'));
    expect(await reportCardLoss(deps, muni('11110'), '9410000000000001')).toMatchObject({ ok: true, body: { status: 'LOST' } });
    expect(await reportCardLoss(deps, agency, '9410000000000001')).toMatchObject({ ok: true, body: { status: 'LOST' } });
    expect(await replaceCard(deps, agency, '9410000000000001', '9410000000000001')).toEqual(refusal('CARD_NUMBER_TAKEN', 'REG-05'));
    expect(await replaceCard(deps, agency, '9410000000000001', '9410000000000002')).toMatchObject({ ok: true, status: 201, body: { cardNumber: '9410000000000002', recipientId: 'R1', status: 'ACTIVE' } });
    expect(await replaceCard(deps, agency, '9410000000000001', '9410000000000002')).toMatchObject({ ok: true, body: { cardNumber: '9410000000000002' } });
    expect(await replaceCard(deps, agency, '9410000000000001', '9410000000000003')).toEqual(refusal('CARD_REPLACED', 'REG-05'));
    expect(await reportCardLoss(deps, agency, '9410000000000001')).toEqual(refusal('CARD_REPLACED', 'REG-05'));
    expect(await replaceCard(deps, agency, '9410000000000009', '9410000000000010')).toEqual(refusal('NOT_FOUND', 'REG-05'));
    expect(await reportCardLoss(deps, agency, '9410000000000009')).toEqual(refusal('NOT_FOUND', 'REG-05'));
    // REG-08: masked card numbers in the history.
    const history = (await store.auditOf('card', '9410000000000001', 10)).items;
    expect(history.map((a) => a.action)).toEqual(['REPLACED', 'REPORTED_LOST', 'ISSUED']);
    expect(JSON.stringify(history.map((h) => [h.before, h.after]))).not.toMatch(/941000000000000\d/);
  });
});

describe('REG-01 providers and CMS-04 accounts', () => {
  it('a provider edits only its contact fields, on itself; the registering municipality or the agency also identity fields', async () => {
    expect(await patchProvider(deps, P1, 'P1', { name: '다른이름' })).toEqual(refusal('FIELD_NOT_EDITABLE', 'REG-01'));
    expect(await patchProvider(deps, P1, 'P1', { businessNumber: '2208162517', email: 'a@b.kr' })).toEqual(refusal('FIELD_NOT_EDITABLE', 'REG-01'));
    expect(await patchProvider(deps, P1, 'P2', { email: 'x@y.kr' })).toEqual(refusal('NOT_FOUND', 'REG-01'));
    expect(await patchProvider(deps, P1, 'P1', { email: 'care@happy.kr', phone: '0212345678' })).toMatchObject({ ok: true, body: { email: 'care@happy.kr', phone: '0212345678' } });
    const commits = store.commits;
    expect(await patchProvider(deps, P1, 'P1', { email: 'care@happy.kr' })).toMatchObject({ ok: true });
    expect(store.commits).toBe(commits);
    expect(await patchProvider(deps, muni('26110'), 'P1', { name: '새이름' })).toEqual(refusal('NOT_REGISTERING_MUNICIPALITY', 'REG-01'));
    expect(await patchProvider(deps, muni('11110'), 'P1', { name: '새이름', representative: '이영희' })).toMatchObject({ ok: true, body: { name: '새이름' } });
    expect(await patchProvider(deps, agency, 'P9', { name: '없음' })).toEqual(refusal('NOT_FOUND', 'REG-01'));
    const history = (await store.auditOf('provider', 'P1', 10)).items;
    // A provider's name is its business's, shown; its representative is a person, masked.
    expect(history[0]).toMatchObject({ action: 'UPDATED', by: 'm-11110', before: { name: '행복돌봄센터', representative: '김*수' }, after: { name: '새이름', representative: '이*희' } });
    expect(history[1]).toMatchObject({ before: { email: null, phone: null }, after: { email: 'c***@happy.kr', phone: '021***5678' } });
  });

  it('the payout account is changed by the registering municipality or the agency; the audit masks the number', async () => {
    const account = { programCode: 'COMMUNITY', bankCode: '088', accountNumber: '11122233344455', holder: '행복돌봄센터' };
    expect(await changePayoutAccount(deps, P1, 'P1', account)).toEqual(refusal('FIELD_NOT_EDITABLE', 'REG-01'));
    expect(await changePayoutAccount(deps, muni('26110'), 'P1', account)).toEqual(refusal('NOT_REGISTERING_MUNICIPALITY', 'REG-01'));
    expect(await changePayoutAccount(deps, agency, 'P1', { ...account, programCode: 'NOPE' })).toEqual(refusal('UNKNOWN_PROGRAM', 'REG-01'));
    expect(await changePayoutAccount(deps, muni('11110'), 'P1', account)).toMatchObject({ ok: true, body: { providerId: 'P1', accountNumber: '11122233344455' } });
    expect((await store.provider('P1'))!.value.accounts).toEqual([account]);
    const commits = store.commits;
    expect(await changePayoutAccount(deps, agency, 'P1', account)).toMatchObject({ ok: true });
    expect(store.commits).toBe(commits);
    store.programs.add('ELDER');
    expect(await changePayoutAccount(deps, agency, 'P2', { ...account, programCode: 'ELDER' })).toMatchObject({ ok: true });
    const entry = (await store.auditOf('provider', 'P1', 1)).items[0]!;
    expect(entry).toMatchObject({ action: 'ACCOUNT_CHANGED', before: { account: { accountNumber: '**********1234', holder: '행**봄' } }, after: { account: { accountNumber: '**********4455' } } });
    expect(JSON.stringify(entry)).not.toContain('11122233344455');
  });
});

describe('REG-08 audit and concurrency', () => {
  it('masks personal data wherever it is nested and drops secrets', () => {
    expect(maskForAudit({ rrn: '9001011234567', name: '김철수', nested: [{ phone: '01012345678', secret: 's', cardNumber: '9410123456789012' }], fax: '0212', n: 3, none: null })).toEqual({
      rrn: '900101-1******', name: '김*수', nested: [{ phone: '010****5678', cardNumber: '9410********9012' }], fax: '****', n: 3, none: null,
    });
    expect(maskForAudit({ rrn: '900101-1******' })).toEqual({ rrn: '900101-1******' });
    expect(maskPhone('0101234')).toBe('*******');
    expect(auditEntry('card', 'c', 'X', agency, 'now', null, { a: 1 })).toMatchObject({ before: null, after: { a: 1 } });
    expect(auditEntry('card', 'c', 'X', agency, 'now', { a: 1, b: 2 }, { a: 1, c: 3 })).toMatchObject({ before: { b: 2, c: null }, after: { b: null, c: 3 } });
  });

  it('REG-08: an entry is ordered by the version its change gives the record it is about (0 where the change writes none)', () => {
    const t: TerminalRecord = { serial: 'S1', phone: '01000000000', providerId: 'P1', model: 'M', kind: 'DEDICATED', status: 'ACTIVE', workerIds: [], rekeyRequired: false, pendingTransferId: null };
    const transfer = { transferId: 'T1', serial: 'S1', fromProviderId: 'P1', toProviderId: 'P2', toBusinessNumber: '1', state: 'REQUESTED' as const, requestedAt: 'now', requestedBy: 'u' };
    const change = {
      writes: [
        { kind: 'terminal' as const, value: t, expected: 4 },
        { kind: 'terminalTransfer' as const, value: transfer, expected: null },
        { kind: 'card' as const, value: { cardNumber: 'C1', recipientId: 'R1', status: 'ACTIVE' as const }, expected: 0 },
        { kind: 'provider' as const, value: { providerId: 'P1', businessNumber: '1', name: 'n', status: 'ACTIVE' as const, accounts: [] }, expected: 2 },
      ],
      audit: [],
    };
    const entry = (entity: Parameters<typeof auditEntry>[0], id: string) => auditEntry(entity, id, 'X', agency, 'now', null, null);
    expect([entry('terminal', 'S1'), entry('terminalTransfer', 'T1'), entry('card', 'C1'), entry('provider', 'P1'), entry('card', 'C2'), entry('worker', 'S1')].map((e) => versionWritten(change, e))).toEqual([5, 1, 1, 3, 0, 0]);
  });

  it('a record that keeps moving under a decision ends in CONCURRENT_CHANGE; one that moved once is decided again on fresh reads', async () => {
    await registerTerminal(deps, P1, dedicated);
    const original = store.commit.bind(store);
    let interfering = 1;
    store.commit = async (change) => {
      if (interfering-- > 0) {
        const current = store.records.get(`terminal#${dedicated.serial}`)!;
        current.version++;
      }
      return original(change);
    };
    expect(await cancelTerminal(deps, P1, dedicated.serial)).toMatchObject({ ok: true, body: { status: 'CANCELLED' } });
    interfering = 99;
    expect(await matchTerminalWorkers(deps, P1, 'VT11-000100', [])).toEqual(refusal('TERMINAL_CANCELLED', 'REG-03'));
    expect(await registerTerminal(deps, P1, { ...dedicated, model: 'VT-13' })).toEqual(refusal('CONCURRENT_CHANGE', 'REG-08'));
  });

  it('a creating call that loses the race to the same idempotency key answers with the winner\'s answer', async () => {
    const winner = { scope: 'terminal#P1', key: dedicated.serial, requestHash: JSON.stringify(dedicated), status: 201, body: { serial: dedicated.serial, secret: 'winner-secret' } };
    const result = await changeWith(deps, async () => {
      if (!store.remembers.size) store.remembers.set(`${winner.scope}#${winner.key}`, winner);
      return { change: { writes: [], audit: [], remember: winner }, answer: { ok: true, status: 201, body: { serial: dedicated.serial, secret: 'loser-secret' } } };
    });
    expect(result).toEqual({ ok: true, status: 201, body: winner.body });
  });
});
