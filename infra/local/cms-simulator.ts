/**
 * The CMS relay, locally (cms.md §Transport): the HTTPS file API of `functions/shared/cms-relay.ts`
 * served from the local stack. It enforces the 17:00 cut-off of the business day before the
 * transfer date, keeps what it received, and offers each result from 03:00 of the day after the
 * transfer date, every item decided by its account number: last four digits that are a failure
 * code of cms.md get that code, every other account is paid. The result lists only the failed
 * items (or says "no failures"), or every item. `POST /_local/cms` makes the next transmissions
 * fail or time out, and chooses the result form.
 */
import { z } from 'zod';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildResultFile, encodeCmsFile, type ResultForm } from '../../domain/cms/encode';
import { resultsFrom } from '../../domain/cms/receive';
import { cutoffTime } from '../../domain/cms/files';
import { parseCmsFile } from '../../domain/cms/parse';
import type { Clock } from '../../domain/shared/ports';
import { koreanHolidays } from '../../functions/shared/holidays';

export const FAILURE_CODES = ['0011', '0012', '0014', '0015', '0031', '0032', '0034', '0035', '0041', '0051', '0061', '0062', '0068', '0081', '0096'];

export type CmsSimulatorMode = 'normal' | 'fail' | 'timeout' | 'timeout-after-receive' | 'tamper-result';

const MODES = ['normal', 'fail', 'timeout', 'timeout-after-receive', 'tamper-result'] as const satisfies readonly CmsSimulatorMode[];
/** api.md's form: what the relay does with the next transmissions. */
const TRANSMIT = { OK: 'normal', FAIL: 'fail', TIMEOUT: 'timeout' } as const satisfies Record<string, CmsSimulatorMode>;

/**
 * `POST /_local/cms`: api.md's `{"transmit": "OK" | "FAIL" | "TIMEOUT"}`, or `{"mode": …}` for the
 * simulator's other behaviours; `times` limits it to that many transmissions (else until changed).
 * `{"results": "FAILURES_ONLY" | "EVERY_ITEM"}` chooses the result form (cms.md; failures only by
 * default, and then "no failures" instead of a file when nothing failed).
 */
export const cmsControlRequest = z
  .object({
    transmit: z.enum(Object.keys(TRANSMIT) as [keyof typeof TRANSMIT, ...(keyof typeof TRANSMIT)[]]).optional(),
    mode: z.enum(MODES).optional(),
    times: z.number().int().min(1).max(100).nullable().optional(),
    results: z.enum(['FAILURES_ONLY', 'EVERY_ITEM']).optional(),
  })
  .strict()
  .refine((b) => !(b.transmit !== undefined && b.mode !== undefined), { message: 'give either transmit (OK, FAIL, TIMEOUT) or mode, not both' })
  .refine((b) => b.transmit !== undefined || b.mode !== undefined || b.results !== undefined, { message: 'give transmit (OK, FAIL, TIMEOUT), mode or results (FAILURES_ONLY, EVERY_ITEM)' })
  .transform((b) => ({ mode: b.transmit ? TRANSMIT[b.transmit] : b.mode, times: b.times ?? null, results: b.results }));

interface Received {
  bytes: Buffer;
  digest: string;
  receivedAt: Date;
}

export class CmsSimulator {
  private mode: CmsSimulatorMode = 'normal';
  private resultForm: ResultForm = 'FAILURES_ONLY';
  /** How many transmissions the mode applies to (then back to normal); null: until changed. */
  private remaining: number | null = null;
  readonly received = new Map<string, Received>();
  /** Every transmission attempt that reached the relay, for tests. */
  readonly attempts: { fileName: string; transferDate: string; outcome: string }[] = [];
  /** Every result file served, for tests. */
  readonly resultsServed: { resultName: string; transferDate: string }[] = [];

  constructor(private readonly clock: Clock, private readonly timeoutDelayMs: number) {}

