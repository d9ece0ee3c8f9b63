/**
 * The registry change store's contract (REG-01/03/05/08): a change commits all or nothing; a
 * record is written only at the version it was read (0 for what the import wrote) or, when new,
 * only once; a smartphone number is one provider's; an answer is remembered once per key; a
 * terminal's secret is set or cleared with it; the audit entries come with the change, newest
 * first. One suite, run on the in-memory fake and on the DynamoDB adapter.
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import { auditEntry } from '../../domain/registry/audit';
import type { ContractRecord, RecipientRecord, RegistryChange, RegistryChangePort, RegistryWrite, TerminalRecord, WorkerRecord } from '../../domain/registry/changes';

export interface RegistryChangesUnderTest {
  store: RegistryChangePort;
  /** Writes a record as the import would (no version; a smartphone's number taken; a provider's business number). */
  seed(write: Pick<RegistryWrite, 'kind' | 'value'>, secret?: string): Promise<void>;
  /** The terminal's secret as the signature check would open it; null when cleared. */
  secretOf(serial: string): Promise<string | null>;
  /** What a payment reads of the worker by its payment ID (PAY-02), or null when no worker holds it. */
  payingWorker(workerPaymentId: string): Promise<{ workerId: string; contracts: WorkerRecord['contracts'] } | null>;
}

let n = 0;
const at = '2026-03-20T10:00:00+09:00';
const actor = { sub: 'tester', role: 'provider' };

