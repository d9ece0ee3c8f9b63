/** §8 tenancy: the one module that decides whose data a request may see. */
import { describe, expect, it } from 'vitest';
import { jurisdictionOf, municipalityFilter, type Principal, providerFilter, sees } from '../../../functions/shared/tenancy';

const provider: Principal = { sub: 'u-P0001', role: 'provider', providerId: 'P0001' };
const city: Principal = { sub: 'u-44130', role: 'municipality', municipalityCode: '44130' };
const agency: Principal = { sub: 'u-agency', role: 'agency' };

describe('tenancy', () => {
  it('a provider lists only its own data; the agency narrows to what it asks for', () => {
    expect(providerFilter(provider, undefined)).toBe('P0001');
    expect(providerFilter(provider, 'P0001')).toBe('P0001');
    expect(() => providerFilter(provider, 'P0002')).toThrow(expect.objectContaining({ kind: 'FORBIDDEN' }));
    expect(providerFilter(agency, 'P0002')).toBe('P0002');
    expect(providerFilter(agency, undefined)).toBeUndefined();
  });

  it('a municipality acts on its own accounts only', () => {
    expect(municipalityFilter(city, undefined)).toBe('44130');
    expect(() => municipalityFilter(city, '11110')).toThrow(expect.objectContaining({ kind: 'FORBIDDEN' }));
    expect(municipalityFilter(agency, '11110')).toBe('11110');
  });

  it('§5 a municipality\'s lists are of its own jurisdiction, whatever it asks for; the agency narrows to what it asks', () => {
    expect(jurisdictionOf(city, '11110')).toBe('44130');
    expect(jurisdictionOf(city, undefined)).toBe('44130');
    expect(jurisdictionOf(agency, '11110')).toBe('11110');
    expect(jurisdictionOf(provider, undefined)).toBeUndefined();
  });

  it('another provider\'s record is not there for a provider (404, not 403); the agency sees it', () => {
    expect(sees(provider, { providerId: 'P0001' })).toBe(true);
    expect(sees(provider, { providerId: 'P0002' })).toBe(false);
    expect(sees(agency, { providerId: 'P0002' })).toBe(true);
  });
});
