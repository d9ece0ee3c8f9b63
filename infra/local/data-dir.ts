/**
 * What `npm start` keeps across restarts, in its data directory (default `.data/<PORT>`): the
 * table (DynamoDB Local's file mode, `dynamodb/`), the bucket's objects (`s3/`, mirrored from
 * fauxqs, which keeps them in memory only) and the stack's own keys (`keys.json`: the JWT signing
 * key, the personal-data keys, the list-cursor key), so that tokens, sealed RRNs and cursors issued
 * before a restart still hold after it. Queues are not kept: what was in flight is derived again
 * from the table's stream, which DynamoDB Local keeps with the table.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { generateKeyMaterial } from '../../functions/shared/vault';

export interface StackKeys {
  /** HS256 key of the local identity provider (base64url). */
  jwt: string;
  /** `PII_KEYS`: the personal-data key material (REG-07). */
  pii: unknown;
  /** `CURSOR_KEY`: the seed of the list-cursor key. */
  cursor: string;
}

/** The data directory of the stack on `port`: `DATA_DIR` if set, otherwise `.data/<port>`. */
export function dataDirFor(port: number, root = process.cwd()): string {
  return process.env.DATA_DIR || join(root, '.data', String(port));
}

/** Empties a data directory (`npm start -- --fresh`). */
export function clearDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The stack's keys, made once per data directory and read back on every start. */
export function keysIn(dir: string): StackKeys {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackKeys;
  const keys = freshKeys();
  writeAtomically(file, JSON.stringify(keys), 0o600);
  return keys;
}

/** Keys for one run only (tests, `--fresh` stacks without a data directory). */
export function freshKeys(): StackKeys {
  return { jwt: randomBytes(32).toString('base64url'), pii: generateKeyMaterial(), cursor: randomBytes(32).toString('base64url') };
}

function writeAtomically(file: string, data: string | Uint8Array, mode = 0o644): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

/** What fauxqs's message spy (`server.spy`) reports of S3: an object uploaded or deleted. */
interface SpyReader {
  getAllMessages(): { service: string; bucket?: string; key?: string; status?: string }[];
  clear(): void;
}

interface StoredObject {
  key: string;
  contentType?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

/**
 * The bucket's objects on disk: restored into fauxqs at start, and every upload and delete after
 * it written through within ~50 ms (and at stop, before fauxqs goes).
 */
export class S3Mirror {
  private timer: NodeJS.Timeout | undefined;
  private pending = Promise.resolve();
  private readonly dir: string;

  constructor(dataDir: string, private readonly s3: S3Client, private readonly bucket: string, private readonly spy: SpyReader) {
    this.dir = join(dataDir, 's3', bucket);
    mkdirSync(this.dir, { recursive: true });
  }

  /** Puts every kept object back into the (empty) bucket; how many. */
  async restore(): Promise<number> {
    let n = 0;
    for (const name of readdirSync(this.dir).filter((f) => f.endsWith('.json'))) {
      const stored = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as StoredObject;
      const body = readFileSync(join(this.dir, name.replace(/\.json$/, '.bin')));
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: stored.key, Body: body, ContentType: stored.contentType, Metadata: stored.metadata }));
      n++;
    }
    // Those uploads are the disk's own: nothing to write back.
    this.spy.clear();
    return n;
  }

  start(): void {
    this.timer = setInterval(() => this.sync(), 50);
  }

  /** Writes what happened since the last round; resolves when it is on disk. */
  sync(): Promise<void> {
    const events = this.spy.getAllMessages().filter((m) => m.service === 's3' && m.bucket === this.bucket && (m.status === 'uploaded' || m.status === 'deleted'));
    this.spy.clear();
    if (events.length === 0) return this.pending;
    this.pending = this.pending.then(async () => {
      for (const e of events) await this.apply(e.key!, e.status!);
    });
    return this.pending;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sync();
    this.s3.destroy();
  }

  private async apply(key: string, status: string): Promise<void> {
    const base = join(this.dir, Buffer.from(key).toString('base64url'));
    if (status === 'deleted') {
      rmSync(`${base}.json`, { force: true });
      rmSync(`${base}.bin`, { force: true });
      return;
    }
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      writeAtomically(`${base}.bin`, await out.Body!.transformToByteArray());
      writeAtomically(`${base}.json`, JSON.stringify({ key, contentType: out.ContentType, metadata: out.Metadata } satisfies StoredObject));
    } catch (error) {
      // Deleted again before it was read: the delete event follows.
      if ((error as { name?: string }).name !== 'NoSuchKey') throw error;
    }
  }
}