export function registryChangesContract(name: string, make: () => Promise<RegistryChangesUnderTest>) {
  contractSuite(`registry change store contract: ${name}`, make, (t) => {
    const terminal = (over: Partial<TerminalRecord> = {}): TerminalRecord => ({
      serial: `VT11-C${String(++n).padStart(5, '0')}`, phone: `0109${String(n).padStart(7, '0')}`, providerId: 'PC1', model: 'VT-11', kind: 'DEDICATED', status: 'ACTIVE', workerIds: [], rekeyRequired: false, pendingTransferId: null, ...over,
    });
    const change = (writes: RegistryWrite[], more: Partial<RegistryChange> = {}): RegistryChange => ({ writes, audit: writes.map((w) => auditEntry('terminal', (w.value as TerminalRecord).serial ?? 'x', 'TEST', actor, at, null, w.value)), ...more });

    it('REG-08 a new record is written once: a second creation of the same id conflicts and changes nothing', async () => {
      const a = terminal();
      expect(await t.store.commit(change([{ kind: 'terminal', value: a, expected: null, secret: 'secret-one-1234567' }]))).toEqual({ ok: true });
      expect(await t.store.commit(change([{ kind: 'terminal', value: { ...a, model: 'VT-12' }, expected: null, secret: 'secret-two-1234567' }]))).toEqual({ ok: false, reason: 'conflict' });
      expect(await t.store.terminal(a.serial)).toEqual({ value: a, version: 1 });
      expect(await t.secretOf(a.serial)).toBe('secret-one-1234567');
      expect((await t.store.auditOf('terminal', a.serial, 10)).items).toHaveLength(1);
    });

    it('REG-08 an imported record (version 0) is changed at 0, then only at the version read; a stale version changes nothing, not even its audit', async () => {
      const a = terminal();
      await t.seed({ kind: 'terminal', value: a }, 'imported-secret-123456');
      expect(await t.store.terminal(a.serial)).toEqual({ value: a, version: 0 });
      expect(await t.store.commit(change([{ kind: 'terminal', value: { ...a, status: 'CANCELLED' }, expected: 0 }]))).toEqual({ ok: true });
      const stale = terminal();
      expect(await t.store.commit(change([{ kind: 'terminal', value: { ...a, model: 'VT-99' }, expected: 0 }, { kind: 'terminal', value: stale, expected: null }]))).toEqual({ ok: false, reason: 'conflict' });
      expect(await t.store.terminal(stale.serial)).toBeNull();
      expect(await t.store.terminal(a.serial)).toEqual({ value: { ...a, status: 'CANCELLED' }, version: 1 });
      // The secret is kept unless the change sets or clears it.
      expect(await t.secretOf(a.serial)).toBe('imported-secret-123456');
      expect((await t.store.auditOf('terminal', a.serial, 10)).items.map((e) => e.after?.status)).toEqual(['CANCELLED']);
      expect(await t.store.commit(change([{ kind: 'terminal', value: { ...a, rekeyRequired: true }, expected: 1, secret: null }]))).toEqual({ ok: true });
      expect(await t.secretOf(a.serial)).toBeNull();
    });

    it('REG-03 a smartphone number is one provider\'s: another\'s claim is refused; only the owner\'s release frees it', async () => {
      const phone = `0108${String(++n).padStart(7, '0')}`;
      const mine = terminal({ kind: 'SMARTPHONE', phone, model: 'SM-S911' });
      expect(await t.store.commit(change([{ kind: 'terminal', value: mine, expected: null }], { claims: [{ kind: 'smartphone', value: phone, owner: 'PC1' }] }))).toEqual({ ok: true });
      const theirs = terminal({ kind: 'SMARTPHONE', phone, model: 'SM-S911', providerId: 'PC2' });
      const claim = { kind: 'smartphone' as const, value: phone, owner: 'PC2' };
      expect(await t.store.commit(change([{ kind: 'terminal', value: theirs, expected: null }], { claims: [claim] }))).toEqual({ ok: false, reason: 'taken', claim });
      expect(await t.store.terminal(theirs.serial)).toBeNull();
      // PC2 cannot give back PC1's number (the change is refused whole); PC1 can, and then PC2 takes it.
      const other = terminal();
      expect(await t.store.commit(change([{ kind: 'terminal', value: other, expected: null }], { releases: [{ kind: 'smartphone', value: phone, owner: 'PC2' }] }))).toEqual({ ok: false, reason: 'conflict' });
      expect(await t.store.terminal(other.serial)).toBeNull();
      expect(await t.store.commit(change([{ kind: 'terminal', value: theirs, expected: null }], { claims: [claim] }))).toMatchObject({ reason: 'taken' });
      expect(await t.store.commit(change([{ kind: 'terminal', value: { ...mine, status: 'CANCELLED' }, expected: 1 }], { releases: [{ kind: 'smartphone', value: phone, owner: 'PC1' }] }))).toEqual({ ok: true });
      expect(await t.store.commit(change([{ kind: 'terminal', value: theirs, expected: null }], { claims: [claim] }))).toEqual({ ok: true });
    });

    it('api.md idempotency: an answer is remembered once per key, secret and all; a second change with the key is refused whole', async () => {
      const a = terminal();
      const remember = { scope: 'terminal#PC1', key: a.serial, requestHash: 'h1', status: 201, body: { serial: a.serial, secret: 'shown-once-1234567' } };
      expect(await t.store.remembered(remember.scope, remember.key)).toBeNull();
      expect(await t.store.commit(change([{ kind: 'terminal', value: a, expected: null }], { remember }))).toEqual({ ok: true });
      const b = terminal();
      expect(await t.store.commit(change([{ kind: 'terminal', value: b, expected: null }], { remember: { ...remember, requestHash: 'h2' } }))).toEqual({ ok: false, reason: 'remembered' });
      expect(await t.store.terminal(b.serial)).toBeNull();
      expect(await t.store.remembered(remember.scope, remember.key)).toEqual(remember);
    });

    it('REG-08 history newest first, paged; a provider\'s terminals follow a change of owner', async () => {
      const a = terminal({ providerId: 'PC3' });
      await t.store.commit(change([{ kind: 'terminal', value: a, expected: null }]));
      for (let v = 1; v <= 3; v++) await t.store.commit({ writes: [{ kind: 'terminal', value: { ...a, model: `VT-${v}` }, expected: v }], audit: [auditEntry('terminal', a.serial, `STEP${v}`, actor, `2026-03-2${v}T10:00:00+09:00`, null, null)] });
      const first = await t.store.auditOf('terminal', a.serial, 2);
      expect(first.items.map((e) => e.action)).toEqual(['STEP3', 'STEP2']);
      const rest = await t.store.auditOf('terminal', a.serial, 2, first.nextToken);
      expect(rest.items.map((e) => e.action)).toEqual(['STEP1', 'TEST']);
      expect((await t.store.providerTerminals('PC3', 50)).items.map((x) => x.serial)).toContain(a.serial);
      await t.store.commit(change([{ kind: 'terminal', value: { ...a, providerId: 'PC4' }, expected: 4 }]));
      expect((await t.store.providerTerminals('PC3', 50)).items.map((x) => x.serial)).not.toContain(a.serial);
      expect((await t.store.providerTerminals('PC4', 50)).items).toEqual([{ ...a, providerId: 'PC4' }]);
    });

    const recipientOf = (over: Partial<RecipientRecord> = {}): RecipientRecord => ({
      recipientId: `RC${++n}`, name: '이서연', rrnMasked: '150402-4******', birthDate: '2015-04-02', municipalityCode: '44130', status: 'ACTIVE',
      eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-01-01', to: null }], suspensions: [], ...over,
    });
    const contractOf = (recipientId: string, over: Partial<ContractRecord> = {}): ContractRecord => ({
      contractId: `CC${++n}`, recipientId, providerId: 'PC1', serviceCode: '110101', grade: '1', initialGrade: '1', gradeChanges: [], from: '2026-03-01', to: null,
      designatedWorkerIds: [], status: 'ACTIVE', municipalityCode: '44130', ...over,
    });
    const plain = (writes: RegistryWrite[], more: Partial<RegistryChange> = {}): RegistryChange => ({ writes, audit: [], ...more });

    it('REG-04/07 a recipient is found by its RRN alone (kept sealed, never read back); its contracts by recipient, provider and municipality', async () => {
      const rrn = `1504024${String(++n).padStart(6, '0')}`;
      const r = recipientOf();
      expect(await t.store.commit(plain([{ kind: 'recipient', value: r, expected: null, rrn }]))).toEqual({ ok: true });
      expect(await t.store.recipientsByRrn(rrn)).toEqual([{ value: r, version: 1 }]);
      expect(await t.store.recipientsByRrn(`1504024${String(++n).padStart(6, '0')}`)).toEqual([]);
      expect(JSON.stringify(await t.store.recipientRecord(r.recipientId))).not.toContain(rrn);
      const c = contractOf(r.recipientId, { municipalityCode: `4${String(n).padStart(4, '0')}` });
      const claim = { kind: 'contractId' as const, value: c.contractId, owner: r.recipientId };
      expect(await t.store.commit(plain([{ kind: 'contract', value: c, expected: null }], { claims: [claim] }))).toEqual({ ok: true });
      expect(await t.store.contract(c.contractId)).toEqual({ value: c, version: 1 });
      expect(await t.store.recipientContracts(r.recipientId)).toEqual([{ value: c, version: 1 }]);
      expect((await t.store.providerContracts('PC1', { serviceCode: '110101' }, 500)).items).toContainEqual(c);
      expect((await t.store.providerContracts('PC1', { status: 'TERMINATED' }, 500)).items).not.toContainEqual(c);
      expect((await t.store.municipalityContracts(c.municipalityCode, 50)).items).toEqual([c]);
    });

    it('REG-04 a contract id is one recipient\'s: the same id for another recipient is taken, and nothing is written', async () => {
      const a = recipientOf();
      const b = recipientOf();
      await t.store.commit(plain([{ kind: 'recipient', value: a, expected: null }, { kind: 'recipient', value: b, expected: null }]));
      const c = contractOf(a.recipientId);
      await t.store.commit(plain([{ kind: 'contract', value: c, expected: null }], { claims: [{ kind: 'contractId', value: c.contractId, owner: a.recipientId }] }));
      const claim = { kind: 'contractId' as const, value: c.contractId, owner: b.recipientId };
      expect(await t.store.commit(plain([{ kind: 'contract', value: { ...c, recipientId: b.recipientId }, expected: null }], { claims: [claim] }))).toEqual({ ok: false, reason: 'taken', claim });
      expect(await t.store.recipientContracts(b.recipientId)).toEqual([]);
    });

    it('REG-02 a worker\'s payment ID is its own: another worker with the same ID is taken; a termination reaches what payments read', async () => {
      const paymentId = await t.store.nextWorkerPaymentId();
      expect(paymentId).toMatch(/^\d{8}$/);
      expect(await t.store.nextWorkerPaymentId()).not.toBe(paymentId);
      const w: WorkerRecord = { workerId: `WC${++n}`, providerId: 'PC1', name: '김민수', rrnMasked: '850101-1******', workerPaymentId: paymentId, contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01', to: null }] };
      expect(await t.store.commit(plain([{ kind: 'worker', value: w, expected: null, rrn: '8501011234567' }]))).toEqual({ ok: true });
      expect(await t.payingWorker(paymentId)).toEqual({ workerId: w.workerId, contracts: w.contracts });
      const other = { ...w, workerId: `WC${++n}` };
      expect(await t.store.commit(plain([{ kind: 'worker', value: other, expected: null }]))).toEqual({ ok: false, reason: 'taken', claim: { kind: 'workerPaymentId', value: paymentId, owner: other.workerId } });
      expect(await t.store.workerRecord(other.workerId)).toBeNull();
      const ended = { ...w, contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01', to: '2026-03-20' }] };
      expect(await t.store.commit(plain([{ kind: 'worker', value: ended, expected: 1 }]))).toEqual({ ok: true });
      expect(await t.store.workerRecord(w.workerId)).toEqual({ value: ended, version: 2 });
      expect(await t.payingWorker(paymentId)).toEqual({ workerId: w.workerId, contracts: ended.contracts });
      expect((await t.store.providerWorkers('PC1', 500)).items).toContainEqual(ended);
    });

    it('REG-01 reads: a provider by business number, cards and transfers round-trip at their versions', async () => {
      const providerId = `PC${++n}`;
      await t.seed({ kind: 'provider', value: { providerId, businessNumber: `10${String(n).padStart(8, '0')}`, name: '행복돌봄센터', status: 'ACTIVE', accounts: [] } });
      expect(await t.store.providerIdByBusinessNumber(`10${String(n).padStart(8, '0')}`)).toBe(providerId);
      expect(await t.store.provider(providerId)).toMatchObject({ value: { providerId, accounts: [] }, version: 0 });
      const card = { cardNumber: `94100000${String(++n).padStart(8, '0')}`, recipientId: 'R1', status: 'ACTIVE' as const };
      await t.store.commit({ writes: [{ kind: 'card', value: card, expected: null }], audit: [] });
      expect(await t.store.card(card.cardNumber)).toEqual({ value: card, version: 1 });
      const transfer = { transferId: `TT${++n}`, serial: 'VT11-X', fromProviderId: 'PC1', toProviderId: 'PC2', toBusinessNumber: '1234567891', state: 'REQUESTED' as const, requestedAt: at, requestedBy: 'u' };
      await t.store.commit({ writes: [{ kind: 'terminalTransfer', value: transfer, expected: null }], audit: [] });
      expect((await t.store.terminalTransfers('REQUESTED', 500)).items).toContainEqual(transfer);
      await t.store.commit({ writes: [{ kind: 'terminalTransfer', value: { ...transfer, state: 'APPROVED' }, expected: 1 }], audit: [] });
      expect((await t.store.terminalTransfers('REQUESTED', 500)).items).not.toContainEqual(transfer);
      expect(await t.store.terminalTransfer(transfer.transferId)).toEqual({ value: { ...transfer, state: 'APPROVED' }, version: 2 });
    });
  });
}
