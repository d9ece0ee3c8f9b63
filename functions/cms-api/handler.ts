/**
 * CMS files (CMS-02/03): `GET /v1/cms/files`, `GET /v1/cms/files/{fileId}` and
 * `GET /v1/cms/files/{fileId}/content` (the file's exact bytes; for operators, account numbers
 * masked) for the agency and operators.
 */
import type { CmsFileRecord } from '../../domain/cms/files';
import { maskedForOperators } from '../../domain/cms/fields';
import * as z from 'zod';
import { cmsFile, cmsFilesAnswer } from '../../events/answers';
import { isoDate } from '../../events/common';
import { readObject } from '../shared/documents';
import { ApiError } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { cmsStore } from '../shared/stores';
import { routes } from './routes';

/** The API's view of a file: its state and totals, not the payout-id map. */
const view = ({ references: _r, ...file }: CmsFileRecord) => file;

async function fileOf(fileId: string | undefined): Promise<CmsFileRecord> {
  const m = /^CMS-(\d{4}-\d{2}-\d{2})$/.exec(fileId ?? '');
  const file = m ? await cmsStore().file(m[1]!) : null;
  if (!file) throw new ApiError('NOT_FOUND', 'NOT_FOUND', `CMS file ${fileId} not found`);
  return file;
}

export const list = route({ roles: ['agency', 'ops'], query: z.object({ from: isoDate.optional(), to: isoDate.optional(), ...pageQuery }).strict(), answers: [{ status: 200, description: 'the files, by transfer date', schema: cmsFilesAnswer }] }, async ({ query }) => {
  const page = await cmsStore().files(query, query.from, query.to ? `${query.to}~` : undefined);
  return json(200, { items: page.items.map(view), nextToken: page.nextToken ?? null });
});

export const get = route({ roles: ['agency', 'ops'], answers: [{ status: 200, description: 'the file', schema: cmsFile }] }, async ({ path }) => json(200, view(await fileOf(path.fileId))));

export const content = route({ roles: ['agency', 'ops'], answers: [{ status: 200, description: 'the file\'s bytes (EUC-KR, fixed-width records; for operators account numbers masked)', contentType: 'application/octet-stream' }] }, async ({ path, principal }) => {
  const file = await fileOf(path.fileId);
  if (!file.s3Key) throw new ApiError('CONFLICT', 'NOT_CREATED', `CMS file ${file.fileId} is still collecting transfers; it has no content yet`, { rule: 'CMS-05' });
  const exact = Buffer.from(await readObject(file.s3Key));
  // The agency reads the exact bytes; an operator the same file with account numbers masked (§8).
  const bytes = principal.role === 'ops' ? maskedForOperators(exact) : exact;
  return { statusCode: 200, headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${file.fileName}"` }, body: bytes.toString('base64'), isBase64Encoded: true };
});

/** One function, three routes. */
export { routes };
export const handler = dispatch(routes, { list, get, content });
