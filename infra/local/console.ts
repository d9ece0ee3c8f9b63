/**
 * The local stack's pages: the ops console at `/ops` (a static page, infra/local/console/, that
 * draws with Chart.js served from node_modules — nothing to build) and the data it reads beside
 * the API: `/_local/metrics`, the dashboard's graphs (infra/system.ts DASHBOARD_PANELS) from the
 * handlers' EMF metrics as the local CloudWatch holds them; the API document at `/openapi.json`
 * (infra/openapi.ts) and in Swagger UI at `/docs`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { panelData } from '../../domain/operations/dashboard';
import { DASHBOARD_PANELS } from '../system';
import { errorBody, sendJson } from './gateway';
import type { LocalMetrics } from './metrics';

const here = join(import.meta.dirname, 'console');
const require = createRequire(import.meta.url);
const chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
const swaggerUi = dirname(require.resolve('swagger-ui-dist'));

/** The files of the pages, by path: what they are and where they lie. */
const FILES: Record<string, { file: string; type: string }> = {
  '/ops': { file: join(here, 'ops.html'), type: 'text/html; charset=utf-8' },
  '/ops/ops.js': { file: join(here, 'ops.js'), type: 'text/javascript; charset=utf-8' },
  '/ops/ops.css': { file: join(here, 'ops.css'), type: 'text/css; charset=utf-8' },
  '/ops/vendor/chart.umd.min.js': { file: chartJs, type: 'text/javascript; charset=utf-8' },
  '/docs': { file: join(here, 'docs.html'), type: 'text/html; charset=utf-8' },
  '/docs/docs.js': { file: join(here, 'docs.js'), type: 'text/javascript; charset=utf-8' },
  '/docs/vendor/swagger-ui-bundle.js': { file: join(swaggerUi, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  '/docs/vendor/swagger-ui.css': { file: join(swaggerUi, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
};

export const isPage = (path: string) => path in FILES || path === '/openapi.json';

/** The API document, its server this stack (built on first ask: it reads every handler's contract). */
async function apiDocument(origin: string): Promise<Buffer> {
  const { openApiDocument } = await import('../openapi');
  return Buffer.from(JSON.stringify({ ...openApiDocument(), servers: [{ url: origin, description: 'this local stack' }] }));
}

export async function servePage(req: IncomingMessage, res: ServerResponse, url: URL, origin: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}`));
  const { file, type } = FILES[url.pathname] ?? { file: null, type: 'application/json; charset=utf-8' };
  const body = file ? await readFile(file) : await apiDocument(origin);
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The window the ops console may ask for: at most an hour (what the local metrics keep), at most 3,600 buckets. */
const metricsQuery = z
  .object({ minutes: z.coerce.number().int().min(1).max(60).default(15), bucketSeconds: z.coerce.number().int().min(1).max(3600).default(60) })
  .strict()
  .refine((q) => (q.minutes * 60) / q.bucketSeconds <= 3600, { message: 'at most 3,600 buckets', path: ['bucketSeconds'] });

/**
 * `GET /_local/metrics?minutes=&bucketSeconds=`: each graph's series over the last minutes, in buckets.
 * (The stack loads this module before the functions' shared modules may load: nothing here imports them.)
 */
export function metricsAnswer(metrics: LocalMetrics, url: URL, now = Date.now()): { status: number; body: unknown } {
  const parsed = metricsQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return { status: 400, body: errorBody('VALIDATION_FAILED', 'the request query is not valid', { fields: parsed.error.issues.map((i) => ({ path: ['query', ...i.path.map(String)].join('.'), message: i.message })) }) };
  const { minutes, bucketSeconds } = parsed.data;
  const size = bucketSeconds * 1000;
  // Buckets aligned to their size, the last one holding now.
  const last = Math.floor(now / size) * size;
  const count = Math.ceil((minutes * 60_000) / size);
  const buckets = { from: last - (count - 1) * size, size, count };
  const points = metrics.since(buckets.from);
  return { status: 200, body: { from: new Date(buckets.from).toISOString(), bucketSeconds, count, panels: DASHBOARD_PANELS.map((p) => panelData(p, points, buckets)) } };
}
