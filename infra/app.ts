/** The CDK app: `npx cdk synth` (offline) and `npx cdk deploy`. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { VoucherPlatformStack } from './stack';

export function buildApp(app = new App()) {
  const issuer = app.node.tryGetContext('jwtIssuer') as string | undefined;
  const audience = app.node.tryGetContext('jwtAudience') as string | undefined;
  const stack = new VoucherPlatformStack(app, 'VoucherPlatform', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'ap-northeast-2' },
    ...(issuer ? { jwtIssuer: issuer, jwtAudience: audience ? audience.split(',') : [] } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
