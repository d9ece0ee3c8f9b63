/**
 * Issue 17 §4: the intake function's bundle, minified as CDK builds it, stays within 450 KB; its
 * credentials come from the environment (the default chain of SSO, INI, IMDS… is not carried).
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { defaultProvider } from '../../infra/bundle/env-credentials';
import { esbuildOptionsOf } from '../../infra/node-function';

const bundle = (entry: string) => build({ ...esbuildOptionsOf(entry), write: false, metafile: true });

describe('issue 17 §4 the intake bundle', () => {
  it('is at most 450 KB minified, without the default credential chain', async () => {
    const out = await bundle('functions/payment-intake/handler.ts');
    expect(out.outputFiles[0]!.contents.byteLength).toBeLessThanOrEqual(450 * 1024);
    // The default chain (SSO with its nested clients, INI files, IMDS…) is not in it.
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((p) => /credential-provider-(node|sso|ini|process|web-identity|http)|nested-clients/.test(p))).toEqual([]);
    expect(inputs.some((p) => p.includes('credential-provider-env'))).toBe(true);
  }, 60_000);

  it('in Lambda the credentials are the environment\'s', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' });
    try {
      expect(await defaultProvider()()).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
    } finally {
      process.env = saved;
    }
  });
});
