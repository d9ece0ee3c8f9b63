/**
 * The AWS SDK's credential chain as the Lambda bundles carry it (infra/node-function.ts aliases
 * `@aws-sdk/credential-provider-node` to this module): in Lambda the function's credentials are in
 * its environment, so the environment's provider stands in for the whole default chain (SSO, INI
 * files, IMDS, containers, web identity…), which a bundle would otherwise carry (~90 KB of the
 * intake's, issue 17 §4).
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
