/**
 * Regression (issue: money always right, point 14): `POST /_local/cms` answered 400 to api.md's own
 * form `{"transmit": "OK" | "FAIL" | "TIMEOUT"}`; only `{mode}` was accepted.
 */
import { describe, expect, it } from 'vitest';
import { cmsControlRequest } from '../../infra/local/cms-simulator';

describe('the local CMS control', () => {
  it('accepts api.md\'s transmit form, and the simulator\'s own modes beside it', () => {
    expect(cmsControlRequest.parse({ transmit: 'FAIL' })).toEqual({ mode: 'fail', times: null });
    expect(cmsControlRequest.parse({ transmit: 'TIMEOUT', times: 2 })).toEqual({ mode: 'timeout', times: 2 });
    expect(cmsControlRequest.parse({ transmit: 'OK' })).toEqual({ mode: 'normal', times: null });
    expect(cmsControlRequest.parse({ mode: 'tamper-result', times: 1 })).toEqual({ mode: 'tamper-result', times: 1 });
  });

  it('refuses a body that says neither, both, or something unknown', () => {
    for (const body of [{}, { transmit: 'FAIL', mode: 'fail' }, { transmit: 'MAYBE' }, { transmit: 'OK', speed: 1 }]) expect(cmsControlRequest.safeParse(body).success).toBe(false);
  });
});
