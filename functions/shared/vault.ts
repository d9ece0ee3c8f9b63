/**
 * Personal data protection (REG-07): RRNs are sealed with AES-256-GCM and looked up by a keyed
 * hash (HMAC-SHA256), so that neither the table nor its backups hold an RRN in clear, and a
 * leaked hash cannot be reversed by enumerating the RRN space without the key.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { config } from './config';
import { deriveKey as derive, secretString } from './secrets';

export interface PersonalDataVault {
  seal(plain: string): string;
  open(sealed: string): string;
  /** Deterministic keyed hash for look-ups (feeds match people by it). */
  lookupHash(plain: string): string;
}

/** A secret seed (Secrets Manager generates it in AWS) from which both keys are derived with HKDF. */
const keyMaterial = z.object({
  seed: z.string().min(32),
  version: z.string().regex(/^[a-z0-9]{1,8}$/).default('k1'),
});
export type KeyMaterial = z.input<typeof keyMaterial>;

export function createVault(material: KeyMaterial): PersonalDataVault {
  const { seed, version } = keyMaterial.parse(material);
  const enc = derive(seed, 'rrn-encryption');
  const mac = derive(seed, 'rrn-lookup-hash');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', enc, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [version, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    open(sealed) {
      const [v, iv, tag, body] = sealed.split(':');
      if (v !== version || !iv || !tag || !body) throw new Error('sealed value of an unknown key version');
      const decipher = createDecipheriv('aes-256-gcm', enc, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
    lookupHash(plain) {
      return createHmac('sha256', mac).update(plain).digest('base64url');
    },
  };
}

/** Fresh random keys (the local stack makes one set per run). */
export function generateKeyMaterial(): KeyMaterial {
  return { seed: randomBytes(32).toString('base64url'), version: 'k1' };
}

let vault: Promise<PersonalDataVault> | undefined;

/** The vault of this container: keys from `PII_KEYS` locally, from Secrets Manager in AWS. */
export function personalDataVault(): Promise<PersonalDataVault> {
  vault ??= (async () => {
    const { PII_KEYS, PII_SECRET_ARN, AWS_REGION } = config();
    if (PII_KEYS) return createVault(JSON.parse(PII_KEYS) as KeyMaterial);
    if (!PII_SECRET_ARN) throw new Error('neither PII_KEYS nor PII_SECRET_ARN is set');
    return createVault(JSON.parse((await secretString(PII_SECRET_ARN, AWS_REGION)) || '{}') as KeyMaterial);
  })();
  return vault;
}
