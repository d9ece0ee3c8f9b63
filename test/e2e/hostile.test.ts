/**
 * Hostile input through the local stack's HTTP API (issue 15 §1), on DynamoDB Local: a body over
 * the limit, a malformed percent-encoding, an id longer than the id grammar, a made-up or another
 * caller's `nextToken` — each a 4xx in the error envelope. Then a property test over every route
 * of the route table (people's and terminals'): hostile paths, query strings, headers and bodies
 * never get a 5xx, and a refused request writes nothing (the whole table is compared).
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/shared/dynamo/client';
import { MAX_BODY_BYTES } from '../../infra/local/gateway';
import { ROUTES, type RouteSpec } from '../../infra/system';
import { paymentBody, signedHeaders } from '../support/terminal';
import { E2eWorld, PRINCIPALS, type Principal } from '../support/world';

const world = new E2eWorld();
const AT = '2026-03-10T15:00:00+09:00';

interface RawAnswer {
  status: number;
  text: string;
  body: any;
}

/** One request exactly as given (no URL normalisation, any header, any bytes). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<RawAnswer> {
  const url = new URL(world.stack.url);
  return new Promise((resolve, reject) => {
    const framed = body === undefined || Object.keys(headers).some((h) => h.toLowerCase() === 'content-length') ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request({ host: url.hostname, port: url.port, method, path, headers: framed, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = null;
        }
        resolve({ status: res.statusCode!, text, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** The whole table but the reads' own access log (REG-07), in a stable order. */
async function table(): Promise<string[]> {
  const doc = documentClient({ region: process.env.AWS_REGION!, endpoint: process.env.DYNAMODB_ENDPOINT });
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: process.env.TABLE_NAME!, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) if (item.type !== 'AccessLog') items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

const bearer = (who: Principal) => ({ authorization: `Bearer ${world.tokens[who]}` });
const envelope = (a: RawAnswer) => expect(a.body?.error, `${a.status} ${a.text.slice(0, 300)}`).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) });

beforeAll(async () => {
  await world.start({ cards: 3, at: AT, frozenClock: true });
  // Two payments, so that the provider's payment list has a second page.
  const pay = world.terminalFetch();
  for (const [card, start] of [['9410000000000001', '09:00'], ['9410000000000002', '11:00']] as const) {
    expect((await pay('POST', '/v1/terminal/payments', paymentBody(world.terminal, { cardNumber: card, serviceStartAt: `2026-03-10T${start}:00+09:00` }))).status).toBe(201);
  }
  await world.drain();
}, 90_000);
afterAll(() => world.stop());

