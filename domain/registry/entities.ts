/**
 * Registry (domain.md §3): the reference data payments are checked against — programs and their
 * service types, providers, workers, terminals, recipients, cards and contracts.
 */
import type { IsoDate } from '../shared/calendar';

export type ProgramKind = 'SESSION' | 'TIME';

/** 등급: monthly government subsidy `P` spent in `N` sessions, or for `TIME` programs in `H` minutes (§4.6). */
export interface Grade {
  grade: string;
  monthlySubsidy: number;
  /** `N`; 0 for a `TIME` program's grade. */
  sessionsPerMonth: number;
  /** `H`: a `TIME` program's monthly minutes. */
  monthlyMinutes?: number;
}

/** A `TIME` program's terms (§4.6; api.md import: `hourlyRate`, `unitMinutes`, `maxSessionMinutes`, `surchargeMultiple`). */
export interface TimeTerms {
  /** 시간당 단가, won. */
  hourlyRate: number;
  /** The billing unit in minutes. */
  unitMinutes: number;
  /** TIME-03: an open session expires unpaid after this many minutes. */
  maxSessionMinutes: number;
  /** The night and holiday multiple (1.5 for activity support); a whole number of hundredths. */
  surchargeMultiple: number;
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
  /** The terms of a `TIME` program (absent for `SESSION`). */
  time?: TimeTerms;
  serviceTypes: ServiceType[];
}

/** What payments need of a program. */
export type ProgramTerms = Pick<Program, 'kind' | 'requiresTerminalMatch' | 'time'>;

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
  /** REG-04 자격 per service type: grade and period (contracts are registered against it). */
  eligibility?: { serviceCode: string; grade: string; from: IsoDate; to: IsoDate | null }[];
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
  /** The recipient's municipality, beside the contract for the municipality's lists (VCH-03). */
  municipalityCode?: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';
  /** The first day without service (the day after the last one served). */
  terminatedOn?: IsoDate;
  /** 서비스 중지 periods of the recipient's service (REG-04, VCH-02): no payment on a day inside one. */
  suspensions?: { from: IsoDate; to: IsoDate | null }[];
}

/** Whether the contract's service is suspended (서비스 중지) on the date. */
export function suspendedOn(contract: Pick<Contract, 'status' | 'suspensions'>, date: IsoDate): boolean {
  return contract.status === 'SUSPENDED' || (contract.suspensions ?? []).some((s) => periodContains(s, date));
}

/** REG-04: a contract names at most five designated workers. */
export const MAX_DESIGNATED_WORKERS = 5;

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
