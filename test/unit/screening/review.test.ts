/** The hold workflow's use cases (§5, HOLD-01..03) on the in-memory hold store. */
import { describe, expect, it } from 'vitest';
import type { Payment } from '../../../domain/payments/payment';
import { holdOf } from '../../../domain/screening/flow';
import type { Hold } from '../../../domain/screening/holds';
import { actOnHolds, type HoldDeps, holdFor, issueDocument, listHolds, listRange, MAX_LIST_DAYS, placeManualHolds, reviewHold } from '../../../domain/screening/review';
import type { ScreenedPayment } from '../../../domain/screening/rules';
import type { Caller } from '../../../domain/shared/ports';
import { inMemoryScreening } from '../../fakes/screening-store';
import { InMemoryEvidenceFiles } from '../../fakes/documents';

const now = new Date('2026-03-20T10:00:00+09:00');
const caller = (role: string, scope: { providerId?: string; municipalityCode?: string } = {}): Caller => ({
  sub: `${role}-user`,
  role,
  providerId: scope.providerId,
  sees: (r) => role === 'agency' || (role === 'provider' ? r.providerId === scope.providerId : r.municipalityCode === scope.municipalityCode),
});
const provider = caller('provider', { providerId: 'P1' });
const agency = caller('agency');

let n = 0;
function payment(day = '2026-03-10', over: Partial<ScreenedPayment> = {}): ScreenedPayment {
  const id = String(++n).padStart(6, '0');
  return {
    approvalNumber: `${day.replace(/-/g, '')}${id}`, providerId: 'P1', programCode: 'P11', serviceCode: '110101', recipientId: `R${id}`, workerId: 'W1', municipalityCode: '11110',
    channel: 'TERMINAL', kind: 'NORMAL', amount: 36_000, serviceDate: day, serviceStartAt: null, approvedAt: `${day}T12:00:00+09:00`, status: 'APPROVED', ...over,
  };
}

function world() {
  const fake = inMemoryScreening();
  const files = new InMemoryEvidenceFiles();
  const uploaded = files.uploaded;
  let key = 0;
  const payments = new Map<string, Payment>();
  const deps: HoldDeps = {
    holds: fake.holdPort,
    payments: { payment: async (pid, a) => (payments.get(a)?.providerId === pid ? payments.get(a)! : null) },
    files,
    clock: { now: () => now },
    newId: () => `id-${++key}`,
  };
  /** A raised hold of a fresh approved payment; `group` makes holds of one event. */
  async function raised(over: Partial<ScreenedPayment> = {}, group?: string): Promise<Hold> {
    const p = payment(over.serviceDate, over);
    fake.approve(p);
    payments.set(p.approvalNumber, { ...p, municipalityCode: p.municipalityCode ?? '' } as unknown as Payment);
    const h = holdOf(p, { ruleId: 'SCR-01', ruleVersion: 1, groupKey: group ?? `G-${p.approvalNumber}`, evidence: [] }, '2026-03-10T13:00:00+09:00');
    await fake.holdPort.raiseAll([h]);
    return h;
  }
  return { deps, fake, uploaded, payments, raised };
}

