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
