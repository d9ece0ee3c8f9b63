/**
 * One DynamoDB Local and one fauxqs for the whole run; each integration test file makes its own
 * table and queues on them, so files never see each other's data. `LOCAL_STORE=memory` runs the
 * same tests on the in-memory DynamoDB (how its differential check against the real one is read).
 */
import type {  } from 'vitest';
import type { TestProject } from 'vitest/node';
import { localStoreOf, startDynamo, startQueueServer } from '../../infra/local/servers';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    queueEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, queues] = await Promise.all([startDynamo(localStoreOf(process.env.LOCAL_STORE)), startQueueServer()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('queueEndpoint', queues.address);
  return async () => {
    await queues.stop();
    await dynamo.stop();
  };
}
