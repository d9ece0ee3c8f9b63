import { describe, expect, it } from 'vitest';
import { checkDocument, checkGroup, checkMove, type Hold, paymentEffect } from '../../../domain/screening/holds';
import { abroad, DEFAULT_SCREENING_RULES, departureCovering, holdIdOf, nightPayment, type PersonEvidence, rapidSuccession, type ScreenedPayment, screenPayment, suspectedDeath } from '../../../domain/screening/rules';
import { loadScreeningRules } from '../../../events/screening';
import { HOLD_STATUS } from '../../../functions/holds-api/statuses';

const rules = DEFAULT_SCREENING_RULES;

const payment = (over: Partial<ScreenedPayment> = {}): ScreenedPayment => ({
  approvalNumber: '26031000000001', providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: 'R0001', workerId: 'W0001', municipalityCode: '44130',
  channel: 'TERMINAL', kind: 'NORMAL', amount: 36_000, serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', approvedAt: '2026-03-10T15:00:00+09:00', status: 'APPROVED', ...over,
});
const other = (over: Partial<ScreenedPayment> = {}) => payment({ approvalNumber: '26031000000002', recipientId: 'R0002', ...over });
const person = (over: Partial<PersonEvidence> = {}): PersonEvidence => ({ personKind: 'RECIPIENT', personId: 'R0001', deathDate: null, movements: [], ...over });

describe('SCR-01 rapid succession', () => {
  it('SCR-01 holds two payments by one worker approved less than the gap apart', () => {
    const e = rapidSuccession(payment(), [other({ serviceStartAt: null, approvedAt: '2026-03-10T15:09:00+09:00' })], rules['SCR-01']);
    expect(e).toEqual([expect.objectContaining({ kind: 'PAYMENT', approvalNumber: '26031000000002', match: 'SAME_WORKER', reason: 'APPROVED_WITHIN_GAP', minutesApart: 9 })]);
  });

  it('SCR-01 does not match at exactly the gap, nor another worker on another card', () => {
    expect(rapidSuccession(payment(), [other({ serviceStartAt: null, approvedAt: '2026-03-10T15:10:00+09:00' })], rules['SCR-01'])).toEqual([]);
    expect(rapidSuccession(payment(), [other({ workerId: 'W0002', approvedAt: '2026-03-10T15:01:00+09:00' })], rules['SCR-01'])).toEqual([]);
  });

  it('SCR-01 matches overlapping service times even when the approvals are hours apart', () => {
    const e = rapidSuccession(payment(), [other({ serviceStartAt: '2026-03-10T14:30:00+09:00', approvedAt: '2026-03-10T19:00:00+09:00' })], rules['SCR-01']);
    expect(e[0]).toMatchObject({ reason: 'SERVICE_TIMES_OVERLAP', minutesApart: 30 });
    expect(rapidSuccession(payment(), [other({ serviceStartAt: '2026-03-10T15:00:00+09:00', approvedAt: '2026-03-10T19:00:00+09:00' })], rules['SCR-01'])).toEqual([]);
  });

  it('SCR-01 matches the same card with another worker', () => {
    const e = rapidSuccession(payment(), [other({ workerId: 'W0002', recipientId: 'R0001', serviceStartAt: null, approvedAt: '2026-03-10T14:55:00+09:00' })], rules['SCR-01']);
    expect(e[0]).toMatchObject({ match: 'SAME_CARD' });
  });

  it('SCR-01 never counts a cancelled or refunded payment, nor the payment itself', () => {
    const near = { serviceStartAt: null, approvedAt: '2026-03-10T15:01:00+09:00' };
    expect(rapidSuccession(payment(), [other({ ...near, status: 'CANCELLED' }), other({ ...near, status: 'REFUNDED' }), payment()], rules['SCR-01'])).toEqual([]);
  });

  it('SCR-01 keeps the closest matches, at most maxEvidence', () => {
    const many = Array.from({ length: 30 }, (_, i) => other({ approvalNumber: `260310000001${String(i).padStart(2, '0')}`, serviceStartAt: null, approvedAt: `2026-03-10T15:0${i % 9}:${String(i).padStart(2, '0')}+09:00` }));
    const e = rapidSuccession(payment(), many, { ...rules['SCR-01'], maxEvidence: 5 });
    expect(e).toHaveLength(5);
    expect(e.map((x) => (x.kind === 'PAYMENT' ? x.minutesApart : -1))).toEqual([...e.map((x) => (x.kind === 'PAYMENT' ? x.minutesApart : -1))].sort((a, b) => a - b));
  });

  it('SCR-01 thresholds come from configuration (SCR-06)', () => {
    const near = other({ serviceStartAt: null, approvedAt: '2026-03-10T15:12:00+09:00' });
    expect(rapidSuccession(payment(), [near], rules['SCR-01'])).toEqual([]);
    expect(rapidSuccession(payment(), [near], { ...rules['SCR-01'], gapMinutes: 15, version: 2 })).toHaveLength(1);
  });
});

