/**
 * Fan-out steps taken once (access pattern 17): a step record moves SENDING → SENT around the
 * step's side effect, so a message delivered twice takes a SENT step no second time.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from './batch';
import type { Table } from './client';
import { keys } from './keys';

const STEP_TTL_SECONDS = 40 * 24 * 3600;

/** Conditions spelled once. */
const conditions = {
  /** The step was not sent yet (or its send is being retried). */
  notSent: 'attribute_not_exists(PK) OR #state = :sending',
} as const;

export class DynamoJobSteps {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number) {}

  /** Claims the step; false when it was taken already (SENT). A step left SENDING may be taken again. */
  claim(job: string, step: string): Promise<boolean> {
    return conditionalWrite(() =>
      this.table.doc.send(new PutCommand({
        TableName: this.table.name,
        Item: { ...keys.jobStep(job, step), type: 'JobStep', state: 'SENDING', expiresAt: this.epochSeconds() + STEP_TTL_SECONDS },
        ConditionExpression: conditions.notSent,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'SENDING' },
      })),
    );
  }

  async complete(job: string, step: string): Promise<void> {
    await this.table.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.jobStep(job, step),
      UpdateExpression: 'SET #state = :sent',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'SENT' },
    }));
  }
}
