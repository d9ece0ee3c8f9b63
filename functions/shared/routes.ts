/**
 * An HTTP route of a function: each function folder's `routes.ts` names its routes, the handler
 * dispatches on them, and `infra/system.ts` derives the API's route table from them — one list.
 */
export type RouteAuth = 'jwt' | 'terminal-signature';

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  auth: RouteAuth;
  /** One line for the API document (OpenAPI `summary`). */
  summary: string;
}

export type RouteTable = Record<string, HttpRoute>;

/** A people's route: the JWT authorizer verifies the caller. */
export const jwt = (method: HttpRoute['method'], path: string, summary: string): HttpRoute => ({ method, path, auth: 'jwt', summary });

/** A terminal's route: no JWT; the function verifies the request's signature (api.md). */
export const signed = (method: HttpRoute['method'], path: string, summary: string): HttpRoute => ({ method, path, auth: 'terminal-signature', summary });

/** API Gateway's route key: `POST /v1/refunds/{refundId}/approve`. */
const routeKeyOf = (route: HttpRoute) => `${route.method} ${route.path}`;

/** The name of the route an event's route key is, if the table has it. */
export function routeNamed<R extends RouteTable>(routes: R, routeKey: string): keyof R | undefined {
  return Object.keys(routes).find((name) => routeKeyOf(routes[name]!) === routeKey);
}