describe('SCR-02 night payment', () => {
  it('SCR-02 holds a SESSION payment approved inside the night window', () => {
    expect(nightPayment({ approvedAt: '2026-03-10T23:30:00+09:00' }, 'SESSION', rules['SCR-02'])).toEqual([{ kind: 'NIGHT_WINDOW', approvedAtKst: '2026-03-10T23:30:00+09:00', window: '23:00-06:00' }]);
    expect(nightPayment({ approvedAt: '2026-03-10T20:30:00Z' }, 'SESSION', rules['SCR-02'])).toHaveLength(1); // 05:30 KST
  });

  it('SCR-02 ignores daytime, the window end itself, and TIME programs', () => {
    expect(nightPayment({ approvedAt: '2026-03-10T22:59:59+09:00' }, 'SESSION', rules['SCR-02'])).toEqual([]);
    expect(nightPayment({ approvedAt: '2026-03-10T06:00:00+09:00' }, 'SESSION', rules['SCR-02'])).toEqual([]);
    expect(nightPayment({ approvedAt: '2026-03-10T23:30:00+09:00' }, 'TIME', rules['SCR-02'])).toEqual([]);
  });

  it('SCR-02 handles a window that does not cross midnight', () => {
    const r = { ...rules['SCR-02'], nightStart: '01:00', nightEnd: '05:00' };
    expect(nightPayment({ approvedAt: '2026-03-10T02:00:00+09:00' }, 'SESSION', r)).toHaveLength(1);
    expect(nightPayment({ approvedAt: '2026-03-10T23:30:00+09:00' }, 'SESSION', r)).toEqual([]);
  });
});

describe('SCR-03 suspected death', () => {
  it('SCR-03 holds a payment whose service date is on or after a recorded death', () => {
    expect(suspectedDeath({ serviceDate: '2026-03-10' }, [person({ deathDate: '2026-03-10' })])).toEqual([{ kind: 'DEATH_RECORD', person: 'RECIPIENT', personId: 'R0001', deathDate: '2026-03-10' }]);
    expect(suspectedDeath({ serviceDate: '2026-03-10' }, [person({ personKind: 'WORKER', personId: 'W0001', deathDate: '2026-03-01' })])).toHaveLength(1);
  });

  it('SCR-03 does not hold a service before the death, or without a record', () => {
    expect(suspectedDeath({ serviceDate: '2026-03-09' }, [person({ deathDate: '2026-03-10' })])).toEqual([]);
    expect(suspectedDeath({ serviceDate: '2026-03-09' }, [person()])).toEqual([]);
  });
});

describe('SCR-04 abroad', () => {
  it('SCR-04 holds a payment while the person is out of Korea (departure without a later entry)', () => {
    const movements = [{ date: '2026-03-05', direction: 'DEPARTURE' as const }, { date: '2026-03-20', direction: 'ENTRY' as const }];
    expect(abroad({ serviceDate: '2026-03-10' }, [person({ movements })])).toEqual([{ kind: 'IMMIGRATION_RECORD', person: 'RECIPIENT', personId: 'R0001', departedOn: '2026-03-05', returnedOn: '2026-03-20' }]);
    expect(abroad({ serviceDate: '2026-03-05' }, [person({ movements })])).toHaveLength(1);
  });

  it('SCR-04 does not hold before the departure, after the re-entry, or on a same-day return', () => {
    const movements = [{ date: '2026-03-05', direction: 'DEPARTURE' as const }, { date: '2026-03-20', direction: 'ENTRY' as const }];
    expect(abroad({ serviceDate: '2026-03-04' }, [person({ movements })])).toEqual([]);
    expect(abroad({ serviceDate: '2026-03-20' }, [person({ movements })])).toEqual([]);
    expect(departureCovering([{ date: '2026-03-05', direction: 'ENTRY' }, { date: '2026-03-05', direction: 'DEPARTURE' }], '2026-03-05')).toBeNull();
  });
});

