/**
 * The API document (OpenAPI 3.1), generated with zod-openapi from what the handlers carry: each
 * route's method, path and summary (its function's routes.ts), who may call it, the zod schemas
 * its path, query and body are parsed with, and its answers (functions/shared/contract.ts). The
 * local stack serves it at `/openapi.json` and as a browsable page at `/docs`; the test suite
 * lints it (Redocly) and checks the end-to-end tests' real answers against it.
 */
import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { errorAnswer } from '../events/answers';
import { handler as adminImport } from '../functions/admin-import/handler';
import { handler as claimsApi } from '../functions/claims-api/handler';
import { handler as cmsApi } from '../functions/cms-api/handler';
import { handler as feedsApi } from '../functions/feeds-api/handler';
import { handler as holdsApi } from '../functions/holds-api/handler';
import { handler as opsApi } from '../functions/ops-api/handler';
import { handler as paymentIntake } from '../functions/payment-intake/handler';
import { handler as paymentsApi } from '../functions/payments-api/handler';
import { handler as payoutsApi } from '../functions/payouts-api/handler';
import { handler as peopleApi } from '../functions/people-api/handler';
import { handler as refundsApi } from '../functions/refunds-api/handler';
import { handler as registryApi } from '../functions/registry-api/handler';
import { handler as reportsApi } from '../functions/reports-api/handler';
import { handler as vouchersApi } from '../functions/vouchers-api/handler';
import type { AnswerSpec, Documented, RouteContract } from '../functions/shared/contract';
import { pathId } from '../functions/shared/http';
import type { HttpRoute } from '../functions/shared/routes';
import { FUNCTION_ROUTES, type FunctionName } from './system';

/** Every function that serves HTTP, with its routes and their contracts. */
const SERVING: Partial<Record<FunctionName, Documented<object>>> = {
  'admin-import': adminImport,
  'claims-api': claimsApi,
  'cms-api': cmsApi,
  'feeds-api': feedsApi,
  'holds-api': holdsApi,
  'ops-api': opsApi,
  'payment-intake': paymentIntake,
  'payments-api': paymentsApi,
  'payouts-api': payoutsApi,
  'people-api': peopleApi,
  'refunds-api': refundsApi,
  'registry-api': registryApi,
  'reports-api': reportsApi,
  'vouchers-api': vouchersApi,
};

/** The functions that serve routes and the document's view of them: each function's routes with their contracts. */
export function documentedRoutes(): { fn: FunctionName; name: string; route: HttpRoute; contract: RouteContract }[] {
  return (Object.keys(FUNCTION_ROUTES) as FunctionName[]).flatMap((fn) => {
    const served = SERVING[fn];
    if (!served) throw new Error(`${fn} serves routes but the API document does not list its handler (infra/openapi.ts SERVING)`);
    return Object.entries(served.routes).map(([name, route]) => ({ fn, name, route, contract: served.contracts[name] ?? {} }));
  });
}

const ERRORS: Record<string, string> = {
  '400': 'VALIDATION_FAILED: the request is not valid (`details.fields` says which field and why)',
  '401': 'UNAUTHENTICATED: no valid bearer token, or (terminals) no valid signature',
  '403': 'FORBIDDEN: the caller\'s role or tenancy may not do this',
  '404': 'NOT_FOUND: no such resource (or not the caller\'s)',
  '409': 'A conflict: a duplicate, a state that no longer allows it, an idempotency key reused with another body',
  '422': 'A business rule refused it (`details.rule` names the rule)',
  '429': 'Throttled: retry after the `retry-after` seconds',
  '500': 'INTERNAL_ERROR: it changed nothing and may be retried',
};

/** The refusals a route can give: every one may be invalid or fail; people's routes may be forbidden; writes may conflict or break a rule. */
function errorsOf(route: HttpRoute): string[] {
  const codes = ['400', '401'];
  if (route.auth === 'jwt') codes.push('403');
  codes.push('404');
  if (route.method !== 'GET' || route.auth === 'terminal-signature') codes.push('409', '422');
  codes.push('429', '500');
  return codes;
}

const errorContent = { 'application/json': { schema: errorAnswer } };

function answersOf(answers: readonly AnswerSpec[] | undefined, route: HttpRoute) {
  const ok: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
  for (const a of answers ?? [{ status: route.method === 'POST' ? 201 : 200, description: 'done (its body is not yet described in this document)' }]) {
    ok[String(a.status)] = { description: a.description, content: { [a.contentType ?? 'application/json']: { schema: a.schema ?? z.unknown() } } };
  }
  return { ...ok, ...Object.fromEntries(errorsOf(route).map((code) => [code, { description: ERRORS[code]!, content: errorContent }])) };
}

const pathParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

/** A route's path parameters as an object: its own grammar when it is one, else each a string id. */
function pathSchema(route: HttpRoute, schema: z.ZodType | undefined): z.ZodObject | undefined {
  const names = pathParams(route.path);
  if (names.length === 0) return undefined;
  if (schema instanceof z.ZodObject) return schema;
  return z.object(Object.fromEntries(names.map((n) => [n, pathId])));
}

function operationOf(fn: FunctionName, name: string, route: HttpRoute, contract: RouteContract): ZodOpenApiOperationObject {
  const path = pathSchema(route, contract.path);
  const query = contract.query instanceof z.ZodObject ? contract.query : undefined;
  const who = route.auth === 'jwt' ? `Roles: ${(contract.roles ?? []).join(', ') || 'any signed-in person'}.` : 'Signed by the terminal (`x-terminal-serial`, `x-timestamp`, `x-signature`).';
  return {
    operationId: `${fn}.${name}`,
    summary: route.summary,
    description: who,
    tags: [fn],
    security: route.auth === 'jwt' ? [{ bearer: [] }] : [{ terminalSerial: [], terminalTimestamp: [], terminalSignature: [] }],
    ...(path || query ? { requestParams: { ...(path ? { path } : {}), ...(query ? { query } : {}) } } : {}),
    ...(contract.body ? { requestBody: { required: true, content: { 'application/json': { schema: contract.body } } } } : {}),
    responses: answersOf(contract.answers, route),
  };
}

let built: ReturnType<typeof createDocument> | undefined;

/** The document (built once per process). */
export function openApiDocument(): ReturnType<typeof createDocument> {
  if (built) return built;
  const paths: ZodOpenApiPathsObject = {};
  for (const { fn, name, route, contract } of documentedRoutes()) {
    const item = (paths[route.path] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[route.method.toLowerCase()] = operationOf(fn, name, route, contract);
  }
  built = createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Social-service electronic voucher platform (사회서비스 전자바우처)',
        version: '1.0.0',
        description: 'Payments at terminals, the registry, settlement and payouts, reports and operations. People send a bearer JWT (roles provider, municipality, agency, ops); terminals sign each request with their secret.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      servers: [{ url: 'http://127.0.0.1:3000', description: 'the local stack (`npm start`)' }],
      tags: Object.keys(SERVING).map((fn) => ({ name: fn, description: `Routes of the ${fn} function` })),
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito (locally: `POST /_local/token`)' },
          terminalSerial: { type: 'apiKey', in: 'header', name: 'x-terminal-serial' },
          terminalTimestamp: { type: 'apiKey', in: 'header', name: 'x-timestamp' },
          terminalSignature: { type: 'apiKey', in: 'header', name: 'x-signature', description: 'HMAC-SHA256 of method, path with query, timestamp and body with the terminal\'s secret' },
        },
      },
      paths,
    },
    { allowEmptySchema: { custom: true } },
  );
  return built;
}