describe('§5 lists', () => {
  it('listRange: 31 days up to today by default; from after to and more than 31 days across providers are refused', () => {
    expect(listRange({}, '2026-03-31', true)).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(listRange({ from: '2026-03-05', to: '2026-03-04' }, '2026-03-31', false)).toMatchObject({ path: 'query.from' });
    expect(listRange({ from: '2026-01-01', to: '2026-03-01' }, '2026-03-31', true)).toMatchObject({ message: expect.stringContaining(`${MAX_LIST_DAYS} days`) });
    expect(listRange({ from: '2026-01-01', to: '2026-03-01' }, '2026-03-31', false)).toEqual({ from: '2026-01-01', to: '2026-03-01' });
  });

  it('across providers: one payment date at a time, newest first, page after page', async () => {
    const w = world();
    for (const day of ['2026-03-08', '2026-03-09', '2026-03-09', '2026-03-10']) await w.raised({ serviceDate: day, approvedAt: `${day}T12:00:00+09:00` });
    const list = { caller: caller('agency'), range: { from: '2026-03-08', to: '2026-03-10' }, filter: {}, limit: 2 };
    const first = await listHolds(w.deps, list);
    expect(first.items).toHaveLength(2);
    const second = await listHolds(w.deps, list, first.next!);
    expect([...first.items, ...second.items].map((h) => h.paymentDate)).toEqual(['2026-03-10', '2026-03-09', '2026-03-09', '2026-03-08']);
    expect(second.next).toBeNull();
  });

  it('of one provider: its own holds within the dates, with a cursor while more remain', async () => {
    const w = world();
    await w.raised();
    await w.raised();
    const page = await listHolds(w.deps, { caller: caller('provider', { providerId: 'P1' }), range: { from: '2026-03-01', to: '2026-03-20' }, providerId: 'P1', filter: {}, limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.next).toMatchObject({ day: '2026-03-20' });
    expect((await listHolds(w.deps, { caller: caller('provider', { providerId: 'P1' }), range: { from: '2026-03-01', to: '2026-03-20' }, providerId: 'P1', filter: {}, limit: 1 }, page.next!)).next).toBeNull();
  });

  it('§8: another tenant\'s hold is answered like a missing one', async () => {
    const w = world();
    const h = await w.raised();
    expect((await holdFor(w.deps, caller('provider', { providerId: 'P2' }), h.holdId))).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    expect((await holdFor(w.deps, caller('municipality', { municipalityCode: '11110' }), h.holdId))).toMatchObject({ ok: true });
  });
});

describe('HOLD-01 provider actions', () => {
  it('withdraws the holds of one event together', async () => {
    const w = world();
    const [a, b] = [await w.raised({}, 'G1'), await w.raised({}, 'G1')];
    const result = await actOnHolds(w.deps, provider, { action: 'WITHDRAW', holdIds: [a.holdId, b.holdId], comment: 'not ours' });
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.value.map((h) => h.state)).toEqual(['WITHDRAWN', 'WITHDRAWN']);
    expect(result.ok && result.value[0]!.history.at(-1)).toMatchObject({ by: 'provider-user', role: 'provider', comment: 'not ours' });
  });

  it('HOLD-01/02 (simulation seed 1, contracts ending): an action or review whose write was resent after a lost answer finds itself done, not CONCURRENT_CHANGE; another change still is one', async () => {
    const w = world();
    const [a, b] = [await w.raised({}, 'G1'), await w.raised({}, 'G2')];
    const move = w.deps.holds.move.bind(w.deps.holds);
    // The first write lands; the resent one meets the hold already moved — by itself.
    w.deps.holds = { ...w.deps.holds, move: async (moves) => (await move(moves), move(moves)) };
    const withdrawn = await actOnHolds(w.deps, provider, { action: 'WITHDRAW', holdIds: [a.holdId], comment: 'not ours' });
    expect(withdrawn).toMatchObject({ ok: true, value: [{ holdId: a.holdId, state: 'WITHDRAWN' }] });
    const reviewed = await reviewHold(w.deps, caller('agency'), b.holdId, { state: 'UNDER_REVIEW' });
    expect(reviewed).toMatchObject({ ok: true, value: { state: 'UNDER_REVIEW' } });
    // A genuine conflict (the hold moved by someone else meanwhile) is still refused.
    w.deps.holds = { ...w.deps.holds, move: async () => 'conflict' as const };
    expect(await reviewHold(w.deps, caller('agency'), b.holdId, { state: 'SUPPLEMENT_REQUESTED', reason: '서류' })).toMatchObject({ ok: false, refusal: { code: 'CONCURRENT_CHANGE' } });
  });

  it('refuses holds of different events, another provider\'s hold, and an illegal move — changing nothing', async () => {
    const w = world();
    const [a, b] = [await w.raised({}, 'G1'), await w.raised({}, 'G2')];
    expect(await actOnHolds(w.deps, provider, { action: 'WITHDRAW', holdIds: [a.holdId, b.holdId] })).toMatchObject({ ok: false, refusal: { code: 'HOLDS_NOT_RELATED', rule: 'HOLD-01' } });
    expect(await actOnHolds(w.deps, caller('provider', { providerId: 'P2' }), { action: 'WITHDRAW', holdIds: [a.holdId] })).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' }, details: { holdId: a.holdId } });
    await actOnHolds(w.deps, provider, { action: 'WITHDRAW', holdIds: [a.holdId] });
    expect(await actOnHolds(w.deps, provider, { action: 'WITHDRAW', holdIds: [a.holdId] })).toMatchObject({ ok: false, refusal: { code: 'ILLEGAL_TRANSITION' }, details: { state: 'WITHDRAWN' } });
    expect((await w.fake.holdPort.hold(b.holdId))!.state).toBe('UNPROCESSED');
  });

  it('§5: a submission needs documents issued for these holds, uploaded, of the announced type and size', async () => {
    const w = world();
    const h = await w.raised();
    const issued = await issueDocument(w.deps, provider, h.holdId, { fileName: 'a.png', contentType: 'image/png', size: 100 });
    expect(issued).toMatchObject({ ok: true, value: { upload: { url: expect.stringContaining('holds/') } } });
    const key = issued.ok ? issued.value.documentKey : '';
    expect(await actOnHolds(w.deps, provider, { action: 'SUBMIT', holdIds: [h.holdId], documentKeys: ['holds/other'] })).toMatchObject({ ok: false, refusal: { code: 'DOCUMENT_UNKNOWN' } });
    expect(await actOnHolds(w.deps, provider, { action: 'SUBMIT', holdIds: [h.holdId], documentKeys: [key] })).toMatchObject({ ok: false, refusal: { code: 'DOCUMENT_NOT_UPLOADED' } });
    w.uploaded.set(key, { contentType: 'image/png', size: 99 });
    expect(await actOnHolds(w.deps, provider, { action: 'SUBMIT', holdIds: [h.holdId], documentKeys: [key] })).toMatchObject({ ok: false, refusal: { code: 'DOCUMENT_MISMATCH' } });
    w.uploaded.set(key, { contentType: 'text/html', size: 100 });
    expect(await actOnHolds(w.deps, provider, { action: 'SUBMIT', holdIds: [h.holdId], documentKeys: [key] })).toMatchObject({ ok: false, refusal: { code: 'DOCUMENT_TYPE_NOT_ALLOWED' } });
    w.uploaded.set(key, { contentType: 'image/png', size: 100 });
    const submitted = await actOnHolds(w.deps, provider, { action: 'SUBMIT', holdIds: [h.holdId], documentKeys: [key] });
    expect(submitted.ok && submitted.value[0]).toMatchObject({ state: 'DOCUMENTS_SUBMITTED', submittedDocumentKeys: [key] });
  });

  it('§5: uploads are refused for a bad file, a hold that moved on, and past the cap', async () => {
    const w = world();
    const h = await w.raised();
    expect(await issueDocument(w.deps, provider, h.holdId, { fileName: 'a.exe', contentType: 'application/x-msdownload', size: 10 })).toMatchObject({ ok: false, refusal: { code: 'DOCUMENT_TYPE_NOT_ALLOWED' }, details: { fields: [{ path: 'contentType' }] } });
    expect(await issueDocument(w.deps, provider, 'H-none', { fileName: 'a.png', contentType: 'image/png', size: 10 })).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    for (let i = 0; i < 20; i++) expect(await issueDocument(w.deps, provider, h.holdId, { fileName: `${i}.png`, contentType: 'image/png', size: 10 })).toMatchObject({ ok: true });
    expect(await issueDocument(w.deps, provider, h.holdId, { fileName: 'x.png', contentType: 'image/png', size: 10 })).toMatchObject({ ok: false, refusal: { code: 'DOCUMENTS_CLOSED' } });
    await actOnHolds(w.deps, provider, { action: 'WITHDRAW', holdIds: [h.holdId] });
    expect(await issueDocument(w.deps, provider, h.holdId, { fileName: 'y.png', contentType: 'image/png', size: 10 })).toMatchObject({ ok: false, refusal: { code: 'ILLEGAL_TRANSITION' } });
  });
});