describe('screenPayment', () => {
  it('proposes one hold per matching rule, with the rule version and the event group (SCR-06, HOLD-01)', () => {
    const proposals = screenPayment(payment({ approvedAt: '2026-03-10T23:10:00+09:00' }), {
      rules: { ...rules, 'SCR-02': { ...rules['SCR-02'], version: 3 } },
      programKind: 'SESSION',
      neighbours: [],
      people: [person({ deathDate: '2026-03-01' })],
    });
    expect(proposals.map((p) => [p.ruleId, p.ruleVersion, p.groupKey])).toEqual([
      ['SCR-02', 3, 'SCR-02#WORKER#W0001#2026-03-10'],
      ['SCR-03', 1, 'SCR-03#RECIPIENT#R0001'],
    ]);
  });

  it('holds nothing cancelled, and nothing for a disabled rule', () => {
    expect(screenPayment(payment({ status: 'CANCELLED', approvedAt: '2026-03-10T23:10:00+09:00' }), { rules, programKind: 'SESSION', neighbours: [], people: [] })).toEqual([]);
    expect(screenPayment(payment({ approvedAt: '2026-03-10T23:10:00+09:00' }), { rules: { ...rules, 'SCR-02': { ...rules['SCR-02'], enabled: false } }, programKind: 'SESSION', neighbours: [], people: [] })).toEqual([]);
  });

  it('hold ids are one per payment and rule', () => {
    expect(holdIdOf('26031000000001', 'SCR-01')).toBe('H26031000000001-SCR01');
    expect(holdIdOf('26031000000001', 'HOLD-03')).toBe('H26031000000001-HOLD03');
  });
});

describe('SCR-06 configuration', () => {
  it('uses the defaults when unset and refuses a bad configuration with the failing fields', () => {
    expect(loadScreeningRules(undefined)).toEqual(DEFAULT_SCREENING_RULES);
    const custom = { ...DEFAULT_SCREENING_RULES, 'SCR-01': { ...DEFAULT_SCREENING_RULES['SCR-01'], version: 2, gapMinutes: 5 } };
    expect(loadScreeningRules(JSON.stringify(custom))['SCR-01']).toMatchObject({ version: 2, gapMinutes: 5 });
    expect(() => loadScreeningRules('{')).toThrow(/not valid JSON/);
    expect(() => loadScreeningRules(JSON.stringify({ ...custom, 'SCR-02': { ...custom['SCR-02'], nightStart: '25:00' } }))).toThrow(/SCR-02.nightStart/);
    expect(() => loadScreeningRules(JSON.stringify({ ...custom, 'SCR-01': { ...custom['SCR-01'], gapMinutes: 0 } }))).toThrow(/SCR-01.gapMinutes/);
    expect(() => loadScreeningRules(JSON.stringify({ ...custom, 'SCR-09': {} }))).toThrow(/SCR-06/);
  });
});

