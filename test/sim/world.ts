/**
 * The simulated registry, chosen by the seed: municipalities, providers with payout accounts
 * (some at accounts the CMS simulator refuses), workers, terminals, recipients with cards and one
 * or two contracts, and the deposits each municipality funds (ample, short, or topped up later).
 * The same seed and scale give the same world, record for record.
 */
import { lastDayOfMonth } from './calendar';
import type { Rng } from './rng';

export interface Grade {
  grade: string;
  monthlySubsidy: number;
  /** `N`; 0 for a time program's grade, which has `monthlyMinutes` instead (§4.6). */
  sessionsPerMonth: number;
  monthlyMinutes?: number;
}
export interface ServiceSpec {
  serviceCode: string;
  programCode: string;
  grades: Grade[];
}

/** §4.6: activity support's terms, as the import gives them (the auditor bills with its own arithmetic). */
export const ACTIVITY_TERMS = { hourlyRate: 16_620, unitMinutes: 15, maxSessionMinutes: 480, surchargeMultiple: 1.5 };
/** The programs of kind TIME (the rest are SESSION). */
export const TIME_PROGRAMS = new Set(['ACTIVITY']);
export const isTimeService = (serviceCode: string) => TIME_PROGRAMS.has(service(serviceCode).programCode);

/** Two SESSION programs and one TIME program, each paid to its own payout account (PO-02). */
export const PROGRAMS = {
  COMMUNITY: [
    { serviceCode: '110101', programCode: 'COMMUNITY', grades: [{ grade: '1', monthlySubsidy: 144_000, sessionsPerMonth: 4 }, { grade: '2', monthlySubsidy: 160_000, sessionsPerMonth: 8 }] },
    { serviceCode: '110201', programCode: 'COMMUNITY', grades: [{ grade: 'A', monthlySubsidy: 136_800, sessionsPerMonth: 4 }] },
  ],
  DEVELOP: [
    { serviceCode: '120101', programCode: 'DEVELOP', grades: [{ grade: '1', monthlySubsidy: 200_000, sessionsPerMonth: 8 }, { grade: '2', monthlySubsidy: 100_000, sessionsPerMonth: 3 }] },
  ],
  ACTIVITY: [
    { serviceCode: '310101', programCode: 'ACTIVITY', grades: [{ grade: '1', monthlySubsidy: 830_000, sessionsPerMonth: 0, monthlyMinutes: 3_000 }, { grade: '2', monthlySubsidy: 415_000, sessionsPerMonth: 0, monthlyMinutes: 1_500 }] },
  ],
} satisfies Record<string, ServiceSpec[]>;
export const SERVICES: ServiceSpec[] = Object.values(PROGRAMS).flat();
export const service = (code: string) => SERVICES.find((s) => s.serviceCode === code)!;

/** Every worker's contracts (REG-02) start on this day: a service before it has no eligible worker (PAY-02). */
export const WORKERS_FROM = '2026-01-01';

const MUNICIPALITIES = ['44130', '11110', '44200', '26110', '41135'];
/** Account numbers whose last four digits the CMS simulator answers as failures (cms.md). */
export const REFUSED_ENDINGS = ['0011', '0012', '0031'];
/** Whether the CMS simulator refuses transfers to this account (cms.md: the refused-account rule). */
export const refusedAccount = (accountNumber: string) => REFUSED_ENDINGS.some((e) => accountNumber.endsWith(e));

export interface SimProvider {
  providerId: string;
  businessNumber: string;
  programs: string[];
  accounts: { programCode: string; bankCode: string; accountNumber: string; holder: string }[];
}
export interface SimWorker {
  workerId: string;
  providerId: string;
  workerPaymentId: string;
  name: string;
  rrn: string;
  programs: string[];
  /** REG-02: per program, the last day under contract of a worker terminated during the run. */
  ended?: Record<string, string>;
}
export interface SimTerminal {
  serial: string;
  phone: string;
  providerId: string;
  secret: string;
  /** REG-03: cancelled (해지) during the run; it pays nothing until registered again. */
  cancelled?: boolean;
}
export interface SimRecipient {
  recipientId: string;
  name: string;
  rrn: string;
  municipalityCode: string;
  cardNumber: string;
  /** Cards the recipient had before (lost and replaced). */
  formerCards?: string[];
}
export interface SimContract {
  contractId: string;
  recipientId: string;
  providerId: string;
  serviceCode: string;
  grade: string;
  from: string;
  to: string;
  /** REG-04/VCH-02: periods the municipality suspended the service (서비스 중지); `to` null: until further notice. */
  suspensions?: { from: string; to: string | null }[];
}