describe('§5 agency review', () => {
  it('decides PAY with its reason in the history', async () => {
    const w = world();
    const h = await w.raised();
    const reviewed = await reviewHold(w.deps, agency, h.holdId, { state: 'REVIEWED', decision: 'PAY', reason: 'service was given' });
    expect(reviewed).toMatchObject({ ok: true, value: { state: 'REVIEWED', decision: 'PAY', decisionReason: 'service was given' } });
    expect(reviewed.ok && reviewed.value.history.at(-1)).toMatchObject({ role: 'agency', decision: 'PAY', comment: 'service was given' });
    expect(await reviewHold(w.deps, agency, h.holdId, { state: 'UNDER_REVIEW' })).toMatchObject({ ok: false, refusal: { code: 'ILLEGAL_TRANSITION' } });
  });

  it('a move raced by another changes nothing: CONCURRENT_CHANGE', async () => {
    const w = world();
    const h = await w.raised();
    const racing = { ...w.deps, holds: { ...w.deps.holds, move: async () => 'conflict' as const } };
    expect(await reviewHold(racing, agency, h.holdId, { state: 'UNDER_REVIEW' })).toMatchObject({ ok: false, refusal: { code: 'CONCURRENT_CHANGE', rule: '§5' } });
    expect(await actOnHolds(racing, provider, { action: 'WITHDRAW', holdIds: [h.holdId] })).toMatchObject({ ok: false, refusal: { code: 'CONCURRENT_CHANGE' } });
  });
});

