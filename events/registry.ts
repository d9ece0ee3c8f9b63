/**
 * Bodies, queries and path parameters of the registry self-service API (api.md "Registry API",
 * domain.md §3). Every object is strict: a field the endpoint does not take is a 400 naming it,
 * except a provider patch, whose unknown fields are the rule's to refuse (REG-01, 403).
 */
import * as z from 'zod';
import { AUDITED_ENTITIES } from '../domain/registry/audit';
import { isoDate, municipalityCode, personName, programCode, recordId, yearMonth } from './common';

export const serial = z.string().regex(/^[A-Za-z0-9-]{4,30}$/, 'must be 4-30 letters, digits or -');
export const mobilePhone = z.string().regex(/^01\d{8,9}$/, 'must be a mobile number 01XXXXXXXXX');
export const cardNumber = z.string().regex(/^\d{16}$/, 'must be 16 digits');
export const businessNumber = z.string().regex(/^\d{10}$/, 'must be the 10-digit business registration number');
const contactPhone = z.string().regex(/^[0-9-]{8,15}$/, 'must be 8-15 digits or -');

/** `POST /v1/terminals` (REG-03). */
export const terminalRegistration = z
  .object({
    serial,
    phone: mobilePhone,
    model: z.string().trim().min(1).max(30),
    kind: z.enum(['DEDICATED', 'SMARTPHONE']),
    workerId: recordId.nullable().default(null),
  })
  .strict();

export const terminalWorkers = z.object({ workerIds: z.array(recordId).max(100) }).strict();
export const terminalTransferRequest = z.object({ toBusinessNumber: businessNumber }).strict();
export const transferDecision = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
/** A call that takes no body takes an empty object, or nothing. */
export const noBody = z.object({}).strict().optional();

/** `POST /v1/cards` (REG-05). */
export const cardIssue = z.object({ cardNumber, recipientId: recordId }).strict();
export const cardReplacement = z.object({ newCardNumber: cardNumber }).strict();

/**
 * `PATCH /v1/providers/{id}` (REG-01): the fields' grammar; which of them the caller may change
 * is the rule's. At least one field.
 */
export const providerPatch = z
  .object({
    profitType: z.string().trim().min(1).max(30).optional(),
    phone: contactPhone.optional(),
    fax: contactPhone.optional(),
    homepage: z.url({ protocol: /^https?$/ }).max(200).optional(),
    email: z.email().max(100).optional(),
    name: z.string().trim().min(1).max(100).optional(),
    representative: z.string().trim().min(1).max(50).optional(),
    address: z.string().trim().min(1).max(200).optional(),
  })
  .catchall(z.unknown())
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });

/** `PUT /v1/providers/{id}/accounts/{programCode}` (CMS-04). */
export const payoutAccount = z
  .object({
    bankCode: z.string().regex(/^\d{3}$/, 'must be the 3-digit bank code'),
    accountNumber: z.string().regex(/^\d{6,16}$/, 'must be 6-16 digits'),
    holder: z.string().trim().min(1).max(50),
  })
  .strict();

export const auditQuery = { entity: z.enum(AUDITED_ENTITIES), id: z.string().min(1).max(60) };
export const transferState = z.enum(['REQUESTED', 'APPROVED', 'REJECTED']);

const serviceCode = z.string().regex(/^\d{6}$/, 'must be the 6-digit service code');
const grade = z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'must be 1-10 letters or digits');
/** The RRN's shape is the rule's (REG-07: a real birth date, a gender digit); here only its grammar. */
const rrn = z.string().regex(/^\d{6}-?\d{7}$/, 'must be YYMMDD-GNNNNNN');
const period = { from: isoDate, to: isoDate.nullable().default(null) };

/** REG-04 자격. */
export const eligibility = z.object({ serviceCode, grade, ...period }).strict();

/** `POST /v1/recipients` (REG-04). */
export const recipientRegistration = z
  .object({ recipientId: recordId, name: personName, rrn, birthDate: isoDate, municipalityCode, eligibility: z.array(eligibility).max(20).default([]) })
  .strict();
/** `POST /v1/recipients/{id}/grade-changes` (REG-06). */
export const gradeChange = z.object({ serviceCode, grade }).strict();
/** `POST /v1/recipients/{id}/suspensions` (서비스 중지). */
export const suspension = z.object({ serviceCode, ...period, reason: z.string().trim().min(1).max(500) }).strict();

/** `POST /v1/contracts` (REG-04, VCH-05). */
export const contractRegistration = z
  .object({
    contractId: recordId,
    name: personName,
    rrn,
    serviceCode,
    ...period,
    serviceAddress: z.string().trim().min(1).max(200),
    designatedWorkerIds: z.array(recordId).max(50).default([]),
  })
  .strict();
export const designatedWorkers = z.object({ designatedWorkerIds: z.array(recordId).max(50) }).strict();
export const contractTermination = z.object({ on: isoDate, reason: z.string().trim().min(1).max(500) }).strict();
export const contractQuery = {
  status: z.enum(['ACTIVE', 'SUSPENDED', 'TERMINATED']).optional(),
  serviceCode: serviceCode.optional(),
  endingIn: yearMonth.optional(),
};
export const unusedQuery = { months: z.coerce.number().int().min(1).max(6) };

/** `POST /v1/workers` (REG-02). */
export const workerRegistration = z
  .object({
    workerId: recordId,
    name: personName,
    rrn,
    phone: z.string().regex(/^[0-9-]{8,15}$/, 'must be 8-15 digits or -').optional(),
    contracts: z.array(z.object({ programCode, from: isoDate }).strict()).min(1).max(20),
  })
  .strict();
export const workerTermination = z.object({ programCode: programCode.nullable().default(null), on: isoDate.nullable().default(null) }).strict();
export const workerQuery = { status: z.enum(['ACTIVE', 'TERMINATED']).optional() };

export const paths = {
  recipient: z.object({ recipientId: recordId }),
  contract: z.object({ contractId: recordId }),
  worker: z.object({ workerId: recordId }),
  serial: z.object({ serial }),
  transfer: z.object({ transferId: recordId }),
  card: z.object({ cardNumber }),
  provider: z.object({ providerId: recordId }),
  account: z.object({ providerId: recordId, programCode }),
};