describe('issue 15 §1: no 5xx for bad input', () => {
  it('a body over 6 MB (the Lambda invoke limit) is a 413 PAYLOAD_TOO_LARGE the client reads, not a reset connection; nothing is written', async () => {
    const before = await table();
    const big = Buffer.alloc(MAX_BODY_BYTES + 1024 * 1024, 0x61);
    for (const [path, headers] of [
      ['/v1/recipients', { ...bearer('city'), 'content-type': 'application/json' }],
      ['/v1/terminal/payments', signedHeaders(world.terminal, 'POST', '/v1/terminal/payments', '', new Date(AT))],
    ] as const) {
      const answer = await raw('POST', path, { ...headers, 'content-length': String(big.length) }, big);
      expect(answer.status, path).toBe(413);
      expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    }
    // A body just at the limit is read and judged by the handler (here: not JSON → 400).
    const atLimit = await raw('POST', '/v1/recipients', { ...bearer('city'), 'content-type': 'application/json' }, Buffer.alloc(MAX_BODY_BYTES, 0x61));
    expect(atLimit.status).toBe(400);
    expect(await table()).toEqual(before);
  });

  it('a body announced far beyond the limit is answered 413 at once, before it is sent', async () => {
    const url = new URL(world.stack.url);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/recipients', agent: false, headers: { ...bearer('city'), 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode!, text });
          req.destroy();
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      req.write(Buffer.alloc(64 * 1024, 0x61));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a malformed percent-encoding in a path is a 400 on every route with a path parameter', async () => {
    const withParams = ROUTES.filter((r) => r.path.includes('{'));
    expect(withParams.length).toBeGreaterThan(20);
    for (const route of withParams) {
      const path = route.path.replace(/\{[^}]+\}/g, '%E0%A4%A');
      const answer = await raw(route.method, path, route.auth === 'jwt' ? bearer('agency') : signedHeaders(world.terminal, route.method, path, '', new Date(AT)));
      expect(answer.status, `${route.method} ${path}`).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('a path id longer than the id grammar (beyond DynamoDB\'s key limit) is refused on every route with a path parameter: 400 or 404 for a caller of the route, never a 5xx', async () => {
    const before = await table();
    for (const route of ROUTES.filter((r) => r.path.includes('{'))) {
      const path = route.path.replace(/\{[^}]+\}/g, 'A'.repeat(3000));
      const body = route.method === 'GET' ? undefined : '{}';
      const answers: number[] = [];
      for (const who of route.auth === 'jwt' ? (['agency', 'ops', 'provider', 'city'] as const) : (['terminal'] as const)) {
        const headers = who === 'terminal' ? signedHeaders(world.terminal, route.method, path, body ?? '', new Date(AT)) : { ...bearer(who), 'content-type': 'application/json' };
        const answer = await raw(route.method, path, headers, body);
        // A caller the route does not serve is told so first (403); a caller it serves learns the id is not one.
        expect([400, 403, 404], `${route.method} ${route.path} as ${who} → ${answer.status} ${answer.text.slice(0, 200)}`).toContain(answer.status);
        envelope(answer);
        answers.push(answer.status);
      }
      expect(answers.some((s) => s === 400 || s === 404), `${route.method} ${route.path}: ${answers}`).toBe(true);
    }
    expect(await table()).toEqual(before);
  });

  it('a nextToken that is edited, made up, another caller\'s or another list\'s is a 400 INVALID_CURSOR; the list\'s own token reads the next page', async () => {
    const first = await raw('GET', '/v1/payments?from=2026-03-01&to=2026-03-31&limit=1', bearer('provider'));
    expect(first.status).toBe(200);
    const token: string = first.body.nextToken;
    expect(token).toEqual(expect.any(String));
    const page = (who: Principal, t: string, list = '/v1/payments?from=2026-03-01&to=2026-03-31&limit=1&') => raw('GET', `${list}nextToken=${encodeURIComponent(t)}`, bearer(who));

    const next = await page('provider', token);
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].approvalNumber).not.toBe(first.body.items[0].approvalNumber);

    const [payload, mac] = token.split('.') as [string, string];
    const cursor = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...cursor, PK: 'PROV#P0002' })).toString('base64url');
    const forged = Buffer.from(JSON.stringify({ PK: 'PAY#x', SK: 'x'.repeat(3000) })).toString('base64url');
    for (const [who, t, list] of [
      ['provider', `${edited}.${mac}`, undefined],
      ['provider', edited, undefined],
      ['provider', forged, undefined],
      ['provider', `${payload}.${mac.slice(0, -2)}AA`, undefined],
      ['provider', 'not-a-token', undefined],
      ['other', token, undefined],
      ['agency', token, '/v1/payments?providerId=P0001&from=2026-03-01&to=2026-03-31&limit=1&'],
      ['provider', token, '/v1/holds?'],
      ['agency', forged, '/v1/holds?'],
      ['provider', forged, '/v1/vouchers?'],
    ] as [Principal, string, string | undefined][]) {
      const answer = await page(who, t, list);
      expect(answer.status, `${who} ${list ?? 'payments'} ${t.slice(0, 40)}`).toBe(400);
      expect(answer.body.error.code, `${who} ${list ?? 'payments'} ${t.slice(0, 40)} → ${answer.text.slice(0, 300)}`).toBe('INVALID_CURSOR');
    }
  });
});

/** Any string, in a path segment: percent-encoded, raw malformed encodings, dot segments, very long. */
const hostileSegment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('%E0%A4%A', '%', '%zz', '%00', '..', '.', '%2e%2e', '%2F', 'P0002', '9410000000000002', 'VT11-000001', '26031000000001', '__proto__', 'constructor', '*'),
  fc.integer({ min: 90, max: 5000 }).map((n) => 'A'.repeat(n)),
);

const hostileQuery = fc.oneof(
  fc.constant(''),
  fc.dictionary(
    fc.oneof(fc.constantFrom('limit', 'nextToken', 'from', 'to', 'month', 'status', 'providerId', 'municipalityCode', 'serviceCode', 'cycle', 'entity', 'id', 'date', 'endingIn'), fc.string({ maxLength: 10 })),
    fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('-1', '0', '1e9', 'NaN', '2026-13-45', '2026-03-10', 'P0002', '[]', '{}', 'A'.repeat(5000)), fc.base64String({ maxLength: 200 })),
    { maxKeys: 4 },
  ).map((q) => `?${new URLSearchParams(q).toString()}`),
  fc.constantFrom('?limit=%ZZ', '?nextToken=%E0%A4%A', '?limit=1&limit=2', '?=', '?&&&', '?from[]=1'),
);

