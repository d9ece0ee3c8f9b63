/** One route table: each function folder names its routes, the API is derived from them, and an unknown route is a 404. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../../functions/shared/http';
import { entryOf, FUNCTION_ROUTES, FUNCTIONS, ROUTES } from '../../../infra/system';

const root = resolve(import.meta.dirname, '../../..');

const eventFor = (routeKey: string): HttpEvent =>
  ({ version: '2.0', routeKey, rawPath: '/v1/unknown', rawQueryString: '', headers: {}, isBase64Encoded: false, requestContext: { http: { method: routeKey.split(' ')[0], path: '/v1/unknown' }, authorizer: { jwt: { claims: {}, scopes: [] } } } }) as unknown as HttpEvent;

describe('functions and their routes', () => {
  it('every function lives in the folder of its name, and every folder is a function', () => {
    for (const name of Object.keys(FUNCTIONS)) expect(existsSync(join(root, entryOf(name))), name).toBe(true);
    const folders = readdirSync(join(root, 'functions'), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'shared').map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it('the API has each route once, from the functions\' own tables', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(Object.values(FUNCTION_ROUTES).reduce((n, routes) => n + Object.keys(routes!).length, 0));
  });

  it.each(Object.keys(FUNCTION_ROUTES))('%s answers 404 to a route it does not serve, and serves the routes it exports', async (name) => {
    const module = (await import(join(root, entryOf(name)))) as { handler: (e: HttpEvent, c: Context) => Promise<{ statusCode: number; body: string }>; routes: unknown };
    expect(module.routes).toBe(FUNCTION_ROUTES[name as keyof typeof FUNCTION_ROUTES]);
    const answer = await module.handler(eventFor('GET /v1/unknown'), {} as Context);
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
