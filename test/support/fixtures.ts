/** Small factories for registry records and events; each test reads Prepare / Act / Assess. */
import type { Contract, ServiceType } from '../../domain/registry/entities';
import { businessNumberCheckDigit } from '../../domain/registry/identity';
import type { RecipientStanding } from '../../domain/vouchers/voucher';

export const businessNumber = (first9: string) => `${first9}${businessNumberCheckDigit(first9)}`;

export const serviceTypes = new Map<string, ServiceType>([
  ['110101', { serviceCode: '110101', programCode: 'COMMUNITY', name: '아동청소년심리지원서비스', grades: [{ grade: '1', monthlySubsidy: 144_000, sessionsPerMonth: 4 }, { grade: '2', monthlySubsidy: 160_000, sessionsPerMonth: 8 }] }],
  ['110201', { serviceCode: '110201', programCode: 'COMMUNITY', name: '시각장애인안마서비스', grades: [{ grade: 'A', monthlySubsidy: 136_800, sessionsPerMonth: 4 }] }],
  ['110301', { serviceCode: '110301', programCode: 'COMMUNITY', name: '아동정서발달지원', grades: [{ grade: '2', monthlySubsidy: 100_000, sessionsPerMonth: 3 }] }],
  ['110401', { serviceCode: '110401', programCode: 'COMMUNITY', name: '노인맞춤돌봄', grades: [{ grade: '1', monthlySubsidy: 90_000, sessionsPerMonth: 3 }] }],
]);

export const recipient = (over: Partial<RecipientStanding> = {}): RecipientStanding => ({
  recipientId: 'R0001',
  municipalityCode: '44130',
  status: 'ACTIVE',
  ...over,
});

export const contract = (over: Partial<Contract> = {}): Contract => ({
  contractId: 'C0001',
  recipientId: 'R0001',
  providerId: 'P0001',
  serviceCode: '110101',
  grade: '1',
  initialGrade: over.grade ?? '1',
  gradeChanges: [],
  from: '2026-01-01',
  to: '2026-12-31',
  designatedWorkerIds: [],
  status: 'ACTIVE',
  ...over,
});

/** A complete, valid import document: one of each record. */
export function importDocument(n = 1) {
  const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(4, '0')}`;
  const range = Array.from({ length: n }, (_, i) => i + 1);
  return {
    programs: [{
      code: 'COMMUNITY', name: '지역사회서비스투자사업', kind: 'SESSION', requiresTerminalMatch: false,
      // Copies: a test may change its document without changing the shared catalog.
      serviceTypes: [...serviceTypes.values()].map(({ programCode: _p, ...s }) => ({ ...s, grades: s.grades.map((g) => ({ ...g })) })),
    }],
    providers: [{ providerId: 'P0001', businessNumber: businessNumber('123456789'), name: '행복심리상담센터',
      accounts: [{ programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '행복심리상담센터' }] }],
    workers: [{ workerId: 'W0001', providerId: 'P0001', name: '김민수', rrn: '850101-1234567', workerPaymentId: '20000001', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }],
    terminals: [{ serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', model: 'VT-11', secret: 'terminal-secret-000000001', workerIds: [] as string[] }],
    recipients: range.map((i) => ({ recipientId: id('R', i), name: '이서연', rrn: `150402-4${String(i).padStart(6, '0')}`, birthDate: '2015-04-02', municipalityCode: '44130' })),
    cards: range.map((i) => ({ cardNumber: `9410${String(i).padStart(12, '0')}`, recipientId: id('R', i) })),
    contracts: range.map((i) => ({ contractId: id('C', i), recipientId: id('R', i), providerId: 'P0001', serviceCode: '110101', grade: '1', from: '2026-01-01', to: '2026-12-31', designatedWorkerIds: ['W0001'] })),
  };
}

/** Activity support (§4.6): 16,620 won an hour in 15-minute units, sessions of at most 8 hours, 1.5× at night and on holidays. */
export const ACTIVITY_TERMS = { hourlyRate: 16_620, unitMinutes: 15, maxSessionMinutes: 480, surchargeMultiple: 1.5 } as const;

/**
 * `importDocument(n)` plus the time program `ACTIVITY` (service 310101, grade 1: 1,662,000 won
 * and 6,000 minutes a month): both workers (20000001, 20000002) are under contract for it, and
 * every card holder has a 310101 contract beside the 110101 one.
 */
export function activityDocument(n = 1): ReturnType<typeof importDocument> {
  const doc = importDocument(n);
  const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(4, '0')}`;
  return {
    ...doc,
    programs: [
      ...doc.programs,
      {
        code: 'ACTIVITY', name: '장애인활동지원', kind: 'TIME', requiresTerminalMatch: false, ...ACTIVITY_TERMS,
        serviceTypes: [{ serviceCode: '310101', name: '활동보조', grades: [{ grade: '1', monthlySubsidy: 1_662_000, monthlyMinutes: 6_000 }] }],
      },
    ],
    providers: doc.providers.map((p) => ({ ...p, accounts: [...p.accounts, { programCode: 'ACTIVITY', bankCode: '004', accountNumber: '12345678901234', holder: p.name }] })),
    workers: [
      ...doc.workers.map((w) => ({ ...w, contracts: [...w.contracts, { programCode: 'ACTIVITY', from: '2026-01-01', to: null }] })),
      { workerId: 'W0002', providerId: 'P0001', name: '박지훈', rrn: '860202-1234567', workerPaymentId: '20000002', contracts: [{ programCode: 'ACTIVITY', from: '2026-01-01', to: null }] },
    ],
    contracts: [
      ...doc.contracts,
      ...doc.contracts.map((c, i) => ({ ...c, contractId: id('A', i + 1), serviceCode: '310101', designatedWorkerIds: [] as string[] })),
    ],
  } as unknown as ReturnType<typeof importDocument>;
}
