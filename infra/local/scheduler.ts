/**
 * EventBridge Scheduler, locally: fires the schedules of `infra/system.ts` (cron in Asia/Seoul)
 * against the stack's clock. When the clock jumps forward past occurrences, the latest one
 * missed fires once; when it moves back, nothing fires until it passes an occurrence again.
 * A fault hook (the simulation's) may skip an occurrence, fire it twice, or fire it late: at the
 * first tick two hours of clock time after it, with its own scheduled time, as EventBridge
 * delivers a delayed invocation.
 */
import { CronExpressionParser } from 'cron-parser';
import { formatKst } from '../../domain/shared/calendar';
import type { Clock } from '../../domain/shared/ports';
import type { ScheduleName } from '../../events/schedule';
import { type CronSpec, SCHEDULE_TIMEZONE, SCHEDULES } from '../system';

const TICK_MS = 500;
const LATE_BY_MS = 2 * 3_600_000;

/** What happens to one occurrence: it fires, or (faults) is lost, doubled or delivered late. */
export type ScheduleDelivery = 'fire' | 'skip' | 'twice' | 'late';
export type ScheduleFault = (name: ScheduleName, scheduledTime: string) => ScheduleDelivery;
type ScheduledEvent = { version: 1; schedule: ScheduleName; scheduledTime: string };

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
  private late: ScheduledEvent[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly fire: (name: ScheduleName, event: ScheduledEvent) => void,
    private readonly fault: ScheduleFault = () => 'fire',
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
    const due = (e: ScheduledEvent) => now.getTime() >= Date.parse(e.scheduledTime) + LATE_BY_MS;
    const late = this.late.filter(due);
    this.late = this.late.filter((e) => !due(e));
    for (const event of late) this.fire(event.schedule, event);
    if (now > this.last) {
      for (const [name, spec] of Object.entries(SCHEDULES) as [ScheduleName, NonNullable<(typeof SCHEDULES)[ScheduleName]>][]) {
        const at = latestOccurrence(spec.cron, this.last, now);
        if (!at) continue;
        const event: ScheduledEvent = { version: 1, schedule: name, scheduledTime: formatKst(at) };
        const delivery = this.fault(name, event.scheduledTime);
        if (delivery === 'late') this.late.push(event);
        if (delivery === 'fire' || delivery === 'twice') this.fire(name, event);
        if (delivery === 'twice') this.fire(name, event);
      }
    }
    this.last = now;
  }
}