describe('hold workflow (§5)', () => {
  const hold = (state: Hold['state']) => ({ holdId: 'H26031000000001-SCR01', state });

  it('lets the provider withdraw or submit an unprocessed hold, and submit again after a supplement request', () => {
    expect(checkMove(hold('UNPROCESSED'), 'WITHDRAWN', 'provider').ok).toBe(true);
    expect(checkMove(hold('UNPROCESSED'), 'DOCUMENTS_SUBMITTED', 'provider').ok).toBe(true);
    expect(checkMove(hold('SUPPLEMENT_REQUESTED'), 'DOCUMENTS_SUBMITTED', 'provider').ok).toBe(true);
  });

  it('lets only the agency review, request supplements and decide', () => {
    expect(checkMove(hold('DOCUMENTS_SUBMITTED'), 'UNDER_REVIEW', 'agency').ok).toBe(true);
    expect(checkMove(hold('UNDER_REVIEW'), 'SUPPLEMENT_REQUESTED', 'agency').ok).toBe(true);
    expect(checkMove(hold('UNDER_REVIEW'), 'REVIEWED', 'agency').ok).toBe(true);
    expect(checkMove(hold('DOCUMENTS_SUBMITTED'), 'REVIEWED', 'provider')).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN_TRANSITION' } });
    expect(HOLD_STATUS.FORBIDDEN_TRANSITION).toBe(409);
    expect(checkMove(hold('UNPROCESSED'), 'WITHDRAWN', 'agency')).toMatchObject({ ok: false });
  });

  it('refuses moves out of final states with 409 (WITHDRAWN is not editable)', () => {
    for (const state of ['WITHDRAWN', 'REVIEWED', 'VOIDED'] as const) {
      expect(checkMove(hold(state), 'DOCUMENTS_SUBMITTED', 'provider')).toMatchObject({ ok: false, refusal: { code: 'ILLEGAL_TRANSITION' } });
      expect(HOLD_STATUS.ILLEGAL_TRANSITION).toBe(409);
      expect(checkMove(hold(state), 'REVIEWED', 'agency')).toMatchObject({ ok: false, refusal: { code: 'ILLEGAL_TRANSITION' } });
    }
    expect(checkMove(hold('DOCUMENTS_SUBMITTED'), 'WITHDRAWN', 'provider')).toMatchObject({ ok: false });
  });

  it('HOLD-01 acts only on holds of one event', () => {
    expect(checkGroup([{ holdId: 'a', groupKey: 'g' }, { holdId: 'b', groupKey: 'g' }])).toBeNull();
    expect(checkGroup([{ holdId: 'a', groupKey: 'g' }, { holdId: 'b', groupKey: 'h' }])).toMatchObject({ code: 'HOLDS_NOT_RELATED', rule: 'HOLD-01' });
  });

  it('HOLD-02 a final move closes the hold on its payment; withdrawal and NO_PAY deny the payment', () => {
    expect(paymentEffect('UNDER_REVIEW', 'REVIEWED', 'PAY')).toEqual({ open: -1, denied: 0 });
    expect(paymentEffect('UNDER_REVIEW', 'REVIEWED', 'NO_PAY')).toEqual({ open: -1, denied: 1 });
    expect(paymentEffect('UNPROCESSED', 'WITHDRAWN', null)).toEqual({ open: -1, denied: 1 });
    expect(paymentEffect('UNPROCESSED', 'VOIDED', null)).toEqual({ open: -1, denied: 0 });
    expect(paymentEffect('UNPROCESSED', 'DOCUMENTS_SUBMITTED', null)).toEqual({ open: 0, denied: 0 });
  });

  it('accepts images up to 4 MB and PDFs as evidence documents, nothing else', () => {
    expect(checkDocument({ contentType: 'image/png', size: 4 * 1024 * 1024 })).toBeNull();
    expect(checkDocument({ contentType: 'application/pdf', size: 1000 })).toBeNull();
    expect(checkDocument({ contentType: 'image/png', size: 4 * 1024 * 1024 + 1 })).toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    expect(checkDocument({ contentType: 'text/html', size: 10 })).toMatchObject({ code: 'DOCUMENT_TYPE_NOT_ALLOWED' });
    expect(checkDocument({ contentType: 'image/svg+xml', size: 10 })).toMatchObject({ code: 'DOCUMENT_TYPE_NOT_ALLOWED' });
  });
});

describe('evidence keys and documents', async () => {
  const { evidenceKey } = await import('../../../domain/screening/rules');
  const { checkDocument, allowedFrom } = await import('../../../domain/screening/holds');
  it('SCR-02/03/04 each fact has one key, so adding it twice changes nothing', () => {
    expect(evidenceKey({ kind: 'NIGHT_WINDOW', approvedAtKst: '2026-03-10T23:30:00+09:00', window: '23:00-06:00' })).toBe('NIGHT_WINDOW');
    expect(evidenceKey({ kind: 'DEATH_RECORD', person: 'WORKER', personId: 'W1', deathDate: '2026-03-01' })).toBe('DEATH#WORKER#W1');
    expect(evidenceKey({ kind: 'IMMIGRATION_RECORD', person: 'RECIPIENT', personId: 'R1', departedOn: '2026-03-01', returnedOn: null })).toBe('IMMIGRATION#RECIPIENT#R1#2026-03-01');
  });

  it('§5 evidence is an image or a PDF, not empty, at most 4 MB; nobody moves a hold back to UNPROCESSED', () => {
    expect(checkDocument({ contentType: 'application/pdf', size: 10 })).toBeNull();
    expect(checkDocument({ contentType: 'text/html', size: 10 })).toMatchObject({ code: 'DOCUMENT_TYPE_NOT_ALLOWED', rule: '§5' });
    expect(checkDocument({ contentType: 'image/png', size: 4 * 1024 * 1024 + 1 })).toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    expect(checkDocument({ contentType: 'image/png', size: 0 })).toMatchObject({ code: 'DOCUMENT_EMPTY' });
    expect(allowedFrom('UNPROCESSED', 'agency')).toEqual([]);
    expect(allowedFrom('REVIEWED', 'provider')).toEqual([]);
  });
});
