/**
 * The API document (issue 16 §5): generated from the handlers' zod schemas, it names every route
 * of the API with its summary, security, parameters, body and answers, and Redocly's recommended
 * rules (warnings as errors) find nothing in it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { documentedRoutes, openApiDocument } from '../../infra/openapi';
import { ROUTES } from '../../infra/system';

type Operation = { operationId: string; summary: string; security: object[]; parameters?: { in: string; name: string }[]; requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema: object }> }> };
const doc = openApiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, Operation>> };
const op = (method: string, path: string) => doc.paths[path]?.[method.toLowerCase()];

describe('issue 16 §5 the API document', () => {
  it('is OpenAPI 3.1 and has every route of the API, each with a summary, its security and the error envelope', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(documentedRoutes()).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const o = op(route.method, route.path);
      expect(o, `${route.method} ${route.path}`).toBeDefined();
      expect(o!.summary.length).toBeGreaterThan(5);
      expect(Object.keys(o!.security[0]!)).toEqual(route.auth === 'jwt' ? ['bearer'] : ['terminalSerial', 'terminalTimestamp', 'terminalSignature']);
      expect(JSON.stringify(o!.responses['400'])).toContain('#/components/schemas/Error');
      for (const name of [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) expect(o!.parameters?.some((p) => p.in === 'path' && p.name === name), `${route.path} ${name}`).toBe(true);
    }
  });

  it('comes from the schemas the handlers parse with: the terminal payment body, a list query, the answers described', () => {
    const pay = op('POST', '/v1/terminal/payments')!;
    const body = JSON.stringify(pay.requestBody);
    for (const field of ['transactionId', 'businessNumber', 'cardNumber', 'RETRO', 'MAKEUP', '^\\\\d{16}$']) expect(body, field).toContain(field);
    expect(JSON.stringify(pay.responses['201'])).toContain('ApprovalReceipt');
    const deadLetters = op('GET', '/v1/ops/dead-letters')!;
    expect(deadLetters.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['query:queue', 'query:limit']));
    expect(Object.keys(op('GET', '/v1/cms/files/{fileId}/content')!.responses['200']!.content!)).toEqual(['application/octet-stream']);
  });

  it('passes Redocly\'s recommended rules with warnings as errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const redocly = join(import.meta.dirname, '../../node_modules/@redocly/cli/bin/cli.js');
    const run = await promisify(execFile)(process.execPath, [redocly, 'lint', file, '--config', join(import.meta.dirname, 'redocly.yaml'), '--format', 'json'], { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});
