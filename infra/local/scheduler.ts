/**
 * EventBridge Scheduler, locally: fires the schedules of `infra/system.ts` (cron in Asia/Seoul)
 * against the stack's clock. When the clock jumps forward past occurrences, the latest one
 * missed fires once; when it moves back, nothing fires until it passes an occurrence again.
 */
import { CronExpressionParser } from 'cron-parser';
import { formatKst } from '../../domain/shared/calendar';
import type { Clock } from '../../domain/shared/ports';
import type { ScheduleName } from '../../events/schedule';
import { type CronSpec, SCHEDULE_TIMEZONE, SCHEDULES } from '../system';

const TICK_MS = 500;

/** EventBridge cron fields → the five-field form (`?` means any). */
export function cronExpression(cron: CronSpec): string {
  const any = (v: string | undefined) => (v === undefined || v === '?' ? '*' : v);
  return [cron.minute, cron.hour, any(cron.day), any(cron.month), any(cron.weekDay)].join(' ');
}

/** The latest occurrence in (after, upTo], if any. */
export function latestOccurrence(cron: CronSpec, after: Date, upTo: Date): Date | null {
  const next = CronExpressionParser.parse(cronExpression(cron), { currentDate: after, tz: SCHEDULE_TIMEZONE }).next().toDate();
  if (next > upTo) return null;
  const previous = CronExpressionParser.parse(cronExpression(cron), { currentDate: new Date(upTo.getTime() + 1), tz: SCHEDULE_TIMEZONE }).prev().toDate();
  return previous > after ? previous : next;
}

export class LocalScheduler {
  private timer: NodeJS.Timeout | undefined;
  private last: Date;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (name: ScheduleName, event: { version: 1; schedule: ScheduleName; scheduledTime: string }) => void,
  ) {
    this.last = clock.now();
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  tick(): void {
    const now = this.clock.now();
    if (now > this.last) {
      for (const [name, spec] of Object.entries(SCHEDULES) as [ScheduleName, NonNullable<(typeof SCHEDULES)[ScheduleName]>][]) {
        const at = latestOccurrence(spec.cron, this.last, now);
        if (at) this.fire(name, { version: 1, schedule: name, scheduledTime: formatKst(at) });
      }
    }
    this.last = now;
  }
}