describe('HOLD-03 manual holds', () => {
  it('a municipality holds its recipients\' payments, all or none', async () => {
    const w = world();
    const p = payment();
    w.fake.approve(p);
    w.payments.set(p.approvalNumber, p as unknown as Payment);
    const placed = await placeManualHolds(w.deps, caller('municipality', { municipalityCode: '11110' }), { providerId: 'P1', approvalNumbers: [p.approvalNumber], comment: 'checking' });
    expect(placed).toMatchObject({ ok: true, value: [{ ruleId: 'HOLD-03', state: 'UNPROCESSED', history: [{ role: 'municipality', comment: 'checking' }] }] });
    expect(await placeManualHolds(w.deps, agency, { providerId: 'P1', approvalNumbers: [p.approvalNumber] })).toMatchObject({
      ok: false, refusal: { code: 'ALREADY_HELD', rule: 'HOLD-03' }, details: { payments: [{ approvalNumber: p.approvalNumber, problem: 'ALREADY_HELD' }] },
    });
  });

  it('HOLD-03 (simulation seed 1, activity sessions in the workload): a manual hold whose write was resent after a lost answer is placed, not ALREADY_HELD; another request for the same payment still is', async () => {
    const w = world();
    const p = payment();
    w.fake.approve(p);
    w.payments.set(p.approvalNumber, p as unknown as Payment);
    const raiseAll = w.deps.holds.raiseAll.bind(w.deps.holds);
    // The first write lands; the resent one meets the hold already there — its own.
    w.deps.holds = { ...w.deps.holds, raiseAll: async (holds) => (await raiseAll(holds), raiseAll(holds)) };
    const placed = await placeManualHolds(w.deps, caller('municipality', { municipalityCode: '11110' }), { providerId: 'P1', approvalNumbers: [p.approvalNumber], comment: 'checking' });
    expect(placed).toMatchObject({ ok: true, value: [{ holdId: `H${p.approvalNumber}-HOLD03`, ruleId: 'HOLD-03', state: 'UNPROCESSED' }] });
    w.deps.holds = { ...w.deps.holds, raiseAll };
    expect(await placeManualHolds(w.deps, agency, { providerId: 'P1', approvalNumbers: [p.approvalNumber] })).toMatchObject({ ok: false, refusal: { code: 'ALREADY_HELD' } });
  });

  it('another municipality\'s payment is not found; a cancelled one is not holdable', async () => {
    const w = world();
    const p = payment();
    w.payments.set(p.approvalNumber, p as unknown as Payment);
    expect(await placeManualHolds(w.deps, caller('municipality', { municipalityCode: '44200' }), { providerId: 'P1', approvalNumbers: [p.approvalNumber] })).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND', rule: 'HOLD-03' } });
    w.fake.cancel(p);
    expect(await placeManualHolds(w.deps, agency, { providerId: 'P1', approvalNumbers: [p.approvalNumber] })).toMatchObject({ ok: false, refusal: { code: 'NOT_HOLDABLE' } });
  });
});

