/**
 * REG-01 … REG-05: every rejection of the registry import, one case each — the record is rejected
 * at its path with its code (and rule), and the rest of the document still goes in.
 */
import { describe, expect, it } from 'vitest';
import type { ExistingRegistry } from '../../../domain/registry/document';
import { importRegistry, planImport, referencedIds } from '../../../domain/registry/import';
import type { RegistryImportStore } from '../../../domain/registry/ports';
import { importEnvelope, parseImportRecords } from '../../../events/import';
import { businessNumber, contract, importDocument, serviceTypes } from '../../support/fixtures';

type Doc = ReturnType<typeof importDocument>;

/** The existing registry, writable so that a case can say what is stored already. */
type Known = { [K in keyof ExistingRegistry]: ExistingRegistry[K] extends ReadonlyMap<infer A, infer B> ? Map<A, B> : ExistingRegistry[K] extends ReadonlySet<infer S> ? Set<S> : never };

const empty = (): Known => ({
  serviceTypes: new Map(), programs: new Set(), providers: new Map(), workers: new Map(), terminals: new Map(), recipients: new Map(), cards: new Map(), contracts: new Map(),
});

function decide(doc: Doc, existing: ExistingRegistry = empty()) {
  const { parsed } = parseImportRecords(importEnvelope.parse(doc));
  return planImport(parsed, existing, '2026-03-05');
}

