import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { terminalKindOf } from '../../../domain/registry/entities';
import { businessNumberCheckDigit, isValidBusinessNumber, maskCardNumber, maskName, maskRrn, parseRrn } from '../../../domain/registry/identity';

describe('REG-01 business registration number', () => {
  it('accepts a number whose tenth digit is the check digit', () => {
    expect(isValidBusinessNumber('1234567891')).toBe(true);
  });

  it('refuses a wrong check digit, wrong length and non-digits', () => {
    expect(isValidBusinessNumber('1234567890')).toBe(false);
    expect(isValidBusinessNumber('123456789')).toBe(false);
    expect(isValidBusinessNumber('12345678911')).toBe(false);
    expect(isValidBusinessNumber('12345678a1')).toBe(false);
  });

  it('every nine digits have exactly one valid check digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (first9) => {
        const valid = [...Array(10).keys()].filter((d) => isValidBusinessNumber(`${first9}${d}`));
        expect(valid).toEqual([businessNumberCheckDigit(first9)]);
      }),
    );
  });
});

describe('REG-07 resident registration number', () => {
  it('parses both spellings to one canonical form with the birth date of its century', () => {
    expect(parseRrn('900101-1234567')).toEqual({ canonical: '9001011234567', birthDate: '1990-01-01' });
    expect(parseRrn('1504024123456')).toEqual({ canonical: '1504024123456', birthDate: '2015-04-02' });
  });

  it('refuses impossible dates and gender digits', () => {
    expect(parseRrn('900230-1234567')).toBeNull();
    expect(parseRrn('901301-1234567')).toBeNull();
    expect(parseRrn('900101-')).toBeNull();
    expect(parseRrn('900101 1234567')).toBeNull();
    expect(parseRrn('abcdef-1234567')).toBeNull();
  });

  it('is shown masked as 900101-1******', () => {
    expect(maskRrn('9001011234567')).toBe('900101-1******');
  });
});

describe('masking of personal data', () => {
  it('keeps the first and last character of a name', () => {
    expect(maskName('김민수')).toBe('김*수');
    expect(maskName('남궁민수')).toBe('남**수');
    expect(maskName('이서')).toBe('이*');
    expect(maskName('김')).toBe('*');
  });

  it('shows a card number as api.md does', () => {
    expect(maskCardNumber('9410123456789012')).toBe('9410********9012');
  });
});

describe('REG-03 terminal kinds', () => {
  it('VT-series models are dedicated terminals, anything else a smartphone', () => {
    expect(terminalKindOf('VT-11')).toBe('DEDICATED');
    expect(terminalKindOf('vt-900')).toBe('DEDICATED');
    expect(terminalKindOf('Galaxy S24')).toBe('SMARTPHONE');
  });
});
