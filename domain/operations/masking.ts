/**
 * No personal data for operators (§8, REG-07): a message body is shown with card numbers, account
 * numbers, RRNs, names, phone numbers and addresses masked — by field name wherever they sit in
 * the JSON, and by shape in any other text (a 16-digit card, a 13-digit RRN, a phone number).
 */
import { maskCardNumber, maskName } from '../registry/identity';

const MASK_BY_FIELD: Record<string, (v: string) => string> = {
  cardNumber: maskCardNumber,
  newCardNumber: maskCardNumber,
  accountNumber: (v) => `${'*'.repeat(Math.max(0, v.length - 4))}${v.slice(-4)}`,
  rrn: () => '******-*******',
  name: maskName,
  holder: maskName,
  representative: maskName,
  phone: () => '***-****-****',
  address: () => '***',
  serviceAddress: () => '***',
};

/** Digits that look like an RRN, a card number or a phone number, wherever they are. */
const SHAPES: [RegExp, (m: string) => string][] = [
  [/\b\d{6}-?[1-8]\d{6}\b/g, () => '******-*******'],
  [/\b\d{4}-?\d{4}-?\d{4}-?\d{4}\b/g, (m) => maskCardNumber(m.replace(/-/g, ''))],
  [/\b01[016789]-?\d{3,4}-?\d{4}\b/g, () => '***-****-****'],
];

export function maskText(text: string): string {
  return SHAPES.reduce((t, [shape, mask]) => t.replace(shape, mask), text);
}

function maskValue(key: string | null, value: unknown): unknown {
  if (typeof value === 'string') {
    const byField = key !== null ? MASK_BY_FIELD[key] : undefined;
    return byField ? byField(value) : maskText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(key, v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(k, v)]));
  return value;
}

/** A message body for an operator: parsed and masked when it is JSON, masked text otherwise. */
export function maskedBody(body: string): unknown {
  try {
    return maskValue(null, JSON.parse(body));
  } catch {
    return maskText(body);
  }
}
