/**
 * The production CMS gateway: a relay's HTTPS file API (a bank's or a licensed relay's). Locally the
 * CMS simulator serves the same API, so this adapter is what the tests exercise.
 *
 *   PUT  {CMS_RELAY_URL}/files/{fileName}?transferDate=…   body: the file; header x-content-sha256
 *        → 201 received | 409 {reason} refused (not retryable) | 5xx retryable
 *   GET  {CMS_RELAY_URL}/files/{fileName}?transferDate=…&sha256=…  → {received: boolean}
 *   GET  {CMS_RELAY_URL}/results/{fileName}?transferDate=…  → 200 the EB32 bytes | 404 not yet
 */
import { CmsGatewayTimeout } from '../../domain/cms/files';
import type { CmsGateway } from '../../domain/cms/ports';
import { config } from './config';
import { secretString } from './secrets';

/** The relay's bearer token: from Secrets Manager in AWS (read once), from the environment locally (if any). */
async function relayToken(): Promise<string | undefined> {
  const { CMS_RELAY_TOKEN, CMS_RELAY_TOKEN_SECRET_ARN, AWS_REGION } = config();
  return CMS_RELAY_TOKEN_SECRET_ARN ? secretString(CMS_RELAY_TOKEN_SECRET_ARN, AWS_REGION) : CMS_RELAY_TOKEN;
}

async function relay(): Promise<{ url: string; headers: Record<string, string>; timeoutMs: number }> {
  const { CMS_RELAY_URL, CMS_RELAY_TIMEOUT_MS } = config();
  if (!CMS_RELAY_URL) throw new Error('CMS_RELAY_URL is not set');
  const bearer = await relayToken();
  return { url: CMS_RELAY_URL.replace(/\/$/, ''), headers: bearer ? { authorization: `Bearer ${bearer}` } : {}, timeoutMs: CMS_RELAY_TIMEOUT_MS };
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const r = await relay();
  try {
    return await fetch(`${r.url}${path}`, { ...init, headers: { ...r.headers, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(r.timeoutMs) });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') throw new CmsGatewayTimeout(`CMS relay did not answer within ${r.timeoutMs} ms`);
    throw error;
  }
}

export const cmsRelay: CmsGateway = {
  async send(file) {
    const res = await call(`/files/${encodeURIComponent(file.fileName)}?transferDate=${file.transferDate}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'x-content-sha256': file.digest },
      body: new Blob([new Uint8Array(file.bytes)]),
    });
    if (res.status === 200 || res.status === 201) return { ok: true };
    const body = (await res.json().catch(() => ({}))) as { reason?: string };
    return { ok: false, reason: body.reason ?? `HTTP ${res.status}`, retryable: res.status >= 500 || res.status === 429 };
  },
  async wasReceived(fileName, transferDate, digest) {
    const res = await call(`/files/${encodeURIComponent(fileName)}?transferDate=${transferDate}&sha256=${digest}`);
    if (!res.ok) throw new Error(`CMS relay could not say whether ${fileName} was received: HTTP ${res.status}`);
    return Boolean(((await res.json()) as { received?: boolean }).received);
  },
  async fetchResult(fileName, transferDate) {
    const res = await call(`/results/${encodeURIComponent(fileName)}?transferDate=${transferDate}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`CMS relay result fetch failed: HTTP ${res.status}`);
    // "불능 0건": the relay answers that nothing failed instead of sending a file (cms.md).
    if ((res.headers.get('content-type') ?? '').includes('application/json')) {
      const body = (await res.json()) as { failures?: unknown };
      if (body.failures === 0) return 'NO_FAILURES';
      throw new Error('CMS relay result fetch: an answer that is neither a file nor "no failures"');
    }
    return new Uint8Array(await res.arrayBuffer());
  },
};
