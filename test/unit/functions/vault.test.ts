import { describe, expect, it } from 'vitest';
import { createVault, generateKeyMaterial } from '../../../functions/shared/vault';

describe('REG-07 personal data vault', () => {
  const vault = createVault(generateKeyMaterial());

  it('seals an RRN so that the sealed value does not contain it, and opens it again', () => {
    const sealed = vault.seal('9001011234567');
    expect(sealed).not.toContain('9001011234567');
    expect(vault.seal('9001011234567')).not.toBe(sealed); // random IV
    expect(vault.open(sealed)).toBe('9001011234567');
  });

  it('a tampered sealed value does not open', () => {
    const sealed = vault.seal('9001011234567').split(':');
    sealed[3] = Buffer.from('0000000000000').toString('base64');
    expect(() => vault.open(sealed.join(':'))).toThrow();
  });

  it('the look-up hash is deterministic per key and differs between keys', () => {
    expect(vault.lookupHash('9001011234567')).toBe(vault.lookupHash('9001011234567'));
    expect(createVault(generateKeyMaterial()).lookupHash('9001011234567')).not.toBe(vault.lookupHash('9001011234567'));
  });
});