const hostileBody = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.integer({ min: 100, max: 3000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.constantFrom('{"__proto__":{"polluted":true}}', '{"amount":1e400}', '{"amount":-0}', '{"transactionId":null}', 'null', '""', '{', '\u0000'),
);

type Auth = 'none' | 'garbage' | 'signed' | 'badly-signed' | Principal;
/** Mostly a caller who may call the route, so that the hostile part reaches the handler. */
const authFor = (route: RouteSpec) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<Auth>('none', 'garbage', 'badly-signed', route.auth === 'jwt' ? 'signed' : 'agency') },
    { weight: 4, arbitrary: route.auth === 'jwt' ? fc.constantFrom<Auth>(...(Object.keys(PRINCIPALS) as Principal[])) : fc.constant<Auth>('signed') },
  );
const contentTypes = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json; charset=euc-kr');

function headersFor(auth: Auth, route: RouteSpec, path: string, body: string | Buffer | undefined): Record<string, string> {
  const text = body === undefined ? '' : body.toString();
  switch (auth) {
    case 'none':
      return {};
    case 'garbage':
      return { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.', 'x-terminal-serial': 'VT11-000001', 'x-timestamp': 'yesterday', 'x-signature': 'AAAA' };
    case 'signed':
      return signedHeaders(world.terminal, route.method, path, text, new Date(AT));
    case 'badly-signed':
      return { ...signedHeaders(world.terminal, route.method, path, text, new Date(AT)), 'x-timestamp': '2026-03-10 15:00:00' };
    default:
      return bearer(auth);
  }
}

describe('issue 15 §1: hostile requests to every route of the route table', () => {
  it('never a 5xx; every refusal in the error envelope; a refused request writes nothing', async () => {
    const tally = { tried: 0, refused: 0, served: 0, fiveHundreds: 0, byStatus: {} as Record<number, number> };
    let baseline = await table();
    const request = fc.constantFrom(...ROUTES).chain((route) => fc.record({
      route: fc.constant(route),
      auth: authFor(route),
      segment: hostileSegment,
      query: hostileQuery,
      body: hostileBody,
      contentType: contentTypes,
      extra: fc.dictionary(fc.constantFrom('x-forwarded-for', 'cookie', 'x-amzn-trace-id', 'accept-encoding', 'x-api-key', 'origin'), fc.string({ maxLength: 30 }).filter((v) => !/[\r\n\0]/.test(v) && /^[\x20-\x7e]*$/.test(v)), { maxKeys: 3 }),
    }));
    await fc.assert(
      fc.asyncProperty(request, async ({ route, segment, query, body, auth, contentType, extra }) => {
        const path = route.path.replace(/\{[^}]+\}/g, segment) + query;
        const sent = route.method === 'GET' && typeof body === 'string' && body.length > 0 ? undefined : body;
        const headers = { ...extra, ...headersFor(auth, route, path, sent), ...(contentType ? { 'content-type': contentType } : {}) };
        const answer = await raw(route.method, path, headers, sent);
        tally.tried++;
        tally.byStatus[answer.status] = (tally.byStatus[answer.status] ?? 0) + 1;
        const what = `${route.method} ${path.slice(0, 200)} [${auth}] ${String(sent ?? '').slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`;
        if (answer.status >= 500) tally.fiveHundreds++;
        expect(answer.status, what).toBeLessThan(500);
        const now = await table();
        if (answer.status >= 400) {
          tally.refused++;
          envelope(answer);
          expect(now, what).toEqual(baseline);
        } else {
          tally.served++;
          // What a served request sets off (totals, screening) lands before the next comparison.
          if (route.method !== 'GET') await world.drain();
          baseline = route.method === 'GET' ? now : await table();
        }
      }),
      { numRuns: 3_000 },
    );
    console.log(`hostile requests: ${JSON.stringify(tally)}`);
    expect(tally.fiveHundreds).toBe(0);
    expect(tally.refused).toBeGreaterThan(2_500);
  }, 300_000);
});
