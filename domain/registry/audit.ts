/**
 * REG-08: every registry change records who, when, what and the values before and after, with
 * personal data masked (REG-07). An entry is written in the same transaction as its change, so a
 * change is never without its entry, nor an entry without its change.
 */
import { maskCardNumber, maskName, maskRrn } from './identity';

export const AUDITED_ENTITIES = ['provider', 'terminal', 'terminalTransfer', 'card', 'recipient', 'contract', 'worker'] as const;
export type AuditedEntity = (typeof AUDITED_ENTITIES)[number];

/** The field that names each audited record. */
export const AUDITED_ID_FIELD = {
  provider: 'providerId',
  terminal: 'serial',
  terminalTransfer: 'transferId',
  card: 'cardNumber',
  recipient: 'recipientId',
  contract: 'contractId',
  worker: 'workerId',
} as const satisfies Record<AuditedEntity, string>;

export interface AuditEntry {
  entity: AuditedEntity;
  id: string;
  /** What happened, in the registry's words: `REGISTERED`, `CANCELLED`, `ACCOUNT_CHANGED`, … */
  action: string;
  at: string;
  by: string;
  role: string;
  /** Masked copies; `null` before a creation. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Values never kept in an entry, even masked: secrets sign payments. */
const DROPPED = new Set(['secret', 'secretSealed', 'secretHash', 'rrnSealed', 'rrnHash', 'fingerprint']);

const maskDigits = (value: string, visible = 4) => (value.length <= visible ? '*'.repeat(value.length) : `${'*'.repeat(value.length - visible)}${value.slice(-visible)}`);

/** `010****5678`: the carrier prefix and the last four digits. */
export function maskPhone(phone: string): string {
  return phone.length < 8 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

const MASKS: Record<string, (v: string) => string> = {
  rrn: (v) => (v.includes('*') ? v : maskRrn(v.replace('-', ''))),
  name: maskName,
  holder: maskName,
  representative: maskName,
  accountNumber: (v) => maskDigits(v),
  cardNumber: maskCardNumber,
  newCardNumber: maskCardNumber,
  replacedBy: maskCardNumber,
  phone: maskPhone,
  fax: maskPhone,
  email: (v) => v.replace(/^(.).*(@.*)$/, '$1***$2'),
};

/** A record as an audit entry keeps it: personal data masked, secrets dropped, nested values too. */
export function maskForAudit(value: unknown, field?: string): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => maskForAudit(v, field));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !DROPPED.has(k)).map(([k, v]) => [k, maskForAudit(v, k)]));
  }
  if (typeof value === 'string' && field && MASKS[field]) return MASKS[field]!(value);
  return value;
}

/** A record's own fields that are no person's data: a provider's name is its business name. */
const NOT_PERSONAL: Partial<Record<AuditedEntity, ReadonlySet<string>>> = { provider: new Set(['name']) };

function maskRecord(entity: AuditedEntity, record: Record<string, unknown> | null): AuditEntry['before'] {
  if (!record) return null;
  const open = NOT_PERSONAL[entity];
  return Object.fromEntries(Object.entries(record).filter(([k]) => !DROPPED.has(k)).map(([k, v]) => [k, open?.has(k) ? v : maskForAudit(v, k)]));
}

export interface Actor {
  sub: string;
  role: string;
}

/** The entry of one change; only the fields that differ are kept on both sides of an update. */
export function auditEntry(entity: AuditedEntity, id: string, action: string, actor: Actor, at: string, before: object | null, after: object | null): AuditEntry {
  let b = before as Record<string, unknown> | null;
  let a = after as Record<string, unknown> | null;
  if (b && a) {
    const changed = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b![k]) !== JSON.stringify(a![k]));
    b = Object.fromEntries(changed.map((k) => [k, b![k] ?? null]));
    a = Object.fromEntries(changed.map((k) => [k, a![k] ?? null]));
  }
  return { entity, id, action, at, by: actor.sub, role: actor.role, before: maskRecord(entity, b), after: maskRecord(entity, a) };
}