const cases: { name: string; change: (doc: Doc) => void; existing?: (e: Known) => void; path: string; code: string; rule?: string }[] = [
  { name: 'a service code repeats within a program', change: (d) => d.programs[0]!.serviceTypes.push({ ...d.programs[0]!.serviceTypes[0]! }), path: 'programs[0].serviceTypes.4.serviceCode', code: 'SERVICE_CODE_TAKEN' },
  { name: 'a service code belongs to another program', change: () => undefined, existing: (e) => e.serviceTypes.set('110101', { ...serviceTypes.get('110101')!, programCode: 'OTHER' }), path: 'programs[0].serviceTypes.0.serviceCode', code: 'SERVICE_CODE_TAKEN' },
  { name: 'a service type lists a grade twice', change: (d) => d.programs[0]!.serviceTypes[0]!.grades.push({ ...d.programs[0]!.serviceTypes[0]!.grades[0]! }), path: 'programs[0].serviceTypes.0.grades', code: 'DUPLICATE_GRADE' },
  { name: 'REG-01 two providers of the document share a business number', change: (d) => d.providers.push({ ...d.providers[0]!, providerId: 'P0002' }), path: 'providers[1].businessNumber', code: 'BUSINESS_NUMBER_TAKEN', rule: 'REG-01' },
  { name: 'REG-01 two payout accounts for one program', change: (d) => d.providers[0]!.accounts.push({ ...d.providers[0]!.accounts[0]! }), path: 'providers[0].accounts.1.programCode', code: 'DUPLICATE_ACCOUNT', rule: 'REG-01' },
  { name: 'an account for a program that is not registered', change: (d) => (d.providers[0]!.accounts[0]!.programCode = 'NOPE'), path: 'providers[0].accounts.0.programCode', code: 'UNKNOWN_PROGRAM' },
  { name: 'REG-02 a worker cannot move to another provider by import', change: () => undefined, existing: (e) => e.workers.set('W0001', { providerId: 'P0009' }), path: 'workers[0].providerId', code: 'WORKER_PROVIDER_IMMUTABLE', rule: 'REG-02' },
  { name: 'REG-02 a worker payment ID never changes', change: () => undefined, existing: (e) => e.workers.set('W0001', { providerId: 'P0001', workerPaymentId: '29999999' }), path: 'workers[0].workerPaymentId', code: 'WORKER_PAYMENT_ID_IMMUTABLE', rule: 'REG-02' },
  { name: 'REG-02 a worker payment ID is given once', change: (d) => d.workers.push({ ...d.workers[0]!, workerId: 'W0002', rrn: '860101-1234567' }), path: 'workers[1].workerPaymentId', code: 'WORKER_PAYMENT_ID_TAKEN', rule: 'REG-02' },
  { name: 'REG-03 a terminal names an unknown worker', change: (d) => (d.terminals[0]!.workerIds = ['W9999']), path: 'terminals[0].workerIds.0', code: 'UNKNOWN_WORKER' },
  { name: 'REG-03 a terminal names another provider\'s worker', change: (d) => { d.providers.push({ ...d.providers[0]!, providerId: 'P0002', businessNumber: businessNumber('223456789') }); d.terminals[0]!.providerId = 'P0002'; d.terminals[0]!.workerIds = ['W0001']; }, path: 'terminals[0].workerIds.0', code: 'WORKER_OF_OTHER_PROVIDER', rule: 'REG-03' },
  { name: 'REG-03 a terminal changes provider only by an approved transfer', change: () => undefined, existing: (e) => e.terminals.set('VT11-000001', { providerId: 'P0009', phone: '01012345678' }), path: 'terminals[0].providerId', code: 'TERMINAL_TRANSFER_NEEDS_APPROVAL', rule: 'REG-03' },
  { name: 'REG-03 a smartphone is registered to exactly one worker', change: (d) => { d.terminals[0]!.model = 'SM-G991'; d.terminals[0]!.workerIds = []; }, path: 'terminals[0].workerIds', code: 'SMARTPHONE_NEEDS_ONE_WORKER', rule: 'REG-03' },
  {
    name: 'REG-03 a smartphone may not be registered to two providers',
    change: (d) => {
      d.providers.push({ ...d.providers[0]!, providerId: 'P0002', businessNumber: businessNumber('223456789') });
      d.workers.push({ ...d.workers[0]!, workerId: 'W0002', providerId: 'P0002', rrn: '860101-1234567', workerPaymentId: '20000002' });
      d.terminals = [
        { ...d.terminals[0]!, serial: 'PHONE-1', model: 'SM-G991', workerIds: ['W0001'] },
        { ...d.terminals[0]!, serial: 'PHONE-2', model: 'SM-G991', providerId: 'P0002', workerIds: ['W0002'] },
      ];
    },
    path: 'terminals[1].phone', code: 'PHONE_REGISTERED_ELSEWHERE', rule: 'REG-03',
  },
  { name: 'REG-05 a card belongs to one recipient for its whole life', change: () => undefined, existing: (e) => e.cards.set('9410000000000001', { recipientId: 'R0099' }), path: 'cards[0].recipientId', code: 'CARD_OWNER_IMMUTABLE', rule: 'REG-05' },
  { name: 'REG-05 a card of an unknown recipient', change: (d) => (d.cards[0]!.recipientId = 'R9999'), path: 'cards[0].recipientId', code: 'UNKNOWN_RECIPIENT' },
  { name: 'REG-04 an eligibility of an unknown service', change: (d) => Object.assign(d.recipients[0]!, { eligibility: [{ serviceCode: '999999', grade: '1', from: '2026-01-01', to: null }] }), path: 'recipients[0].eligibility.0.serviceCode', code: 'UNKNOWN_SERVICE', rule: 'REG-04' },
  { name: 'REG-04 an eligibility with a grade its service does not have', change: (d) => Object.assign(d.recipients[0]!, { eligibility: [{ serviceCode: '110101', grade: 'Z', from: '2026-01-01', to: null }] }), path: 'recipients[0].eligibility.0.grade', code: 'UNKNOWN_GRADE', rule: 'REG-04' },
  { name: 'REG-04 an eligibility cannot end before it starts', change: (d) => Object.assign(d.recipients[0]!, { eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-01-01', to: '2025-12-31' }] }), path: 'recipients[0].eligibility.0.to', code: 'INVALID_PERIOD', rule: 'REG-04' },
  { name: 'REG-04 a contract with a grade its service does not have', change: (d) => (d.contracts[0]!.grade = 'Z'), path: 'contracts[0].grade', code: 'UNKNOWN_GRADE' },
  { name: 'REG-04 a contract of an unknown service', change: (d) => (d.contracts[0]!.serviceCode = '999999'), path: 'contracts[0].serviceCode', code: 'UNKNOWN_SERVICE' },
  { name: 'REG-04 a contract cannot end before it starts', change: (d) => (d.contracts[0]!.to = '2025-12-31'), path: 'contracts[0].to', code: 'INVALID_PERIOD', rule: 'REG-04' },
  { name: 'REG-04 a contract cannot be terminated before it starts', change: (d) => Object.assign(d.contracts[0]!, { terminatedOn: '2025-12-01' }), path: 'contracts[0].terminatedOn', code: 'INVALID_TERMINATION_DATE', rule: 'REG-04' },
  { name: 'REG-04 a contract only with an eligible recipient', change: (d) => Object.assign(d.recipients[0]!, { status: 'INELIGIBLE' }), path: 'contracts[0].recipientId', code: 'RECIPIENT_NOT_ELIGIBLE', rule: 'REG-04' },
  { name: 'REG-04 a contract of an unknown provider', change: (d) => (d.contracts[0]!.providerId = 'P9999'), path: 'contracts[0].providerId', code: 'UNKNOWN_PROVIDER' },
  { name: 'REG-04 a designated worker who is not registered', change: (d) => (d.contracts[0]!.designatedWorkerIds = ['W9999']), path: 'contracts[0].designatedWorkerIds.0', code: 'UNKNOWN_WORKER' },
  {
    name: 'REG-04 a designated worker of another provider',
    change: (d) => { d.providers.push({ ...d.providers[0]!, providerId: 'P0002', businessNumber: businessNumber('223456789') }); d.workers.push({ ...d.workers[0]!, workerId: 'W0002', providerId: 'P0002', rrn: '860101-1234567', workerPaymentId: '20000002' }); d.contracts[0]!.designatedWorkerIds = ['W0002']; },
    path: 'contracts[0].designatedWorkerIds.0', code: 'WORKER_OF_OTHER_PROVIDER', rule: 'REG-04',
  },
  { name: 'REG-04 the parties of a contract never change', change: () => undefined, existing: (e) => e.contracts.set('C0001', contract({ providerId: 'P0009' })), path: 'contracts[0].contractId', code: 'CONTRACT_PARTIES_IMMUTABLE', rule: 'REG-04' },
  { name: 'a record that appears twice in its section', change: (d) => d.cards.push({ ...d.cards[0]! }), path: 'cards[1]', code: 'DUPLICATE_RECORD' },
  { name: 'a program that appears twice', change: (d) => d.programs.push(structuredClone(d.programs[0]!)), path: 'programs[1]', code: 'DUPLICATE_RECORD' },
  { name: 'a provider that appears twice', change: (d) => d.providers.push({ ...d.providers[0]! }), path: 'providers[1]', code: 'DUPLICATE_RECORD' },
  { name: 'a worker that appears twice', change: (d) => d.workers.push({ ...d.workers[0]! }), path: 'workers[1]', code: 'DUPLICATE_RECORD' },
  { name: 'a terminal that appears twice', change: (d) => d.terminals.push({ ...d.terminals[0]! }), path: 'terminals[1]', code: 'DUPLICATE_RECORD' },
  { name: 'a contract that appears twice', change: (d) => d.contracts.push({ ...d.contracts[0]! }), path: 'contracts[1]', code: 'DUPLICATE_RECORD' },
  { name: 'REG-07 a worker\'s RRN that is not one', change: (d) => (d.workers[0]!.rrn = '851301-1234567'), path: 'workers[0].rrn', code: 'INVALID_RRN', rule: 'REG-07' },
  { name: 'REG-02 a worker contract for a program that is not registered', change: (d) => (d.workers[0]!.contracts[0]!.programCode = 'NOPE'), path: 'workers[0].contracts.0.programCode', code: 'UNKNOWN_PROGRAM' },
  { name: 'REG-02 two worker contracts for one program', change: (d) => d.workers[0]!.contracts.push({ ...d.workers[0]!.contracts[0]! }), path: 'workers[0].contracts.1', code: 'DUPLICATE_CONTRACT', rule: 'REG-02' },
  { name: 'a death date before the birth date', change: (d) => Object.assign(d.recipients[0]!, { deathDate: '2014-01-01' }), path: 'recipients[0].deathDate', code: 'INVALID_DEATH_DATE' },
];

describe('registry import rejections', () => {
  it.each(cases)('$name', ({ change, existing, path, code, rule }) => {
    const doc = importDocument();
    change(doc);
    const known = empty();
    existing?.(known);
    const plan = decide(doc, known);
    expect(plan.rejected).toContainEqual({ path, code, message: expect.any(String), ...(rule ? { rule } : {}) });
    expect(plan.programs.length + plan.recipients.length).toBeGreaterThan(0); // the rest still goes in
  });

  it('REG-06 a re-import that changes a contract\'s grade records the change today, from next month', () => {
    const doc = importDocument();
    doc.contracts[0]!.grade = '2';
    const known = empty();
    known.contracts.set('C0001', contract());
    expect(decide(doc, known).contracts[0]!.record).toMatchObject({ grade: '2', initialGrade: '1', gradeChanges: [{ grade: '2', recordedOn: '2026-03-05' }] });
  });
});

describe('what a re-import keeps', () => {
  it('REG-02 a worker imported without a payment ID keeps the one stored; a terminated contract keeps its date', () => {
    const doc = importDocument();
    delete (doc.workers[0] as { workerPaymentId?: string }).workerPaymentId;
    Object.assign(doc.contracts[0]!, { status: 'TERMINATED', terminatedOn: '2026-06-30' });
    const known = empty();
    known.workers.set('W0001', { providerId: 'P0001', workerPaymentId: '20000001' });
    const plan = decide(doc, known);
    expect(plan.rejected).toEqual([]);
    expect(plan.workers[0]!.record.workerPaymentId).toBe('20000001');
    expect(plan.contracts[0]!.record).toMatchObject({ status: 'TERMINATED', terminatedOn: '2026-06-30' });
  });
});

describe('the import use case', () => {
  it('loads exactly what the document refers to, stores the plan, and reports malformed, rejected and stored records together', async () => {
    const doc = importDocument(2);
    const { parsed } = parseImportRecords(importEnvelope.parse(doc));
    const ids = referencedIds(parsed);
    expect([...ids.recipients].sort()).toEqual(['R0001', 'R0002']);
    expect([...ids.serviceCodes]).toContain('110101');
    expect([...ids.workers]).toEqual(['W0001']);
    expect([...ids.programs]).toEqual(['COMMUNITY']);
    const asked: unknown[] = [];
    const store: RegistryImportStore = {
      loadExisting: async (refs) => (asked.push(refs), empty()),
      save: async () => ({ rejected: [{ path: 'cards[1]', code: 'CARD_TAKEN', message: 'taken at write time' }], created: 9, updated: 1, unchanged: 0 }),
    };
    const report = await importRegistry(parsed, store, '2026-03-05', [{ path: 'workers[9]', code: 'VALIDATION_FAILED', message: 'bad' }]);
    expect(asked).toEqual([ids]);
    expect(report).toEqual({
      accepted: 9, // 10 records planned, one refused at write time
      rejected: [{ path: 'workers[9]', code: 'VALIDATION_FAILED', message: 'bad' }, { path: 'cards[1]', code: 'CARD_TAKEN', message: 'taken at write time' }],
      created: 9,
      updated: 1,
      unchanged: 0,
    });
  });
});