describe('SCR-01 evidence stays in its tenancy (issue 15 §2)', () => {
  const theirs = { kind: 'PAYMENT', approvalNumber: '26031099000001', providerId: 'P2', municipalityCode: '44200', match: 'SAME_CARD', reason: 'SERVICE_TIMES_OVERLAP', approvedAt: '2026-03-10T12:47:00+09:00', serviceStartAt: '2026-03-10T12:41:00+09:00', minutesApart: 5 } as const;
  const ours = { ...theirs, approvalNumber: '26031099000002', providerId: 'P1', municipalityCode: '11110', match: 'SAME_WORKER', approvedAt: '2026-03-10T12:05:00+09:00', serviceStartAt: '2026-03-10T12:00:00+09:00', minutesApart: 7 } as const;
  const sameCityOtherProvider = { ...ours, approvalNumber: '26031099000003', providerId: 'P3', municipalityCode: '11110', match: 'SAME_CARD' } as const;
  /** Evidence kept before it carried its owner: only the agency sees it whole. */
  const unowned = { ...theirs, approvalNumber: '26031099000004', providerId: undefined, municipalityCode: undefined } as unknown as typeof theirs;

  async function heldWithEvidence() {
    const w = world();
    const p = payment('2026-03-10');
    w.fake.approve(p);
    const h = holdOf(p, { ruleId: 'SCR-01', ruleVersion: 1, groupKey: `G-${p.approvalNumber}`, evidence: [theirs, ours, sameCityOtherProvider, unowned] }, '2026-03-10T13:00:00+09:00');
    await w.fake.holdPort.raiseAll([h]);
    return { w, h };
  }
  const foreign = (of: string, description: string, e: { match: string; reason: string }) => ({ kind: 'PAYMENT', of, description, match: e.match, reason: e.reason });

  it('its municipality sees its own recipients\' payments; another municipality\'s is "a payment of another municipality", with no ids or times', async () => {
    const { w, h } = await heldWithEvidence();
    const city = caller('municipality', { municipalityCode: '11110' });
    const seen = await holdFor(w.deps, city, h.holdId);
    expect(seen.ok && seen.value.evidence).toEqual([foreign('ANOTHER_MUNICIPALITY', 'a payment of another municipality', theirs), ours, sameCityOtherProvider, foreign('ANOTHER_MUNICIPALITY', 'a payment of another municipality', unowned)]);
    expect(JSON.stringify(seen)).not.toContain('26031099000001');
    for (const secret of ['12:47', '12:41', '26031099000004']) expect(JSON.stringify(seen)).not.toContain(secret);
    const listed = await listHolds(w.deps, { caller: city, range: { from: '2026-03-01', to: '2026-03-20' }, filter: {}, limit: 10 });
    expect(listed.items[0]!.evidence).toEqual(seen.ok && seen.value.evidence);
  });

  it('its provider sees its own payments; another provider\'s is "a payment of another provider"; the agency sees all', async () => {
    const { w, h } = await heldWithEvidence();
    const mine = await holdFor(w.deps, provider, h.holdId);
    const other = (e: typeof theirs | typeof sameCityOtherProvider) => foreign('ANOTHER_PROVIDER', 'a payment of another provider', e);
    expect(mine.ok && mine.value.evidence).toEqual([other(theirs), ours, other(sameCityOtherProvider), other(unowned)]);
    const moved = await actOnHolds(w.deps, provider, { action: 'WITHDRAW', holdIds: [h.holdId] });
    expect(moved.ok && moved.value[0]!.evidence).toEqual(mine.ok && mine.value.evidence);
    const all = await holdFor(w.deps, agency, h.holdId);
    expect(all.ok && all.value.evidence).toEqual([theirs, ours, sameCityOtherProvider, unowned]);
  });
});
