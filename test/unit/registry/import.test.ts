import { describe, expect, it } from 'vitest';
import type { ExistingRegistry } from '../../../domain/registry/document';
import { planImport } from '../../../domain/registry/import';
import { importEnvelope, parseImportRecords } from '../../../events/import';
import { contract, importDocument } from '../../support/fixtures';

const empty: ExistingRegistry = {
  serviceTypes: new Map(), programs: new Set(), providers: new Map(), workers: new Map(), terminals: new Map(), recipients: new Map(), cards: new Map(), contracts: new Map(),
};

function decide(doc: unknown, existing: ExistingRegistry = empty, today = '2026-03-05') {
  const { parsed, issues } = parseImportRecords(importEnvelope.parse(doc));
  const plan = planImport(parsed, existing, today);
  return { plan, rejected: [...issues, ...plan.rejected] };
}

describe('registry import', () => {
  it('accepts a complete valid document, normalising RRNs', () => {
    const { plan, rejected } = decide(importDocument());
    expect(rejected).toEqual([]);
    expect(plan.workers[0]!.record.rrn).toBe('8501011234567');
    expect(plan.terminals[0]!.record.kind).toBe('DEDICATED');
    expect(plan.contracts[0]!.record).toMatchObject({ initialGrade: '1', gradeChanges: [] });
  });

  it('REG-01: a business number with a wrong check digit is rejected with the rule, and so are records that need that provider', () => {
    const doc = importDocument();
    doc.providers[0]!.businessNumber = '1234567890';
    const { plan, rejected } = decide(doc);
    expect(rejected).toContainEqual({ path: 'providers[0].businessNumber', code: 'INVALID_BUSINESS_NUMBER', message: expect.any(String), rule: 'REG-01' });
    expect(rejected).toContainEqual(expect.objectContaining({ path: 'workers[0].providerId', code: 'UNKNOWN_PROVIDER' }));
    expect(plan.programs).toHaveLength(1); // the rest of the document still goes in
    expect(plan.recipients).toHaveLength(1);
  });

  it('REG-07: a malformed RRN is rejected without echoing it', () => {
    const doc = importDocument();
    doc.recipients[0]!.rrn = '151302-4000001';
    const { rejected } = decide(doc);
    const issue = rejected.find((r) => r.path === 'recipients[0].rrn');
    expect(issue).toMatchObject({ code: 'INVALID_RRN', rule: 'REG-07' });
    expect(JSON.stringify(rejected)).not.toContain('151302');
  });

  it('REG-04: the birth date must agree with the RRN', () => {
    const doc = importDocument();
    doc.recipients[0]!.birthDate = '2015-04-03';
    expect(decide(doc).rejected).toContainEqual(expect.objectContaining({ path: 'recipients[0].birthDate', code: 'BIRTH_DATE_MISMATCH' }));
  });

  it('REG-04: at most 5 designated workers, all of the contract\'s provider', () => {
    const doc = importDocument();
    doc.workers.push(...['W2', 'W3', 'W4', 'W5', 'W6'].map((workerId, i) => ({ ...doc.workers[0]!, workerId, rrn: `85010${i + 2}-1234567`, workerPaymentId: `2000010${i}` })));
    doc.contracts[0]!.designatedWorkerIds = ['W0001', 'W2', 'W3', 'W4', 'W5', 'W6'];
    expect(decide(doc).rejected).toContainEqual(expect.objectContaining({ path: 'contracts[0].designatedWorkerIds', code: 'TOO_MANY_DESIGNATED_WORKERS', rule: 'REG-04' }));
    doc.contracts[0]!.designatedWorkerIds = ['W0001', 'W2', 'W3', 'W4', 'W5'];
    expect(decide(doc).rejected).toEqual([]);
  });

  it('REG-02: a worker contract never ends on or before its start', () => {
    const doc = importDocument();
    doc.workers[0]!.contracts = [{ programCode: 'COMMUNITY', from: '2026-01-01', to: '2026-01-01' as never }];
    expect(decide(doc).rejected).toContainEqual(expect.objectContaining({ path: 'workers[0].contracts.0.to', code: 'INVALID_TERMINATION_DATE', rule: 'REG-02' }));
  });

  it('REG-03: a smartphone belongs to exactly one worker, and a terminal does not change provider by import', () => {
    const doc = importDocument();
    doc.terminals[0] = { ...doc.terminals[0]!, serial: 'APP-0001', model: 'Galaxy S24', workerIds: [] };
    expect(decide(doc).rejected).toContainEqual(expect.objectContaining({ code: 'SMARTPHONE_NEEDS_ONE_WORKER', rule: 'REG-03' }));
    const moved = importDocument();
    const existing = { ...empty, terminals: new Map([['VT11-000001', { providerId: 'P0009', phone: '01012345678' }]]) };
    expect(decide(moved, existing).rejected).toContainEqual(expect.objectContaining({ code: 'TERMINAL_TRANSFER_NEEDS_APPROVAL', rule: 'REG-03' }));
  });

  it('references may point to records already stored', () => {
    const doc = { contracts: importDocument().contracts };
    const existing: ExistingRegistry = {
      ...empty,
      serviceTypes: new Map([['110101', { serviceCode: '110101', programCode: 'COMMUNITY', name: 'x', grades: [{ grade: '1', monthlySubsidy: 144000, sessionsPerMonth: 4 }] }]]),
      providers: new Map([['P0001', { businessNumber: '1234567891' }]]),
      workers: new Map([['W0001', { providerId: 'P0001', workerPaymentId: '20000001' }]]),
      recipients: new Map([['R0001', { status: 'ACTIVE' }]]),
    };
    expect(decide(doc, existing).rejected).toEqual([]);
    expect(decide(doc).rejected.map((r) => r.code)).toEqual(['UNKNOWN_RECIPIENT']);
  });

  it('REG-06: re-importing a contract with another grade records the change today', () => {
    const stored = contract({ contractId: 'C0001', grade: '1', initialGrade: '1' });
    const existing = { ...empty, contracts: new Map([['C0001', stored]]) };
    const doc = importDocument();
    doc.contracts[0]!.grade = '2';
    const { plan } = decide(doc, existing, '2026-05-14');
    expect(plan.contracts[0]!.record).toMatchObject({ grade: '2', initialGrade: '1', gradeChanges: [{ grade: '2', recordedOn: '2026-05-14' }] });
    doc.contracts[0]!.grade = '1';
    expect(decide(doc, existing).plan.contracts[0]!.record.gradeChanges).toEqual([]);
  });

  it('malformed records are reported one by one with their path; duplicates too', () => {
    const doc = importDocument(2) as Record<string, unknown[]>;
    doc.cards!.push({ cardNumber: '12', recipientId: 'R0001' });
    doc.recipients!.push({ ...(doc.recipients![0] as object) });
    const { rejected, plan } = decide(doc);
    expect(rejected).toContainEqual(expect.objectContaining({ path: 'cards[2].cardNumber', code: 'VALIDATION_FAILED' }));
    expect(rejected).toContainEqual(expect.objectContaining({ path: 'recipients[2]', code: 'DUPLICATE_RECORD' }));
    expect(plan.cards).toHaveLength(2);
  });

  it('an unknown section or a non-array section fails the whole document (400)', () => {
    expect(importEnvelope.safeParse({ vouchers: [] }).success).toBe(false);
    expect(importEnvelope.safeParse({ programs: {} }).success).toBe(false);
  });
});
