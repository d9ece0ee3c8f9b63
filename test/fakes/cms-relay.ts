/**
 * The CMS relay and the file bytes in memory: a relay whose answers a test scripts (send, the
 * did-you-receive-it question after a timeout, the result file), and an object store.
 */
import type { CmsGateway, CmsObjects } from '../../domain/cms/ports';

export class InMemoryCmsObjects implements CmsObjects {
  readonly objects = new Map<string, Uint8Array>();

  async put(transferDate: string, fileName: string, bytes: Uint8Array) {
    const key = `cms/${transferDate}/${fileName}`;
    this.objects.set(key, bytes);
    return key;
  }
  async read(key: string) {
    const bytes = this.objects.get(key);
    if (!bytes) throw new Error(`no object ${key}`);
    return bytes;
  }
}

export interface RelayScript {
  send?: () => Promise<{ ok: true } | { ok: false; reason: string; retryable: boolean }>;
  received?: () => Promise<boolean>;
  /** The result the relay answers for the last file sent: a file, `NO_FAILURES` ("불능 0건"), or null (not ready). */
  result?: (sent: Uint8Array) => Uint8Array | 'NO_FAILURES' | null;
}

/** A relay that accepts every file and knows it received it, unless the script says otherwise. */
export function scriptedRelay(script: RelayScript = {}): CmsGateway & { sent: string[] } {
  const sent: string[] = [];
  let last: Uint8Array | null = null;
  return {
    sent,
    async send(f) {
      sent.push(f.fileName);
      last = f.bytes;
      return script.send ? script.send() : { ok: true };
    },
    wasReceived: async () => (script.received ? script.received() : true),
    fetchResult: async () => (last && script.result ? script.result(last) : null),
  };
}
