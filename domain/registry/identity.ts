/**
 * Identity rules for businesses and people (REG-01, REG-07): business-number check digits,
 * the shape of a resident registration number, and the masks staff and logs see.
 */
import { type IsoDate, isValidDate } from '../shared/calendar';

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
