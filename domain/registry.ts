/**
 * Registry (domain.md §3): the reference data payments are checked against, and the
 * identity rules for businesses and people.
 */
import { isValidDate, type IsoDate } from './calendar';

export type ProgramKind = 'SESSION' | 'TIME';

/** 등급: monthly government subsidy `P` spent in `N` sessions (or hours for TIME programs). */
export interface Grade {
  grade: string;
  monthlySubsidy: number;
  sessionsPerMonth: number;
  hoursPerMonth?: number;
}

/** 서비스유형, keyed by the 6-digit service code keyed into terminals. */
export interface ServiceType {
  serviceCode: string;
  programCode: string;
  name: string;
  grades: Grade[];
}

/** 사업. */
export interface Program {
  code: string;
  name: string;
  kind: ProgramKind;
  requiresTerminalMatch: boolean;
  serviceTypes: ServiceType[];
}

/** 서비스 제공비용 수령 계좌, one per provider × program. */
export interface PayoutAccount {
  programCode: string;
  bankCode: string;
  accountNumber: string;
  holder: string;
}

/** 제공기관 (REG-01). */
export interface Provider {
  providerId: string;
  businessNumber: string;
  name: string;
  representative?: string;
  address?: string;
  phone?: string;
  municipalityCode?: string;
  status: 'ACTIVE' | 'CLOSED';
  accounts: PayoutAccount[];
}

/** A worker's contract (계약일자) for one program; `to` is the termination date (계약해지). */
export interface WorkerContract {
  programCode: string;
  from: IsoDate;
  to: IsoDate | null;
}

/** 제공인력 (REG-02). `rrn` is only ever held in memory; stores seal it. */
export interface Worker {
  workerId: string;
  providerId: string;
  name: string;
  rrn: string;
  workerPaymentId?: string;
  phone?: string;
  contracts: WorkerContract[];
}

export type TerminalKind = 'DEDICATED' | 'SMARTPHONE';

/** 단말기 (REG-03). `secret` signs the terminal's requests; stores seal it and never return it. */
export interface Terminal {
  serial: string;
  phone: string;
  providerId: string;
  model: string;
  kind: TerminalKind;
  status: 'ACTIVE' | 'CANCELLED';
  secret: string;
  workerIds: string[];
}

/** 대상자 (REG-04). */
export interface Recipient {
  recipientId: string;
  name: string;
  rrn: string;
  birthDate: IsoDate;
  municipalityCode: string;
  status: 'ACTIVE' | 'INELIGIBLE';
  deathDate?: IsoDate;
}

/** 바우처카드 (REG-05). */
export interface Card {
  cardNumber: string;
  recipientId: string;
  status: 'ACTIVE' | 'LOST' | 'REPLACED';
}

export interface GradeChange {
  grade: string;
  recordedOn: IsoDate;
}

/** 계약 (REG-04): recipient × provider × service type for a period. */
export interface Contract {
  contractId: string;
  recipientId: string;
  providerId: string;
  serviceCode: string;
  /** The grade as last recorded; `initialGrade` + `gradeChanges` decide each month's voucher (REG-06). */
  grade: string;
  initialGrade: string;
  gradeChanges: GradeChange[];
  from: IsoDate;
  to: IsoDate | null;
  designatedWorkerIds: string[];
  status: 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';
  terminatedOn?: IsoDate;
}

/** REG-04: a contract names at most five designated workers. */
export const MAX_DESIGNATED_WORKERS = 5;

const BUSINESS_NUMBER_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

/** REG-01: a 사업자등록번호 is 10 digits whose last digit is the check digit of the first nine. */
export function isValidBusinessNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const d = [...value].map(Number);
  let sum = 0;
  BUSINESS_NUMBER_WEIGHTS.forEach((w, i) => (sum += d[i]! * w));
  sum += Math.floor((d[8]! * 5) / 10);
  return (10 - (sum % 10)) % 10 === d[9];
}

/** The check digit that makes nine digits a valid business number (test data and fixtures). */
export function businessNumberCheckDigit(first9: string): number {
  for (let c = 0; c <= 9; c++) if (isValidBusinessNumber(first9 + c)) return c;
  throw new Error('unreachable: every 9 digits have a check digit');
}

export interface ParsedRrn {
  /** 13 digits without the hyphen: the canonical form that is sealed and hashed. */
  canonical: string;
  birthDate: IsoDate;
}

const CENTURY_BY_GENDER_DIGIT: Record<string, number> = {
  '9': 1800, '0': 1800, '1': 1900, '2': 1900, '5': 1900, '6': 1900,
  '3': 2000, '4': 2000, '7': 2000, '8': 2000,
};

/**
 * REG-07: the shape of a 주민등록번호 (`YYMMDD-GNNNNNN`, hyphen optional): a real birth date and a
 * gender/century digit. The check digit is not verified: numbers issued since October 2020 have none.
 */
export function parseRrn(value: string): ParsedRrn | null {
  const m = /^(\d{6})-?(\d)(\d{6})$/.exec(value);
  if (!m) return null;
  const [, birth, genderDigit, rest] = m as unknown as [string, string, string, string];
  const century = CENTURY_BY_GENDER_DIGIT[genderDigit];
  if (century === undefined) return null;
  const year = century + Number(birth.slice(0, 2));
  const birthDate = `${year}-${birth.slice(2, 4)}-${birth.slice(4, 6)}`;
  if (!isValidDate(birthDate)) return null;
  return { canonical: `${birth}${genderDigit}${rest}`, birthDate };
}

/** REG-07: `900101-1******`. */
export function maskRrn(canonical: string): string {
  return `${canonical.slice(0, 6)}-${canonical.slice(6, 7)}******`;
}

/** Names shown to staff keep the first and last character: `김*수`, `이*`. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** `9410********9012`, as api.md shows card numbers. */
export function maskCardNumber(cardNumber: string): string {
  if (cardNumber.length <= 8) return '*'.repeat(cardNumber.length);
  return `${cardNumber.slice(0, 4)}${'*'.repeat(cardNumber.length - 8)}${cardNumber.slice(-4)}`;
}

/** Dedicated terminals are the VT series; anything else registered is a worker's smartphone. */
export function terminalKindOf(model: string): TerminalKind {
  return /^VT-/i.test(model) ? 'DEDICATED' : 'SMARTPHONE';
}

/** Whether a period `[from, to]` (inclusive, `to` open when null) contains a date. */
export function periodContains(period: { from: IsoDate; to: IsoDate | null }, date: IsoDate): boolean {
  return period.from <= date && (period.to === null || date <= period.to);
}

/** Whether a period overlaps `[start, end]`. */
export function periodOverlaps(period: { from: IsoDate; to: IsoDate | null }, start: IsoDate, end: IsoDate): boolean {
  return period.from <= end && (period.to === null || period.to >= start);
}
