/**
 * The API document as a contract test: every answer an end-to-end test receives (people's and
 * terminals' clients alike) is checked against the document's schema for its route and status,
 * when the document describes one. An answer that does not match fails the test that got it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Compiled {
  method: string;
  pattern: RegExp;
  template: string;
  /** Per status, the JSON schema's validator (absent: the document does not describe that body). */
  validators: Map<string, ValidateFunction>;
}

let compiled: Compiled[] | undefined;
const checked = new Map<string, number>();

/** The document loads every handler: only once a stack has set up the process for them (never at import). */
async function compile(): Promise<Compiled[]> {
  const { openApiDocument } = await import('../../infra/openapi');
  const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>> };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const out: Compiled[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries(item)) {
      const validators = new Map<string, ValidateFunction>();
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (!schema || Object.keys(schema).length === 0) continue;
        const pointer = ['paths', template, method, 'responses', status, 'content', 'application/json', 'schema'].map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
        validators.set(status, ajv.compile({ $ref: `openapi.json#/${pointer}` }));
      }
      out.push({ method: method.toUpperCase(), pattern, template, validators });
    }
  }
  return out;
}

/** Checks one answer; throws when the document describes its body and the body does not match. */
export async function checkAnswer(method: string, pathWithQuery: string, status: number, body: unknown): Promise<void> {
  const path = pathWithQuery.split('?')[0]!;
  if (path.startsWith('/_local/')) return;
  compiled ??= await compile();
  const op = compiled.find((c) => c.method === method && c.pattern.test(path));
  const validate = op?.validators.get(String(status));
  if (!op || !validate) return;
  if (!validate(body)) {
    throw new Error(`the answer ${status} of ${method} ${path} does not match the API document (${op.template}): ${JSON.stringify(validate.errors?.slice(0, 5))}; body: ${JSON.stringify(body).slice(0, 600)}`);
  }
  const key = `${method} ${op.template} ${status}`;
  checked.set(key, (checked.get(key) ?? 0) + 1);
}

/** The routes and statuses whose answers were checked in this process, with how many. */
export const checkedAnswers = (): ReadonlyMap<string, number> => checked;
