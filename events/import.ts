/**
 * `POST /v1/admin/import` (api.md): the registry document, validated record by record so that
 * one bad record is reported without rejecting the rest.
 */
import * as z from 'zod';
import type { ImportDocument, Indexed } from '../domain/registry/document';
import { isoDate, municipalityCode, personName, recordId } from './common';

const grade = z.object({
  grade: z.string().regex(/^[A-Za-z0-9]{1,10}$/),
  monthlySubsidy: z.number().int().positive().max(100_000_000),
  /** `N`, for a `SESSION` program. */
  sessionsPerMonth: z.number().int().positive().max(1_000).optional(),
  /** `H`, for a `TIME` program (§4.6): at most the minutes of a 31-day month. */
  monthlyMinutes: z.number().int().positive().max(44_640).optional(),
});

/** A `TIME` program's terms (§4.6); a multiple is a whole number of hundredths (1.5, 1.25). */
const timeTerms = {
  hourlyRate: z.number().int().positive().max(1_000_000).optional(),
  unitMinutes: z.number().int().positive().max(60).optional(),
  maxSessionMinutes: z.number().int().positive().max(1_440).optional(),
  surchargeMultiple: z.number().min(1).max(5).refine((m) => Number.isInteger(Math.round(m * 1e6) / 1e4), 'must be a whole number of hundredths').optional(),
};

export const programRecord = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,29}$/, 'must be an upper-case program code'),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(['SESSION', 'TIME']),
  requiresTerminalMatch: z.boolean().default(false),
  ...timeTerms,
  serviceTypes: z
    .array(
      z.object({
        serviceCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit service code'),
        name: z.string().trim().min(1).max(100),
        grades: z.array(grade).min(1).max(50),
      }),
    )
    .min(1)
    .max(500),
}).superRefine((p, ctx) => {
  // §4.6: a TIME program carries its terms and each grade its minutes; a SESSION program neither.
  const time = p.kind === 'TIME';
  for (const field of ['hourlyRate', 'unitMinutes', 'maxSessionMinutes', 'surchargeMultiple'] as const)
    if (time !== (p[field] !== undefined)) ctx.addIssue({ code: 'custom', path: [field], message: time ? 'a TIME program needs it (§4.6)' : 'only a TIME program has it (§4.6)' });
  if (time && p.unitMinutes !== undefined && p.maxSessionMinutes !== undefined && p.maxSessionMinutes < p.unitMinutes)
    ctx.addIssue({ code: 'custom', path: ['maxSessionMinutes'], message: 'a session must be able to last one billing unit' });
  p.serviceTypes.forEach((s, i) =>
    s.grades.forEach((g, j) => {
      if (time && g.monthlyMinutes === undefined) ctx.addIssue({ code: 'custom', path: ['serviceTypes', i, 'grades', j, 'monthlyMinutes'], message: 'a TIME grade has monthly minutes (§4.6)' });
      if (time && g.sessionsPerMonth !== undefined) ctx.addIssue({ code: 'custom', path: ['serviceTypes', i, 'grades', j, 'sessionsPerMonth'], message: 'a TIME grade has monthly minutes, not sessions (§4.6)' });
      if (!time && g.sessionsPerMonth === undefined) ctx.addIssue({ code: 'custom', path: ['serviceTypes', i, 'grades', j, 'sessionsPerMonth'], message: 'a SESSION grade has its sessions per month' });
      if (!time && g.monthlyMinutes !== undefined) ctx.addIssue({ code: 'custom', path: ['serviceTypes', i, 'grades', j, 'monthlyMinutes'], message: 'only a TIME grade has monthly minutes (§4.6)' });
    }),
  );
});

export const providerRecord = z.object({
  providerId: recordId,
  businessNumber: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
  name: z.string().trim().min(1).max(100),
  representative: personName.optional(),
  address: z.string().max(200).optional(),
  phone: z.string().regex(/^[0-9-]{8,15}$/).optional(),
  municipalityCode: municipalityCode.optional(),
  status: z.enum(['ACTIVE', 'CLOSED']).default('ACTIVE'),
  accounts: z
    .array(
      z.object({
        programCode: z.string().min(1).max(30),
        bankCode: z.string().regex(/^\d{3}$/, 'must be the 3-digit bank code'),
        accountNumber: z.string().regex(/^\d{6,16}$/, 'must be 6-16 digits'),
        holder: z.string().trim().min(1).max(50),
      }),
    )
    .max(20)
    .default([]),
});

const period = { from: isoDate, to: isoDate.nullable().default(null) };

export const workerRecord = z.object({
  workerId: recordId,
  providerId: recordId,
  name: personName,
  rrn: z.string().min(1).max(20),
  workerPaymentId: z.string().regex(/^\d{8}$/, 'must be 8 digits').optional(),
  phone: z.string().regex(/^[0-9-]{8,15}$/).optional(),
  contracts: z.array(z.object({ programCode: z.string().min(1).max(30), ...period })).max(20).default([]),
});

