import { describe, expect, it, vi } from 'vitest';
import { cronExpression, latestOccurrence, LocalScheduler } from '../../../infra/local/scheduler';
import { SCHEDULES } from '../../../infra/system';

const kst = (s: string) => new Date(`${s}+09:00`);

describe('local scheduler (EventBridge Scheduler, Asia/Seoul)', () => {
  const cron = SCHEDULES['voucher-generation']!.cron;

  it('voucher-generation is the 1st of each month at 00:10 KST', () => {
    expect(cronExpression(cron)).toBe('10 0 1 * *');
    expect(latestOccurrence(cron, kst('2026-02-28T23:00:00'), kst('2026-03-01T00:10:00'))).toEqual(kst('2026-03-01T00:10:00'));
    expect(latestOccurrence(cron, kst('2026-03-01T00:10:00'), kst('2026-03-31T23:59:59'))).toBeNull();
  });

  it('a clock jump over several occurrences fires the latest one once', () => {
    expect(latestOccurrence(cron, kst('2026-03-10T00:00:00'), kst('2026-06-15T00:00:00'))).toEqual(kst('2026-06-01T00:10:00'));
  });

  it('fires when the clock passes an occurrence and not when it moves back', () => {
    let now = kst('2026-03-31T23:59:00');
    const fire = vi.fn();
    const scheduler = new LocalScheduler({ now: () => now }, fire);
    now = kst('2026-04-01T00:10:30');
    scheduler.tick();
    expect(fire).toHaveBeenCalledWith('voucher-generation', { version: 1, schedule: 'voucher-generation', scheduledTime: '2026-04-01T00:10:00+09:00' });
    // cms-transmit (every 5 minutes) and cms-receive (every 10) fire once too, for their latest occurrence only.
    expect(fire).toHaveBeenCalledWith('cms-transmit', { version: 1, schedule: 'cms-transmit', scheduledTime: '2026-04-01T00:10:00+09:00' });
    expect(fire).toHaveBeenCalledWith('cms-receive', { version: 1, schedule: 'cms-receive', scheduledTime: '2026-04-01T00:10:00+09:00' });
    // session-expiry (every 15 minutes, TIME-03): its latest occurrence, 00:00.
    expect(fire).toHaveBeenCalledWith('session-expiry', { version: 1, schedule: 'session-expiry', scheduledTime: '2026-04-01T00:00:00+09:00' });
    expect(fire).toHaveBeenCalledTimes(4);
    now = kst('2026-03-01T00:00:00');
    scheduler.tick();
    scheduler.tick();
    expect(fire).toHaveBeenCalledTimes(4);
  });

  it('a fault hook skips an occurrence, fires it twice, or fires it late with its own scheduled time', () => {
    let now = kst('2026-03-31T23:59:00');
    const fire = vi.fn();
    const deliveries = { 'voucher-generation': 'late', 'cms-transmit': 'twice', 'cms-receive': 'skip' } as const;
    const scheduler = new LocalScheduler({ now: () => now }, fire, (name) => deliveries[name as keyof typeof deliveries] ?? 'fire');
    now = kst('2026-04-01T00:10:30');
    scheduler.tick();
    expect(fire.mock.calls.map(([name]) => name)).toEqual(['cms-transmit', 'cms-transmit', 'session-expiry']);
    // Late: nothing until two hours of clock time have passed, then the occurrence with its own time.
    now = kst('2026-04-01T02:00:00');
    scheduler.tick();
    expect(fire.mock.calls.filter(([name]) => name === 'voucher-generation')).toEqual([]);
    now = kst('2026-04-01T02:11:00');
    scheduler.tick();
    expect(fire).toHaveBeenCalledWith('voucher-generation', { version: 1, schedule: 'voucher-generation', scheduledTime: '2026-04-01T00:10:00+09:00' });
    expect(fire.mock.calls.filter(([name]) => name === 'voucher-generation')).toHaveLength(1);
  });
});
