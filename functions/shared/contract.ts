/**
 * What the API document (infra/openapi.ts, OpenAPI 3.1) says of a route beyond its method, path
 * and summary (routes.ts): who may call it, the zod schemas the handler parses its path, query and
 * body with, and what it answers when it succeeds. Each handler carries its routes' contracts, so
 * the document is generated from the very schemas the handlers parse with.
 */
import type * as z from 'zod';
import type { RouteTable } from './routes';
import type { Role } from './tenancy';

/** A success answer: its status and, when it is described, its body's schema (JSON unless `contentType`). */
export interface AnswerSpec {
  status: number;
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteContract {
  roles?: readonly Role[];
  path?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  answers?: readonly AnswerSpec[];
}

/** A function's handler with its routes and their contracts (the API document reads them). */
export type Documented<H> = H & { routes: RouteTable; contracts: Record<string, RouteContract> };

export function documented<H extends object, R extends RouteTable>(handler: H, routes: R, contracts: { [K in keyof R]: RouteContract }): Documented<H> {
  return Object.assign(handler, { routes, contracts });
}