/** REG-02: the worker is under contract for the program on the date (from the import's start to a termination's day). */
export const workerEligible = (w: SimWorker, programCode: string, date: string) => w.programs.includes(programCode) && date >= WORKERS_FROM && (w.ended?.[programCode] === undefined || date <= w.ended[programCode]!);

/** REG-04: a suspension (서비스 중지) covers the date. */
export const suspendedOn = (c: SimContract, date: string) => (c.suspensions ?? []).some((s) => s.from <= date && (s.to === null || date <= s.to));

/** REG-04: the contract runs on the date: inside its period and not suspended then. */
export const runsOn = (c: SimContract, date: string) => c.from <= date && date <= c.to && !suspendedOn(c, date);

export interface SimDeposit {
  municipalityCode: string;
  programCode: string;
  /** What is deposited before the first day. */
  initial: number;
  /** A top-up on this day, if any. */
  topUp?: { day: string; amount: number };
}

export interface SimWorld {
  municipalities: string[];
  providers: SimProvider[];
  workers: SimWorker[];
  terminals: SimTerminal[];
  recipients: SimRecipient[];
  contracts: SimContract[];
  deposits: SimDeposit[];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** REG-01's checksum (사업자등록번호 검증): weights 1 3 7 1 3 7 1 3 5, plus ⌊5·d9/10⌋. */
export function businessNumber(first9: string): string {
  const d = [...first9].map(Number);
  const sum = [1, 3, 7, 1, 3, 7, 1, 3, 5].reduce((s, w, i) => s + w * d[i]!, 0) + Math.floor((d[8]! * 5) / 10);
  return `${first9}${(10 - (sum % 10)) % 10}`;
}
const SURNAMES = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임'];
const GIVEN = ['민수', '서연', '지훈', '하은', '도윤', '수아', '예준', '지우', '시우', '서윤'];
const nameOf = (rng: Rng) => `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}`;
/** A well-formed RRN (the registry never checks its check digit); the simulation's people are fictional. */
const rrnOf = (birth: string, sex: number, serial: number) => `${birth.slice(2, 4)}${birth.slice(5, 7)}${birth.slice(8, 10)}-${sex}${pad(serial, 6)}`;

export interface WorldSize {
  providers: number;
  recipients: number;
  workersPerProvider: number;
}

/** `scale` 1 is the floor: 20 providers, 500 recipients, 100 workers. */
export function sizeOf(scale: number): WorldSize {
  return { providers: Math.max(2, Math.round(20 * scale)), recipients: Math.max(10, Math.round(500 * scale)), workersPerProvider: 5 };
}

export function buildWorld(rng: Rng, size: WorldSize, firstDay: string, lastDay: string): SimWorld {
  const municipalities = MUNICIPALITIES.slice(0, rng.int(3, 5));
  const providers: SimProvider[] = [];
  const workers: SimWorker[] = [];
  const terminals: SimTerminal[] = [];
  for (let p = 1; p <= size.providers; p++) {
    const providerId = `P${pad(p, 4)}`;
    const programs = rng.chance(0.4) ? ['COMMUNITY', 'DEVELOP'] : [rng.pick(['COMMUNITY', 'DEVELOP'])];
    // §4.6: some providers also deliver activity support (the first always, so that every world has sessions).
    if (p === 1 || rng.chance(0.4)) programs.push('ACTIVITY');
    const accounts = programs.map((programCode) => ({
      programCode,
      bankCode: rng.pick(['004', '011', '020', '088']),
      accountNumber: `${pad(rng.int(1, 99_999_999), 8)}${rng.chance(0.08) ? rng.pick(REFUSED_ENDINGS) : pad(rng.int(1_000, 9_999), 4)}`,
      holder: `제공기관${p}`,
    }));
    providers.push({ providerId, businessNumber: businessNumber(`${pad(100 + p, 3)}${pad(p * 7919 % 1_000_000, 6)}`), programs, accounts });
    for (let w = 1; w <= size.workersPerProvider; w++) {
      const n = (p - 1) * size.workersPerProvider + w;
      workers.push({ workerId: `W${pad(n, 5)}`, providerId, workerPaymentId: pad(20_000_000 + n, 8), name: nameOf(rng), rrn: rrnOf('1980-01-01', 1 + (n % 2), n), programs });
    }
    const count = rng.chance(0.3) ? 2 : 1;
    for (let t = 1; t <= count; t++) terminals.push({ serial: `VT${pad(p, 4)}-${t}`, phone: `010${pad(p * 10 + t, 8)}`, providerId, secret: `sim-secret-${providerId}-${t}-${rng.int(1_000, 9_999)}` });
  }
  const recipients: SimRecipient[] = [];
  const contracts: SimContract[] = [];
  for (let r = 1; r <= size.recipients; r++) {
    const recipientId = `R${pad(r, 5)}`;
    recipients.push({ recipientId, name: nameOf(rng), rrn: rrnOf('2015-04-02', 3 + (r % 2), r), municipalityCode: rng.pick(municipalities), cardNumber: `9410${pad(r, 12)}` });
    const taken = new Set<string>();
    for (let c = 0; c < (rng.chance(0.3) ? 2 : 1); c++) {
      const provider = rng.pick(providers);
      const spec = rng.pick(provider.programs.flatMap((g) => PROGRAMS[g as keyof typeof PROGRAMS]));
      if (taken.has(spec.serviceCode)) continue;
      taken.add(spec.serviceCode);
      // Most contracts cover the whole run; some end inside it (PAY-03 then refuses).
      const to = rng.chance(0.05) ? lastDayOfMonth(midway(rng, firstDay, lastDay).slice(0, 7)) : '2027-12-31';
      contracts.push({ contractId: `C${pad(r, 5)}${c}`, recipientId, providerId: provider.providerId, serviceCode: spec.serviceCode, grade: rng.pick(spec.grades).grade, from: '2026-01-01', to });
    }
  }
  // Deposits: per municipality × program, roughly a month of sessions times a factor by kind.
  const deposits: SimDeposit[] = [];
  for (const municipalityCode of municipalities)
    for (const programCode of Object.keys(PROGRAMS)) {
      const monthly = contracts
        .filter((c) => service(c.serviceCode).programCode === programCode && recipients.find((r) => r.recipientId === c.recipientId)!.municipalityCode === municipalityCode)
        .reduce((sum, c) => sum + service(c.serviceCode).grades.find((g) => g.grade === c.grade)!.monthlySubsidy, 0);
      const kind = rng.pick(['funded', 'funded', 'short', 'topped-up'] as const);
      const initial = Math.round((kind === 'funded' ? 3 : 0.15) * monthly / 1000) * 1000;
      deposits.push({ municipalityCode, programCode, initial, ...(kind === 'topped-up' && monthly > 0 ? { topUp: { day: midway(rng, firstDay, lastDay), amount: Math.round(3 * monthly / 1000) * 1000 } } : {}) });
    }
  return { municipalities, providers, workers, terminals, recipients, contracts, deposits };
}

function midway(rng: Rng, first: string, last: string): string {
  const a = Date.parse(first);
  const b = Date.parse(last);
  return new Date(a + Math.floor(rng.float() * (b - a + 86_400_000) / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
}

/** The world as the agency's import document (api.md). */
export function importDocumentOf(world: SimWorld) {
  return {
    programs: Object.entries(PROGRAMS).map(([code, services]) => ({
      code,
      name: code === 'COMMUNITY' ? '지역사회서비스투자사업' : code === 'DEVELOP' ? '발달재활서비스' : '장애인활동지원',
      kind: TIME_PROGRAMS.has(code) ? 'TIME' : 'SESSION',
      requiresTerminalMatch: false,
      ...(TIME_PROGRAMS.has(code) ? ACTIVITY_TERMS : {}),
      serviceTypes: services.map((s) => ({
        serviceCode: s.serviceCode,
        name: `서비스${s.serviceCode}`,
        grades: s.grades.map((g: Grade) => (TIME_PROGRAMS.has(code) ? { grade: g.grade, monthlySubsidy: g.monthlySubsidy, monthlyMinutes: g.monthlyMinutes } : g)),
      })),
    })),
    providers: world.providers.map((p) => ({ providerId: p.providerId, businessNumber: p.businessNumber, name: `제공기관 ${p.providerId}`, accounts: p.accounts })),
    workers: world.workers.map((w) => ({ workerId: w.workerId, providerId: w.providerId, name: w.name, rrn: w.rrn, workerPaymentId: w.workerPaymentId, contracts: w.programs.map((programCode) => ({ programCode, from: WORKERS_FROM, to: null })) })),
    terminals: world.terminals.map((t) => ({ serial: t.serial, phone: t.phone, providerId: t.providerId, model: 'VT-11', secret: t.secret, workerIds: [] })),
    recipients: world.recipients.map((r) => ({ recipientId: r.recipientId, name: r.name, rrn: r.rrn, birthDate: '2015-04-02', municipalityCode: r.municipalityCode })),
    cards: world.recipients.map((r) => ({ cardNumber: r.cardNumber, recipientId: r.recipientId })),
    contracts: world.contracts.map((c) => ({ contractId: c.contractId, recipientId: c.recipientId, providerId: c.providerId, serviceCode: c.serviceCode, grade: c.grade, from: c.from, to: c.to, designatedWorkerIds: [] })),
  };
}
