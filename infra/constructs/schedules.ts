/** EventBridge Scheduler schedules in Asia/Seoul (infra/system.ts SCHEDULES), each invoking its function with its scheduled time. */
import { Duration } from 'aws-cdk-lib';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { TimeZone } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { SCHEDULES } from '../system';
import type { Functions } from './functions';

export class Schedules extends Construct {
  constructor(scope: Construct, id: string, props: { functions: Functions }) {
    super(scope, id);
    for (const [name, spec] of Object.entries(SCHEDULES)) {
      new Schedule(this, `Schedule-${name}`, {
        description: spec.description,
        schedule: ScheduleExpression.cron({ ...spec.cron, ...(spec.cron.weekDay ? { day: undefined } : {}), timeZone: TimeZone.ASIA_SEOUL }),
        target: new LambdaInvoke(props.functions.byName[spec.function], {
          input: ScheduleTargetInput.fromObject({ version: 1, schedule: name, scheduledTime: ContextAttribute.scheduledTime }),
          retryAttempts: 3,
          maxEventAge: Duration.hours(6),
        }),
      });
    }
  }
}
