/** Loads the same handler modules Lambda runs and invokes them in this process. */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { entryOf, type FunctionName, FUNCTIONS } from '../system';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<FunctionName, Promise<Handler>>();

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
  return handler.then((h) => h(event, context));
}
