/**
 * The container's secrets: a Secrets Manager secret's value, read once per container and read
 * again only after a failed read; and the one key derivation (HKDF) every seed goes through.
 */
import { hkdfSync } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const values = new Map<string, Promise<string>>();

/** The secret's string value (one read per container and secret). */
export function secretString(arn: string, region: string | undefined): Promise<string> {
  let value = values.get(arn);
  if (!value) {
    value = new SecretsManagerClient({ region }).send(new GetSecretValueCommand({ SecretId: arn })).then((out) => out.SecretString ?? '');
    value.catch(() => values.delete(arn));
    values.set(arn, value);
  }
  return value;
}

/** A 32-byte key for one purpose from a seed (HKDF-SHA256). */
export const deriveKey = (seed: string, purpose: string): Buffer => Buffer.from(hkdfSync('sha256', seed, 'voucher-platform', purpose, 32));
