/**
 * Registry self-service for people and contracts on the in-memory stores: recipients with their
 * eligibility, grade changes and suspensions (REG-04/06), workers (REG-02), contracts with the
 * month's voucher (VCH-05) and the VCH-03 lists. Each rule's refusal changes nothing; each change
 * comes with its masked audit entry; retries answer as the first time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractRecord, RecipientRecord, RegistryActor, RegistryDeps, WorkerRecord } from '../../../domain/registry/changes';
import { contractMatches } from '../../../domain/registry/changes';
import { changeDesignatedWorkers, listContracts, listUnusedContracts, registerContract, terminateContract } from '../../../domain/registry/contracts';
import { suspendedOn, type ServiceType } from '../../../domain/registry/entities';
import { addEligibility, changeGrade, registerRecipient, suspendService } from '../../../domain/registry/recipients';
import { listWorkers, registerWorker, terminateWorker, workerStatus } from '../../../domain/registry/workers';
import { InMemoryRegistryChanges } from '../../fakes/registry-changes';
import { InMemoryRegistry } from '../../fakes/registry-store';
import { InMemoryVouchers } from '../../fakes/voucher-store';

const provider = (providerId: string): RegistryActor => ({ sub: `u-${providerId}`, role: 'provider', providerId });
const P1 = provider('P1');
const P2 = provider('P2');
const agency: RegistryActor = { sub: 'agency-1', role: 'agency' };
const muni = (code: string): RegistryActor => ({ sub: `m-${code}`, role: 'municipality', municipalityCode: code });
const CITY = muni('44130');
const refusal = (code: string, rule: string) => ({ ok: false, refusal: expect.objectContaining({ code, rule }) });

const SERVICES: ServiceType[] = [
  { serviceCode: '110101', programCode: 'COMMUNITY', name: '심리지원', grades: [{ grade: '1', monthlySubsidy: 144_000, sessionsPerMonth: 4 }, { grade: '2', monthlySubsidy: 160_000, sessionsPerMonth: 8 }] },
  { serviceCode: '110201', programCode: 'COMMUNITY', name: '안마', grades: [{ grade: 'A', monthlySubsidy: 136_800, sessionsPerMonth: 4 }] },
  { serviceCode: '110301', programCode: 'COMMUNITY', name: '정서발달', grades: [{ grade: '2', monthlySubsidy: 100_000, sessionsPerMonth: 3 }] },
  { serviceCode: '110401', programCode: 'COMMUNITY', name: '돌봄', grades: [{ grade: '1', monthlySubsidy: 90_000, sessionsPerMonth: 3 }] },
  { serviceCode: '210101', programCode: 'ELDER', name: '노인돌봄', grades: [{ grade: '1', monthlySubsidy: 200_000, sessionsPerMonth: 10 }] },
];

let store: InMemoryRegistryChanges;
let vouchers: InMemoryVouchers;
let people: InMemoryRegistry;
let deps: RegistryDeps;
let now: Date;

beforeEach(() => {
  store = new InMemoryRegistryChanges();
  for (const s of SERVICES) store.serviceTypes.set(s.serviceCode, s);
  store.programs.add('ELDER');
  vouchers = new InMemoryVouchers(new InMemoryRegistry());
  people = new InMemoryRegistry();
  now = new Date('2026-03-10T01:00:00Z');
  deps = { port: store, now: () => now, newSecret: () => 'secret-abcdefghijklmnop', newId: (p) => `${p}1`, hash: (b) => JSON.stringify(b), vouchers, accessLog: people };
});

const RRN = '160505-3123456';
const recipient = { recipientId: 'R1', name: '박하늘', rrn: RRN, birthDate: '2016-05-05', municipalityCode: '44130', eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-03-01', to: '2026-12-31' }] };
const contract = { contractId: 'C1', name: '박하늘', rrn: RRN, serviceCode: '110101', from: '2026-03-10', to: '2026-12-31', serviceAddress: '천안시 1', designatedWorkerIds: [] as string[] };
const worker = { workerId: 'W1', name: '최유리', rrn: '900303-2345678', phone: '01055556666', contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01' }] };

async function selected(over: Partial<typeof recipient> = {}) {
  const r = await registerRecipient(deps, CITY, { ...recipient, ...over });
  expect(r.ok).toBe(true);
  return r;
}
const contractOf = async (id: string) => (await store.contract(id))!.value;

describe('REG-04 recipients', () => {
  it('selects a recipient of the municipality\'s own code, the RRN only masked; a retry answers the same; another body conflicts', async () => {
    const first = await registerRecipient(deps, CITY, recipient);
    expect(first).toMatchObject({ ok: true, status: 201, body: { recipientId: 'R1', rrnMasked: '160505-3******', eligibility: recipient.eligibility, suspensions: [] } });
    expect(JSON.stringify(first)).not.toContain('3123456');
    expect(await registerRecipient(deps, CITY, recipient)).toEqual(first);
    expect(await registerRecipient(deps, CITY, { ...recipient, name: '박하나' })).toEqual(refusal('IDEMPOTENCY_CONFLICT', 'REG-08'));
    expect(await store.recipientsByRrn('1605053123456')).toHaveLength(1);
    expect(store.audits).toEqual([expect.objectContaining({ entity: 'recipient', id: 'R1', action: 'SELECTED', before: null, after: expect.objectContaining({ name: '박*늘' }) })]);
    // The agency selects for any municipality.
    expect(await registerRecipient(deps, agency, { ...recipient, recipientId: 'R2', municipalityCode: '11110' })).toMatchObject({ ok: true });
  });

  it.each([
    ['another municipality', muni('11110'), {}, 'NOT_OWN_MUNICIPALITY', 'REG-04'],
    ['an RRN without a real birth date', CITY, { rrn: '161305-3123456' }, 'INVALID_RRN', 'REG-07'],
    ['a birth date other than the RRN\'s', CITY, { birthDate: '2016-05-06' }, 'BIRTH_DATE_MISMATCH', 'REG-04'],
    ['an eligibility ending before it starts', CITY, { eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-03-01', to: '2026-02-01' }] }, 'INVALID_PERIOD', 'REG-04'],
    ['an unknown service', CITY, { eligibility: [{ serviceCode: '999999', grade: '1', from: '2026-03-01', to: null }] }, 'UNKNOWN_SERVICE', 'REG-04'],
    ['an unknown grade', CITY, { eligibility: [{ serviceCode: '110101', grade: '9', from: '2026-03-01', to: null }] }, 'GRADE_NOT_IN_CATALOG', 'REG-04'],
    ['two overlapping eligibilities', CITY, { eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-03-01', to: null }, { serviceCode: '110101', grade: '2', from: '2026-06-01', to: '2026-07-01' }] }, 'ELIGIBILITY_OVERLAPS', 'REG-04'],
  ] as const)('refuses %s and writes nothing', async (_what, actor, over, code, rule) => {
    expect(await registerRecipient(deps, actor, { ...recipient, ...over } as typeof recipient)).toEqual(refusal(code, rule));
    expect(store.commits).toBe(0);
  });

  it('adds an eligibility once; an overlapping one is refused; another municipality and a provider see no such recipient', async () => {
    await selected();
    const e = { serviceCode: '110201', grade: 'A', from: '2026-03-01', to: null };
    const added = await addEligibility(deps, CITY, 'R1', e);
    expect(added).toMatchObject({ ok: true, status: 201, body: { eligibility: [recipient.eligibility[0], e] } });
    const commits = store.commits;
    expect(await addEligibility(deps, CITY, 'R1', e)).toEqual(added);
    expect(store.commits).toBe(commits);
    expect(await addEligibility(deps, CITY, 'R1', { ...e, from: '2027-01-01' })).toEqual(refusal('ELIGIBILITY_OVERLAPS', 'REG-04'));
    expect(await addEligibility(deps, muni('11110'), 'R1', { ...e, serviceCode: '110301', grade: '2' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await addEligibility(deps, P1, 'R1', { ...e, serviceCode: '110301', grade: '2' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await addEligibility(deps, CITY, 'R9', { ...e, serviceCode: '110301', grade: '2' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await addEligibility(deps, CITY, 'R1', { ...e, serviceCode: '999999' })).toEqual(refusal('UNKNOWN_SERVICE', 'REG-04'));
    expect(store.commits).toBe(commits);
  });
});

describe('REG-06 grade changes and VCH-02 suspensions', () => {
  beforeEach(async () => {
    await selected({ eligibility: [...recipient.eligibility, { serviceCode: '110201', grade: 'A', from: '2026-03-01', to: null }] as never });
    expect(await registerContract(deps, P1, contract)).toMatchObject({ ok: true });
    expect(await registerContract(deps, P1, { ...contract, contractId: 'C2', serviceCode: '110201' })).toMatchObject({ ok: true });
    expect(await registerContract(deps, P1, { ...contract, contractId: 'C3' })).toMatchObject({ ok: true });
    expect(await terminateContract(deps, P1, 'C3', { on: '2026-03-10', reason: '중복' })).toMatchObject({ ok: true });
  });

  it('REG-06: recorded this month on the eligibility and every running contract of the service, from next month; a retry changes nothing; a second change this month replaces the first', async () => {
    const changed = await changeGrade(deps, CITY, 'R1', { serviceCode: '110101', grade: '2' });
    expect(changed).toEqual({ ok: true, status: 201, body: { recipientId: 'R1', serviceCode: '110101', grade: '2', appliesFrom: '2026-04' } });
    expect(await contractOf('C1')).toMatchObject({ grade: '2', initialGrade: '1', gradeChanges: [{ grade: '2', recordedOn: '2026-03-10' }] });
    expect((await contractOf('C2')).gradeChanges).toEqual([]);
    expect((await contractOf('C3')).gradeChanges).toEqual([]);
    const commits = store.commits;
    expect(await changeGrade(deps, CITY, 'R1', { serviceCode: '110101', grade: '2' })).toEqual(changed);
    expect(store.commits).toBe(commits);
    expect(await changeGrade(deps, CITY, 'R1', { serviceCode: '110101', grade: '1' })).toMatchObject({ ok: true });
    expect((await contractOf('C1')).gradeChanges).toEqual([{ grade: '1', recordedOn: '2026-03-10' }]);
    expect(store.audits.filter((a) => a.action === 'GRADE_CHANGED').map((a) => a.entity)).toEqual(['recipient', 'contract', 'recipient', 'contract']);
  });

  it('REG-06 refusals: another municipality, no current eligibility, a grade not in the catalog', async () => {
    const commits = store.commits;
    expect(await changeGrade(deps, muni('11110'), 'R1', { serviceCode: '110101', grade: '2' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await changeGrade(deps, CITY, 'R1', { serviceCode: '110301', grade: '2' })).toEqual(refusal('NO_ELIGIBILITY', 'REG-04'));
    expect(await changeGrade(deps, CITY, 'R1', { serviceCode: '110101', grade: '7' })).toEqual(refusal('GRADE_NOT_IN_CATALOG', 'REG-04'));
    expect(store.commits).toBe(commits);
  });

  it('VCH-02: a suspension reaches the running contracts of its service (not a terminated one); the same one again changes nothing; a new contract takes it too', async () => {
    const s = { serviceCode: '110101', from: '2026-03-12', to: null, reason: '입원' };
    const suspended = await suspendService(deps, CITY, 'R1', s);
    expect(suspended).toMatchObject({ ok: true, status: 201, body: { suspensions: [s] } });
    expect((await contractOf('C1')).suspensions).toEqual([{ from: '2026-03-12', to: null }]);
    expect((await contractOf('C2')).suspensions).toBeUndefined();
    expect((await contractOf('C3')).suspensions).toBeUndefined();
    expect(suspendedOn(await contractOf('C1'), '2026-03-11')).toBe(false);
    expect(suspendedOn(await contractOf('C1'), '2026-03-12')).toBe(true);
    const commits = store.commits;
    expect(await suspendService(deps, CITY, 'R1', s)).toEqual(suspended);
    expect(store.commits).toBe(commits);
    expect(await registerContract(deps, P1, { ...contract, contractId: 'C4', from: '2026-03-20' })).toMatchObject({ ok: true, body: { suspensions: [{ from: '2026-03-12', to: null }] } });
  });

  it('VCH-02 suspension refusals: a period ending before it starts, another municipality, an unknown service', async () => {
    const commits = store.commits;
    expect(await suspendService(deps, CITY, 'R1', { serviceCode: '110101', from: '2026-03-12', to: '2026-03-01', reason: 'x' })).toEqual(refusal('INVALID_PERIOD', 'REG-04'));
    expect(await suspendService(deps, muni('11110'), 'R1', { serviceCode: '110101', from: '2026-03-12', to: null, reason: 'x' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await suspendService(deps, CITY, 'R1', { serviceCode: '999999', from: '2026-03-12', to: null, reason: 'x' })).toEqual(refusal('UNKNOWN_SERVICE', 'REG-04'));
    expect(store.commits).toBe(commits);
  });
});

describe('REG-02 workers', () => {
  it('assigns the next free payment ID (one the import holds is skipped); a retry answers the same; another provider\'s id is taken', async () => {
    store.paymentIds.set('20000001', 'W-imported');
    const first = await registerWorker(deps, P1, worker);
    expect(first).toMatchObject({ ok: true, status: 201, body: { workerId: 'W1', providerId: 'P1', workerPaymentId: '20000002', rrnMasked: '900303-2******', phone: '01055556666', contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01', to: null }] } });
    expect(await registerWorker(deps, P1, worker)).toEqual(first);
    expect(await registerWorker(deps, P1, { ...worker, name: '최유라' })).toEqual(refusal('IDEMPOTENCY_CONFLICT', 'REG-08'));
    expect(await registerWorker(deps, P2, worker)).toEqual(refusal('WORKER_ID_TAKEN', 'REG-02'));
    const { phone: _, ...noPhone } = worker;
    expect(await registerWorker(deps, P1, { ...noPhone, workerId: 'W2' })).toMatchObject({ ok: true, body: { workerPaymentId: '20000003' } });
    expect(((await store.workerRecord('W2'))!.value as WorkerRecord).phone).toBeUndefined();
  });

  it.each([
    ['an RRN that is no RRN', { rrn: '900399-2345678' }, 'INVALID_RRN', 'REG-07'],
    ['an unknown program', { contracts: [{ programCode: 'NOPE', from: '2026-03-01' }] }, 'UNKNOWN_PROGRAM', 'REG-02'],
    ['one program twice', { contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01' }, { programCode: 'COMMUNITY', from: '2026-04-01' }] }, 'DUPLICATE_CONTRACT', 'REG-02'],
  ] as const)('refuses %s and writes nothing', async (_what, over, code, rule) => {
    expect(await registerWorker(deps, P1, { ...worker, ...(over as Partial<typeof worker>) })).toEqual(refusal(code, rule));
    expect(store.commits).toBe(0);
  });

  it('terminates one program or all (일괄 해지), today by default, never before a start; an ended contract keeps its end; a retry changes nothing', async () => {
    await registerWorker(deps, P1, { ...worker, contracts: [{ programCode: 'COMMUNITY', from: '2026-03-01' }, { programCode: 'ELDER', from: '2026-03-05' }] });
    expect(await terminateWorker(deps, P1, 'W1', { programCode: null, on: '2026-03-04' })).toEqual(refusal('TERMINATION_BEFORE_START', 'REG-02'));
    expect(await terminateWorker(deps, P1, 'W1', { programCode: 'OTHER', on: null })).toEqual(refusal('NOTHING_TO_TERMINATE', 'REG-02'));
    expect(await terminateWorker(deps, P2, 'W1', { programCode: null, on: null })).toEqual(refusal('NOT_FOUND', 'REG-02'));
    expect(await terminateWorker(deps, P1, 'W9', { programCode: null, on: null })).toEqual(refusal('NOT_FOUND', 'REG-02'));
    expect(await terminateWorker(deps, P1, 'W1', { programCode: 'ELDER', on: '2026-03-06' })).toMatchObject({ ok: true, body: { contracts: [{ programCode: 'COMMUNITY', to: null }, { programCode: 'ELDER', to: '2026-03-06' }] } });
    const all = await terminateWorker(deps, P1, 'W1', { programCode: null, on: null });
    expect(all).toMatchObject({ ok: true, status: 200, body: { contracts: [{ programCode: 'COMMUNITY', to: '2026-03-10' }, { programCode: 'ELDER', to: '2026-03-06' }] } });
    const commits = store.commits;
    expect(await terminateWorker(deps, P1, 'W1', { programCode: null, on: null })).toEqual(all);
    expect(store.commits).toBe(commits);
    expect(store.audits.filter((a) => a.entity === 'worker').map((a) => a.action)).toEqual(['REGISTERED', 'TERMINATED', 'ALL_TERMINATED']);
  });

  it('lists the provider\'s workers with their status today, each read in the access log (REG-07)', async () => {
    await registerWorker(deps, P1, worker);
    await registerWorker(deps, P1, { ...worker, workerId: 'W2', rrn: '910404-2345678' });
    await registerWorker(deps, P2, { ...worker, workerId: 'W3', rrn: '920505-2345678' });
    await terminateWorker(deps, P1, 'W2', { programCode: null, on: '2026-03-05' });
    expect(workerStatus((await store.workerRecord('W2'))!.value, '2026-03-05')).toBe('ACTIVE');
    const terminated = await listWorkers(deps, P1, { status: 'TERMINATED', limit: 50 }, 'req-1');
    expect(terminated.items.map((w) => [w.workerId, w.status])).toEqual([['W2', 'TERMINATED']]);
    const page = await listWorkers(deps, P1, { limit: 1 }, 'req-2');
    expect(page.items.map((w) => w.workerId)).toEqual(['W1']);
    expect(page.nextToken).toBeDefined();
    expect((await people.accessesOf('WORKER', 'W2')).map((a) => [a.actor, a.requestId])).toEqual([['u-P1', 'req-1']]);
    expect(await people.accessesOf('WORKER', 'W3')).toEqual([]);
  });
});

describe('REG-04 contracts and VCH-05', () => {
  beforeEach(async () => {
    await selected();
    await registerWorker(deps, P1, worker);
    await registerWorker(deps, P2, { ...worker, workerId: 'W9', rrn: '910404-2345678' });
  });

  it('VCH-05: registered by name and RRN mid-month, it answers this month\'s voucher; a retry answers the same contract with the voucher as it stands', async () => {
    const first = await registerContract(deps, P1, { ...contract, designatedWorkerIds: ['W1'] });
    expect(first).toMatchObject({ ok: true, status: 201, body: { contractId: 'C1', recipientId: 'R1', grade: '1', municipalityCode: '44130', voucher: { month: '2026-03', grantedAmount: 144_000, remainingAmount: 144_000, remainingSessions: 4, perSessionAmount: 36_000 } } });
    expect(vouchers.vouchers.size).toBe(1);
    expect(await registerContract(deps, P1, { ...contract, designatedWorkerIds: ['W1'] })).toEqual(first);
    expect(vouchers.vouchers.size).toBe(1);
    expect(await registerContract(deps, P1, contract)).toEqual(refusal('IDEMPOTENCY_CONFLICT', 'REG-08'));
    expect(await registerContract(deps, P2, contract)).toEqual(refusal('CONTRACT_ID_TAKEN', 'REG-04'));
    expect(store.audits.filter((a) => a.entity === 'contract').map((a) => a.action)).toEqual(['REGISTERED']);
  });

  it('VCH-05: a contract starting next month has no voucher yet; a fourth service this month is left without one, with its reason (VCH-02)', async () => {
    expect(await registerContract(deps, P1, { ...contract, from: '2026-04-01' })).toMatchObject({ ok: true, body: { voucher: null } });
    await addEligibility(deps, CITY, 'R1', { serviceCode: '110201', grade: 'A', from: '2026-03-01', to: null });
    await addEligibility(deps, CITY, 'R1', { serviceCode: '110301', grade: '2', from: '2026-03-01', to: null });
    await addEligibility(deps, CITY, 'R1', { serviceCode: '110401', grade: '1', from: '2026-03-01', to: null });
    for (const [id, code] of [['C2', '110201'], ['C3', '110301'], ['C5', '110101']] as const) expect(await registerContract(deps, P1, { ...contract, contractId: id, serviceCode: code, from: '2026-03-02' })).toMatchObject({ ok: true, body: { voucher: { month: '2026-03' } } });
    expect(await registerContract(deps, P1, { ...contract, contractId: 'C4', serviceCode: '110401', from: '2026-03-05' })).toMatchObject({ ok: true, body: { voucher: null, voucherNotGenerated: 'TOO_MANY_SERVICES' } });
  });

  it.each([
    ['a period ending before it starts', { to: '2026-03-01' }, 'INVALID_PERIOD', 'REG-04'],
    ['an RRN that is no RRN', { rrn: '161305-3123456' }, 'INVALID_RRN', 'REG-07'],
    ['an unknown service', { serviceCode: '999999' }, 'UNKNOWN_SERVICE', 'REG-04'],
    ['another name', { name: '박하나' }, 'RECIPIENT_NOT_ELIGIBLE', 'REG-04'],
    ['another RRN', { rrn: '160505-3123457' }, 'RECIPIENT_NOT_ELIGIBLE', 'REG-04'],
    ['a period beyond the eligibility', { to: '2027-01-31' }, 'RECIPIENT_NOT_ELIGIBLE', 'REG-04'],
    ['an open end beyond the eligibility', { to: null }, 'RECIPIENT_NOT_ELIGIBLE', 'REG-04'],
    ['a start before the eligibility', { from: '2026-02-20' }, 'RECIPIENT_NOT_ELIGIBLE', 'REG-04'],
    ['a service without eligibility', { serviceCode: '110201' }, 'RECIPIENT_NOT_ELIGIBLE', 'REG-04'],
    ['six designated workers', { designatedWorkerIds: ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] }, 'TOO_MANY_WORKERS', 'REG-04'],
    ['another provider\'s worker', { designatedWorkerIds: ['W9'] }, 'WORKER_NOT_ELIGIBLE', 'REG-04'],
    ['an unknown worker', { designatedWorkerIds: ['W404'] }, 'WORKER_NOT_ELIGIBLE', 'REG-04'],
  ] as const)('refuses %s and writes nothing', async (_what, over, code, rule) => {
    const commits = store.commits;
    expect(await registerContract(deps, P1, { ...contract, ...over } as typeof contract)).toEqual(refusal(code, rule));
    expect(store.commits).toBe(commits);
    expect(vouchers.vouchers.size).toBe(0);
  });

  it('REG-04: a recipient who is no longer eligible or died before the start gets no contract', async () => {
    const r = (await store.recipientRecord('R1'))!;
    store.records.set('recipient#R1', { value: { ...r.value, deathDate: '2026-03-09' } as RecipientRecord, version: r.version });
    expect(await registerContract(deps, P1, contract)).toEqual(refusal('RECIPIENT_NOT_ELIGIBLE', 'REG-04'));
    store.records.set('recipient#R1', { value: { ...r.value, status: 'INELIGIBLE' } as RecipientRecord, version: r.version });
    expect(await registerContract(deps, P1, contract)).toEqual(refusal('RECIPIENT_NOT_ELIGIBLE', 'REG-04'));
  });

  it('REG-04: the provider changes its contract\'s designated workers (at most five, its own); nothing for a terminated contract or another\'s', async () => {
    await registerContract(deps, P1, contract);
    expect(await changeDesignatedWorkers(deps, P1, 'C1', ['W1', 'W1'])).toMatchObject({ ok: true, status: 200, body: { designatedWorkerIds: ['W1'] } });
    const commits = store.commits;
    expect(await changeDesignatedWorkers(deps, P1, 'C1', ['W1'])).toMatchObject({ ok: true, body: { designatedWorkerIds: ['W1'] } });
    expect(store.commits).toBe(commits);
    expect(await changeDesignatedWorkers(deps, P1, 'C1', ['W9'])).toEqual(refusal('WORKER_NOT_ELIGIBLE', 'REG-04'));
    expect(await changeDesignatedWorkers(deps, P2, 'C1', [])).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await changeDesignatedWorkers(deps, CITY, 'C1', [])).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await changeDesignatedWorkers(deps, P1, 'C9', [])).toEqual(refusal('NOT_FOUND', 'REG-04'));
    const c = (await store.contract('C1'))!;
    store.records.set('contract#C1', { value: { ...c.value, serviceCode: '999999' }, version: c.version });
    expect(await changeDesignatedWorkers(deps, P1, 'C1', [])).toEqual(refusal('UNKNOWN_SERVICE', 'REG-04'));
    store.records.set('contract#C1', c);
    await terminateContract(deps, P1, 'C1', { on: '2026-03-20', reason: '이사' });
    expect(await changeDesignatedWorkers(deps, P1, 'C1', [])).toEqual(refusal('CONTRACT_TERMINATED', 'REG-04'));
  });

  it('REG-04: terminated by its provider, the recipient\'s municipality or the agency, never before the start; the same date again changes nothing, another is refused', async () => {
    await registerContract(deps, P1, contract);
    expect(await terminateContract(deps, P1, 'C1', { on: '2026-03-09', reason: 'x' })).toEqual(refusal('TERMINATION_BEFORE_START', 'REG-04'));
    expect(await terminateContract(deps, muni('11110'), 'C1', { on: '2026-03-20', reason: 'x' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await terminateContract(deps, P2, 'C1', { on: '2026-03-20', reason: 'x' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    expect(await terminateContract(deps, P1, 'C9', { on: '2026-03-20', reason: 'x' })).toEqual(refusal('NOT_FOUND', 'REG-04'));
    const ended = await terminateContract(deps, CITY, 'C1', { on: '2026-03-20', reason: '미사용' });
    expect(ended).toMatchObject({ ok: true, status: 200, body: { status: 'TERMINATED', to: '2026-03-20', terminatedOn: '2026-03-21', terminationReason: '미사용' } });
    const commits = store.commits;
    expect(await terminateContract(deps, P1, 'C1', { on: '2026-03-20', reason: '미사용' })).toEqual(ended);
    expect(store.commits).toBe(commits);
    expect(await terminateContract(deps, agency, 'C1', { on: '2026-03-25', reason: 'x' })).toEqual(refusal('CONTRACT_TERMINATED', 'REG-04'));
    // A contract already ending before the date keeps its own last day.
    await registerContract(deps, P1, { ...contract, contractId: 'C2', to: '2026-04-30' });
    expect(await terminateContract(deps, agency, 'C2', { on: '2026-06-30', reason: 'x' })).toMatchObject({ ok: true, body: { to: '2026-04-30', terminatedOn: '2026-05-01' } });
  });

  it('VCH-03: contracts ending in a month, listed from two months before it; by status and service too', async () => {
    await addEligibility(deps, CITY, 'R1', { serviceCode: '110201', grade: 'A', from: '2026-03-01', to: '2026-05-31' });
    await registerContract(deps, P1, contract);
    await registerContract(deps, P1, { ...contract, contractId: 'C2', serviceCode: '110201', to: '2026-05-31' });
    const may = await listContracts(deps, P1, { endingIn: '2026-05' }, 50);
    expect(may).toMatchObject({ ok: true, page: { items: [expect.objectContaining({ contractId: 'C2' })] } });
    expect(await listContracts(deps, P1, { endingIn: '2026-06' }, 50)).toEqual(refusal('LIST_NOT_OPEN_YET', 'VCH-03'));
    expect(await listContracts(deps, P1, { serviceCode: '110101' }, 50)).toMatchObject({ page: { items: [expect.objectContaining({ contractId: 'C1' })] } });
    expect(await listContracts(deps, P1, { status: 'TERMINATED' }, 50)).toMatchObject({ page: { items: [] } });
    expect(await listContracts(deps, P2, {}, 50)).toMatchObject({ page: { items: [] } });
    const c = await contractOf('C1');
    expect(contractMatches({ ...c, to: null }, { endingBetween: { from: '2026-12-01', to: '2026-12-31' } })).toBe(false);
    expect(contractMatches(c, { endingBetween: { from: '2026-12-01', to: '2026-12-31' } })).toBe(true);
    expect(contractMatches(c, { endingBetween: { from: '2027-01-01', to: '2027-01-31' } })).toBe(false);
  });

  it('VCH-03: contracts in force over the last N full months without a session paid, terminable for COMMUNITY from 2 months, for the provider and the municipality', async () => {
    now = new Date('2026-05-10T01:00:00Z');
    await addEligibility(deps, CITY, 'R1', { serviceCode: '210101', grade: '1', from: '2026-01-01', to: null });
    await addEligibility(deps, CITY, 'R1', { serviceCode: '110201', grade: 'A', from: '2026-01-01', to: null });
    // C1 (COMMUNITY) from March, unused; C2 (ELDER) from March, unused; C3 (COMMUNITY) used in April; C4 from April.
    store.records.set('recipient#R1', { ...(await store.recipientRecord('R1'))!, value: { ...(await store.recipientRecord('R1'))!.value, eligibility: [{ serviceCode: '110101', grade: '1', from: '2026-01-01', to: null }, { serviceCode: '210101', grade: '1', from: '2026-01-01', to: null }, { serviceCode: '110201', grade: 'A', from: '2026-01-01', to: null }] } });
    await registerContract(deps, P1, { ...contract, from: '2026-03-01', to: null });
    await registerContract(deps, P1, { ...contract, contractId: 'C2', serviceCode: '210101', from: '2026-03-01', to: null });
    await registerContract(deps, P1, { ...contract, contractId: 'C3', serviceCode: '110201', from: '2026-03-01', to: null });
    vouchers.vouchers.set(InMemoryVouchers.key({ recipientId: 'R1', month: '2026-04', serviceCode: '110201' }), { recipientId: 'R1', serviceCode: '110201', programCode: 'COMMUNITY', month: '2026-04', grade: 'A', grantedAmount: 136_800, grantedSessions: 4, perSessionAmount: 34_200, contractId: 'C3', providerId: 'P1', municipalityCode: '44130', generatedAt: 'x', remainingAmount: 102_600, remainingSessions: 3, version: 1 });
    const unused = await listUnusedContracts(deps, P1, 2, 50);
    expect(unused.items.map((c) => [c.contractId, c.terminable, c.unusedMonths])).toEqual([['C1', true, 2], ['C2', false, 2]]);
    expect((await listUnusedContracts(deps, P1, 1, 50)).items.map((c) => [c.contractId, c.terminable])).toEqual([['C1', false], ['C2', false]]);
    expect((await listUnusedContracts(deps, P1, 3, 50)).items).toEqual([]);
    expect((await listUnusedContracts(deps, CITY, 2, 50)).items.map((c) => c.contractId)).toEqual(['C1', 'C2']);
    expect((await listUnusedContracts(deps, muni('11110'), 2, 50)).items).toEqual([]);
    const first = await listUnusedContracts(deps, P1, 2, 1);
    expect(first.nextToken).toBeDefined();
    await terminateContract(deps, CITY, 'C1', { on: '2026-05-10', reason: '2개월 미사용' });
    expect((await listUnusedContracts(deps, CITY, 2, 50)).items.map((c) => c.contractId)).toEqual(['C2']);
  });
});

describe('REG-08 a change that keeps meeting another', () => {
  it('REG-04 concurrent twins: the registration whose twin committed first answers the whole stored contract with its voucher, not the remembered id alone', async () => {
    await selected();
    const realCommit = store.commit.bind(store);
    // The twin's change lands first; this request's own commit then finds the key remembered.
    store.commit = async (change) => {
      store.commit = realCommit;
      await realCommit(change);
      return { ok: false, reason: 'remembered' };
    };
    const answer = await registerContract(deps, P1, contract);
    expect(answer).toMatchObject({ ok: true, status: 201, body: { contractId: 'C1', recipientId: 'R1', from: '2026-03-10', voucher: { month: '2026-03', remainingAmount: 144_000 } } });
  });

  it('CONCURRENT_CHANGE after the attempts run out; a contract id taken at commit is CONTRACT_ID_TAKEN', async () => {
    await selected();
    const realCommit = store.commit.bind(store);
    store.commit = async () => ({ ok: false, reason: 'conflict' });
    expect(await registerWorker(deps, P1, worker)).toEqual(refusal('CONCURRENT_CHANGE', 'REG-08'));
    store.commit = async (change) => ({ ok: false, reason: 'taken', claim: change.claims![0]! });
    expect(await registerContract(deps, P1, contract)).toEqual(refusal('CONTRACT_ID_TAKEN', 'REG-04'));
    store.commit = realCommit;
    const c: ContractRecord | undefined = (await store.contract('C1'))?.value;
    expect(c).toBeUndefined();
  });
});
