/**
 * The registry stores' contract (REG-01..04, REG-07): an import re-run unchanged writes nothing;
 * business numbers, worker payment IDs, smartphones and contract ids each have one owner; a new
 * worker gets a free payment ID and keeps it; people's records show the RRN only masked, and
 * every read is recorded once. One suite, run against the in-memory fake (test/unit) and the
 * DynamoDB adapters (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import { importRegistry } from '../../domain/registry/import';
import type { PeoplePort, RegistryImportStore } from '../../domain/registry/ports';
import { importEnvelope, parseImportRecords } from '../../events/import';
import { businessNumber, importDocument } from '../support/fixtures';

export interface RegistryUnderTest {
  registry: RegistryImportStore;
  people: PeoplePort;
}

const today = '2026-03-02';

function importInto(registry: RegistryImportStore, doc: unknown) {
  const { parsed, issues } = parseImportRecords(importEnvelope.parse(doc));
  return importRegistry(parsed, registry, today, issues);
}

export function registryStoreContract(name: string, make: () => Promise<RegistryUnderTest>) {
  const seeded = async () => {
    const t = await make();
    const doc = importDocument(2);
    doc.recipients[1]!.municipalityCode = '11110';
    doc.contracts[1]!.providerId = 'P0002';
    doc.contracts[1]!.designatedWorkerIds = [];
    doc.providers.push({ ...doc.providers[0]!, providerId: 'P0002', businessNumber: businessNumber('220811234') });
    expect(await importInto(t.registry, doc)).toMatchObject({ rejected: [], accepted: 11, created: 11 });
    return t;
  };
  contractSuite(`registry store contract: ${name}`, seeded, (t) => {
    const load = (doc: unknown) => importInto(t.registry, doc);

    it('REG-01..04: the same document imported again changes nothing; a changed record is updated', async () => {
      const doc = importDocument(2);
      doc.recipients[1]!.municipalityCode = '11110';
      doc.contracts[1]!.providerId = 'P0002';
      doc.contracts[1]!.designatedWorkerIds = [];
      expect(await load({ recipients: doc.recipients, cards: doc.cards })).toMatchObject({ accepted: 4, created: 0, updated: 0, unchanged: 4 });
      expect(await load({ recipients: [{ ...doc.recipients[0]!, name: '이서윤' }] })).toMatchObject({ updated: 1 });
      const existing = await t.registry.loadExisting({ programs: new Set(), serviceCodes: new Set(), providers: new Set(['P0001', 'P9']), workers: new Set(['W0001']), terminals: new Set(['VT11-000001']), recipients: new Set(['R0001']), cards: new Set(), contracts: new Set(['C0001']) });
      expect(existing.providers.get('P0001')).toEqual({ businessNumber: businessNumber('123456789') });
      expect(existing.providers.has('P9')).toBe(false);
      expect(existing.workers.get('W0001')).toEqual({ providerId: 'P0001', workerPaymentId: '20000001' });
      expect(existing.terminals.get('VT11-000001')).toEqual({ providerId: 'P0001', phone: '01012345678' });
      expect(existing.contracts.get('C0001')).toMatchObject({ recipientId: 'R0001', providerId: 'P0001' });
      expect(existing.serviceTypes.has('110101')).toBe(true);
    });

    it('REG-01: a business number has one provider', async () => {
      const doc = importDocument();
      expect((await load({ providers: [{ ...doc.providers[0]!, providerId: 'P0003' }] })).rejected).toEqual([expect.objectContaining({ path: 'providers[0].businessNumber', code: 'BUSINESS_NUMBER_TAKEN', rule: 'REG-01' })]);
    });

    it('REG-02: new workers get distinct 8-digit payment IDs and keep them; a given ID another worker holds is refused', async () => {
      const workers = (from: number) => Array.from({ length: 5 }, (_, i) => ({ workerId: `WX${from + i}`, providerId: 'P0001', name: '박지훈', rrn: `900101-1${String(from + i).padStart(6, '0')}`, contracts: [] }));
      const runs = await Promise.all([load({ workers: workers(0) }), load({ workers: workers(100) })]);
      expect(runs.map((r) => r.accepted)).toEqual([5, 5]);
      const ids = (await t.registry.loadExisting({ programs: new Set(), serviceCodes: new Set(), providers: new Set(), workers: new Set([...workers(0), ...workers(100)].map((w) => w.workerId)), terminals: new Set(), recipients: new Set(), cards: new Set(), contracts: new Set() })).workers;
      const assigned = [...ids.values()].map((w) => w.workerPaymentId!);
      expect(assigned.every((id) => /^\d{8}$/.test(id))).toBe(true);
      expect(new Set(assigned).size).toBe(10);
      await load({ workers: workers(0).slice(0, 1) });
      expect((await t.people.worker('WX0'))?.workerPaymentId).toBe(ids.get('WX0')!.workerPaymentId);
      const taken = await load({ workers: [{ workerId: 'W-OTHER', providerId: 'P0001', name: '최유진', rrn: '910101-2000001', workerPaymentId: '20000001', contracts: [] }] });
      expect(taken.rejected).toEqual([expect.objectContaining({ path: 'workers[0].workerPaymentId', code: 'WORKER_PAYMENT_ID_TAKEN', rule: 'REG-02' })]);
      expect(await t.people.worker('W-OTHER')).toBeNull();
    });

    it('REG-03: a smartphone is registered to one provider', async () => {
      const phone = { serial: 'SP-000001', phone: '01099998888', providerId: 'P0001', model: 'SM-S921N', kind: 'SMARTPHONE', secret: 'terminal-secret-000000002', workerIds: ['W0001'] };
      expect(await load({ terminals: [phone] })).toMatchObject({ rejected: [], created: 1 });
      await load({ workers: [{ workerId: 'W-P2', providerId: 'P0002', name: '정하늘', rrn: '920202-2000002', contracts: [] }] });
      expect((await load({ terminals: [{ ...phone, serial: 'SP-000002', providerId: 'P0002', workerIds: ['W-P2'] }] })).rejected).toEqual([expect.objectContaining({ code: 'PHONE_REGISTERED_ELSEWHERE', rule: 'REG-03' })]);
    });

    it('REG-04: a contract id stays with its recipient', async () => {
      const [c] = importDocument(1).contracts;
      expect((await load({ contracts: [{ ...c!, recipientId: 'R0002' }] })).rejected).toEqual([expect.objectContaining({ code: 'CONTRACT_PARTIES_IMMUTABLE', rule: 'REG-04' })]);
    });

    it('REG-07: a person\'s record shows the RRN masked and nothing sealed or hashed', async () => {
      const r = await t.people.recipient('R0001');
      expect(r).toMatchObject({ recipientId: 'R0001', rrnMasked: '150402-4******', municipalityCode: '44130' });
      expect(JSON.stringify(r)).not.toMatch(/rrnSealed|rrnHash|fingerprint|1504024000001|"rrn"/);
      expect(await t.people.worker('W0001')).toMatchObject({ workerId: 'W0001', providerId: 'P0001', rrnMasked: '850101-1******' });
      expect(await t.people.recipient('R9999')).toBeNull();
      expect(await t.people.providerHasContract('P0001', 'R0001')).toBe(true);
      expect(await t.people.providerHasContract('P0001', 'R0002')).toBe(false);
    });

    it('REG-07: each read is recorded once, newest first; the same read recorded again (a retry) keeps its one entry', async () => {
      const entry = { subjectType: 'RECIPIENT' as const, subjectId: 'R0002', actor: 'u-P0002', actorRole: 'provider', actorScope: 'P0002', action: 'READ' as const, requestId: 'req-1' };
      await t.people.record({ ...entry, at: '2026-03-02T10:00:00+09:00' });
      await t.people.record({ ...entry, at: '2026-03-02T11:00:00+09:00', requestId: 'req-2' });
      await t.people.record({ ...entry, at: '2026-03-02T10:00:00+09:00', actorScope: 'changed' });
      expect((await t.people.accessesOf('RECIPIENT', 'R0002')).map((a) => [a.requestId, a.actorScope])).toEqual([['req-2', 'P0002'], ['req-1', 'P0002']]);
      expect(await t.people.accessesOf('WORKER', 'R0002')).toEqual([]);
    });
  });
}
