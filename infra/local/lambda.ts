/**
 * Loads the same handler modules Lambda runs and invokes them in this process. Invocations of
 * every function overlap here, so each runs in its own invocation context (the InvokeStore of
 * Lambda's runtime, as under Lambda Managed Instances): Powertools then keeps each one's Lambda
 * context and appended keys to itself, and a line logs its own function and request id.
 */
import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { entryOf, type FunctionName, FUNCTIONS } from '../system';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<FunctionName, Promise<Handler>>();

// Powertools scopes its state to the invocation when the runtime says invocations are concurrent.
process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
const invocations = InvokeStore.getInstanceAsync(true);

/** Resolves once invocations can be scoped: the functions' shared modules (Powertools) may be loaded from then on. */
export const invocationScopes = (): Promise<unknown> => invocations;

export function invoke(name: FunctionName, event: unknown): Promise<unknown> {
  const spec = FUNCTIONS[name];
  let handler = loaded.get(name);
  if (!handler) {
    handler = import(resolve(import.meta.dirname, '../..', entryOf(name))).then((m: { handler: Handler }) => m.handler);
    loaded.set(name, handler);
  }
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const context: Context = {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  return Promise.all([handler, invocations]).then(([h, store]) => store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => h(event, context)));
}