export const terminalRecord = z.object({
  serial: z.string().regex(/^[A-Za-z0-9-]{4,30}$/),
  phone: z.string().regex(/^01\d{8,9}$/, 'must be a mobile number 01XXXXXXXXX'),
  providerId: recordId,
  model: z.string().trim().min(1).max(30),
  kind: z.enum(['DEDICATED', 'SMARTPHONE']).optional(),
  status: z.enum(['ACTIVE', 'CANCELLED']).default('ACTIVE'),
  secret: z.string().min(16, 'must be at least 16 characters').max(128),
  workerIds: z.array(recordId).max(100).default([]),
});

export const recipientRecord = z.object({
  recipientId: recordId,
  name: personName,
  rrn: z.string().min(1).max(20),
  birthDate: isoDate,
  municipalityCode,
  status: z.enum(['ACTIVE', 'INELIGIBLE']).default('ACTIVE'),
  deathDate: isoDate.optional(),
  eligibility: z
    .array(z.object({ serviceCode: z.string().regex(/^\d{6}$/), grade: z.string().regex(/^[A-Za-z0-9]{1,10}$/), from: isoDate, to: isoDate.nullable().default(null) }))
    .max(20)
    .optional(),
});

export const cardRecord = z.object({
  cardNumber: z.string().regex(/^\d{16}$/, 'must be 16 digits'),
  recipientId: recordId,
  status: z.enum(['ACTIVE', 'LOST', 'REPLACED']).default('ACTIVE'),
});

export const contractRecord = z.object({
  contractId: recordId,
  recipientId: recordId,
  providerId: recordId,
  serviceCode: z.string().regex(/^\d{6}$/),
  grade: z.string().regex(/^[A-Za-z0-9]{1,10}$/),
  ...period,
  designatedWorkerIds: z.array(recordId).max(50).default([]),
  status: z.enum(['ACTIVE', 'SUSPENDED', 'TERMINATED']).default('ACTIVE'),
  terminatedOn: isoDate.optional(),
});

export type ProgramRecord = z.infer<typeof programRecord>;
export type ProviderRecord = z.infer<typeof providerRecord>;
export type WorkerRecord = z.infer<typeof workerRecord>;
export type TerminalRecord = z.infer<typeof terminalRecord>;
export type RecipientRecord = z.infer<typeof recipientRecord>;
export type CardRecord = z.infer<typeof cardRecord>;
export type ContractRecord = z.infer<typeof contractRecord>;

/** Sections in the order their references resolve. */
export const importSections = {
  programs: programRecord,
  providers: providerRecord,
  workers: workerRecord,
  terminals: terminalRecord,
  recipients: recipientRecord,
  cards: cardRecord,
  contracts: contractRecord,
} as const;

export type ImportSection = keyof typeof importSections;

/** At most this many records in one document: larger loads are split by the caller. */
export const MAX_IMPORT_RECORDS = 5_000;

export const importEnvelope = z
  .object(
    Object.fromEntries(Object.keys(importSections).map((k) => [k, z.array(z.unknown()).optional()])) as Record<
      ImportSection,
      z.ZodOptional<z.ZodArray<z.ZodUnknown>>
    >,
  )
  .strict()
  .refine((doc) => Object.values(doc).reduce((n, records) => n + (records?.length ?? 0), 0) <= MAX_IMPORT_RECORDS, {
    message: `at most ${MAX_IMPORT_RECORDS} records per document`,
  });

/** The parsed document in the domain's terms; the compiler checks each section's record fits. */
export type ParsedImport = ImportDocument;
type Fits<Wire extends Domain, Domain> = [Wire, Domain];
export type WireFitsDomain = [
  Fits<ProgramRecord, ImportDocument['programs'][number]['record']>,
  Fits<ProviderRecord, ImportDocument['providers'][number]['record']>,
  Fits<WorkerRecord, ImportDocument['workers'][number]['record']>,
  Fits<TerminalRecord, ImportDocument['terminals'][number]['record']>,
  Fits<RecipientRecord, ImportDocument['recipients'][number]['record']>,
  Fits<CardRecord, ImportDocument['cards'][number]['record']>,
  Fits<ContractRecord, ImportDocument['contracts'][number]['record']>,
];

export interface RecordIssue {
  path: string;
  code: string;
  message: string;
  rule?: string;
}

/** Parses each record on its own; a malformed record becomes a `VALIDATION_FAILED` issue. */
export function parseImportRecords(doc: z.infer<typeof importEnvelope>): { parsed: ParsedImport; issues: RecordIssue[] } {
  const issues: RecordIssue[] = [];
  const parsed: Record<string, Indexed<unknown>[]> = {};
  for (const [section, schema] of Object.entries(importSections) as [ImportSection, z.ZodType][]) {
    const records: Indexed<unknown>[] = (parsed[section] = []);
    (doc[section] ?? []).forEach((raw, index) => {
      const result = schema.safeParse(raw);
      if (result.success) {
        records.push({ index, record: result.data });
        return;
      }
      for (const issue of result.error.issues) {
        issues.push({
          path: [`${section}[${index}]`, ...issue.path.map(String)].join('.'),
          code: 'VALIDATION_FAILED',
          message: issue.message,
        });
      }
    });
  }
  return { parsed: parsed as unknown as ParsedImport, issues };
}
