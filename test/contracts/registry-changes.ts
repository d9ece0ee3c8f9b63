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
import type { RegistryChange, RegistryChangePort, RegistryWrite, TerminalRecord } from '../../domain/registry/changes';

export interface RegistryChangesUnderTest {
  store: RegistryChangePort;
  /** Writes a record as the import would (no version; a smartphone's number taken; a provider's business number). */
  seed(write: Pick<RegistryWrite, 'kind' | 'value'>, secret?: string): Promise<void>;
  /** The terminal's secret as the signature check would open it; null when cleared. */
  secretOf(serial: string): Promise<string | null>;
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
