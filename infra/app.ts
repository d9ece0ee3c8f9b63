/** The CDK app: `npx cdk synth` (offline) and `npx cdk deploy`. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { VoucherPlatformStack } from './stack';

export function buildApp(app = new App()) {
  const issuer = app.node.tryGetContext('jwtIssuer') as string | undefined;
  const audience = app.node.tryGetContext('jwtAudience') as string | undefined;
  // cdk.json context or -c: the relay's file API and the agency's CMS account (cms.md).
  const cmsRelayUrl = (app.node.tryGetContext('cmsRelayUrl') as string | undefined) ?? 'https://cms-relay.invalid/v1';
  const stack = new VoucherPlatformStack(app, 'VoucherPlatform', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'ap-northeast-2' },
    ...(issuer ? { jwtIssuer: issuer, jwtAudience: audience ? audience.split(',') : [] } : {}),
    cms: {
      relayUrl: cmsRelayUrl,
      originator: (app.node.tryGetContext('cmsOriginator') as string | undefined) ?? 'SSIS000001',
      debitBankBranch: (app.node.tryGetContext('cmsDebitBankBranch') as string | undefined) ?? '0880001',
      debitAccount: (app.node.tryGetContext('cmsDebitAccount') as string | undefined) ?? '10012345678',
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