  control(body: { mode?: CmsSimulatorMode | undefined; times?: number | null; results?: ResultForm | undefined }): { mode: CmsSimulatorMode; times: number | null; results: ResultForm } {
    if (body.mode) {
      this.mode = body.mode;
      this.remaining = body.times ?? null;
    }
    if (body.results) this.resultForm = body.results;
    return { mode: this.mode, times: this.remaining, results: this.resultForm };
  }

  private take(): CmsSimulatorMode {
    const mode = this.mode;
    if (this.remaining !== null && mode !== 'normal' && --this.remaining <= 0) {
      this.mode = 'normal';
      this.remaining = null;
    }
    return mode;
  }

  private key = (fileName: string, transferDate: string) => `${transferDate}/${fileName}`;

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    const send = (status: number, body: unknown, type = 'application/json') => {
      const data = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      res.writeHead(status, { 'content-type': type, 'content-length': data.length });
      res.end(data);
    };
    const transferDate = url.searchParams.get('transferDate') ?? '';
    const file = /^\/files\/([^/]+)$/.exec(path);
    const result = /^\/results\/([^/]+)$/.exec(path);
    if (file && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const bytes = Buffer.concat(chunks);
      const fileName = decodeURIComponent(file[1]!);
      const mode = this.take();
      this.attempts.push({ fileName, transferDate, outcome: mode });
      if (mode === 'fail') return send(503, { reason: 'RELAY_UNAVAILABLE' });
      if (this.clock.now() >= cutoffTime(transferDate, koreanHolidays)) return send(409, { reason: 'CUTOFF_PASSED' });
      try {
        parseCmsFile(bytes);
      } catch (error) {
        return send(409, { reason: `INVALID_FILE: ${(error as Error).message.slice(0, 200)}` });
      }
      if (mode === 'timeout') return void setTimeout(() => send(504, { reason: 'TIMEOUT' }), this.timeoutDelayMs);
      this.received.set(this.key(fileName, transferDate), { bytes, digest: createHash('sha256').update(bytes).digest('hex'), receivedAt: this.clock.now() });
      if (mode === 'timeout-after-receive') return void setTimeout(() => send(201, { received: true }), this.timeoutDelayMs);
      return send(201, { received: true });
    }
    if (file && req.method === 'GET') {
      const got = this.received.get(this.key(decodeURIComponent(file[1]!), transferDate));
      return send(200, { received: Boolean(got && (!url.searchParams.get('sha256') || got.digest === url.searchParams.get('sha256'))) });
    }
    if (result && req.method === 'GET') {
      const resultName = decodeURIComponent(result[1]!);
      const got = this.received.get(this.key(`EB31${resultName.slice(4)}`, transferDate));
      if (!got || this.clock.now() < resultsFrom(transferDate)) return send(404, { reason: 'NOT_YET' });
      const request = parseCmsFile(got.bytes);
      const tamper = this.mode === 'tamper-result';
      // A tampering relay lists every item, so that it has an item to tamper with.
      const built = buildResultFile(request, (r) => (FAILURE_CODES.includes(r.account.slice(-4)) ? r.account.slice(-4) : '0000'), tamper ? 'EVERY_ITEM' : this.resultForm);
      if (tamper) {
        // A relay that answers with another amount on the first item (totals kept consistent).
        this.take();
        const first = built.records[0]!;
        built.records[0] = { ...first, amount: first.amount + 1 };
        built.trailer = { ...built.trailer, amountRequested: built.trailer.amountRequested + 1 };
      }
      this.resultsServed.push({ resultName, transferDate });
      // "불능 0건": with nothing failed, a failures-only relay sends no file, only that answer.
      if (built.records.length === 0) return send(200, { failures: 0 });
      const out = encodeCmsFile(built);
      return send(200, out, 'application/octet-stream');
    }
    return send(404, { reason: 'NO_SUCH_ROUTE' });
  }
}
