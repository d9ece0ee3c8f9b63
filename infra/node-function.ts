/**
 * The one construct every Lambda function is built with: Node.js 22, ESM, the AWS SDK bundled
 * (a pinned, tested SDK rather than the runtime's), minified with source maps, JSON logs.
 * All esbuild settings live here.
 */
import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { entryOf, type FunctionSpec } from './system';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** esbuild options shared by the CDK bundling and the bundle-size benchmark. */
/** Modules the bundles replace (esbuild `alias`): in Lambda the credentials come from the environment. */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': resolve(REPO_ROOT, 'infra/bundle/env-credentials.ts'),
};

export const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(): give ESM one.
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  externalModules: [] as string[],
  esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([from, to]) => [`--alias:${from}`, to])) as Record<string, string>,
};

/** esbuild's options for a function's entry as CDK bundles it (minified ESM, the aliases) — what the bench and the bundle test build. */
export const esbuildOptionsOf = (entry: string): BuildOptions => ({
  entryPoints: [resolve(REPO_ROOT, entry)],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: BUNDLING.target,
  minify: BUNDLING.minify,
  mainFields: BUNDLING.mainFields,
  banner: { js: BUNDLING.banner },
  alias: BUNDLE_ALIASES,
  logLevel: 'silent',
});

export interface NodeFunctionProps {
  name: string;
  spec: FunctionSpec;
  environment: Record<string, string>;
}

export class NodeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.THREE_MONTHS });
    super(scope, id, {
      entry: resolve(REPO_ROOT, entryOf(props.name)),
      handler: 'handler',
      description: props.spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMb,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: resolve(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.name,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: BUNDLING,
    });
  }
}
