/**
 * One seeded simulation (issue 12): a world and a workload chosen by the seed, run day by day on
 * a simulated clock against the system, every answer checked by the auditor (`model.ts`) and the
 * money checked at the end of every day and after a final settling.
 */
import { createHash } from 'node:crypto';
import { addDays, addMonths, at, cycleOf, isBusinessDay, nextBusinessDay } from './calendar';
import { checkDay, checkSettled } from './checks';
import { SimContext } from './context';
import type { FaultKind } from './faults';
import type { Disagreement } from './model';
import { Rng } from './rng';
import { StackDriver } from './stack-driver';
import { importDocumentOf } from './world';
import { plan } from './workload/plan';
import { deposit } from './workload/office';

export { startOf, type SimOptions } from './context';

export interface SimSummary {
  seed: number;
  store: string;
  firstDay: string;
  lastDay: string;
  days: number;
  providers: number;
  recipients: number;
  workers: number;
  requests: Record<string, number>;
  payments: { approved: number; refused: Record<string, number> };
  faults: Record<FaultKind, number>;
  disagreements: Disagreement[];
  /** sha256 of the trace: every request sent and answer got, in order (the same seed gives the same). */
  traceDigest: string;
  wallMs: number;
}

export class Simulation extends SimContext {
  private readonly piiLines: string[] = [];
  private logLines = 0;

  /** The run's trace (after `run`): every request sent and answer got, in order. */
  get trace(): readonly string[] {
    return this.driver?.trace ?? [];
  }

  /** Every fault hit of the run, in order (after `run`). */
  get faultLog(): readonly string[] {
    return this.faults.hitLog;
  }

  async run(): Promise<SimSummary> {
    const started = Date.now();
    const restore = this.watchLogs();
    this.driver = await StackDriver.start(this.faults, this.options.store);
    try {
      await this.setUp();
      const total = this.options.days;
      for (let i = 0; i < total && this.auditor.disagreements.length === 0; i++) {
        const day = addDays(this.firstDay, i);
        this.options.onDay?.(day, i, total);
        await this.simulateDay(day, true);
      }
      if (this.auditor.disagreements.length === 0) await this.settle();
    } finally {
      restore();
      await this.driver.stop();
    }
    for (const line of this.piiLines.slice(0, 3)) this.fail('log', 'no personal data in any log line', line);
    return {
      seed: this.options.seed, store: this.options.store, firstDay: this.firstDay, lastDay: this.lastDay, days: this.options.days,
      providers: this.world.providers.length, recipients: this.world.recipients.length, workers: this.world.workers.length,
      requests: this.requests, payments: { approved: this.approved, refused: this.refused }, faults: { ...this.faults.injected },
      disagreements: this.auditor.disagreements, traceDigest: createHash('sha256').update(this.driver.trace.join('\n')).digest('hex'), wallMs: Date.now() - started,
    };
  }

  /** Every log line the handlers write (stdout and stderr, as in Lambda) is scanned for RRNs, card numbers and names. */
  private watchLogs(): () => void {
    // The world's own personal data, as it could appear: names, RRNs with or without the hyphen, card numbers.
    const people = [...this.world.recipients, ...this.world.workers];
    const secrets = this.secrets;
    for (const v of [...people.map((p) => p.name), ...people.flatMap((p) => [p.rrn, p.rrn.replace('-', '')]), ...this.world.recipients.map((r) => r.cardNumber)]) secrets.add(v);
    const rrnShape = /(?<!\d)\d{6}-[1-4]\d{6}(?!\d)/;
    const restore: (() => void)[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        const text = String(chunk);
        if (!text.startsWith('{')) return write(chunk, ...rest);
        this.logLines++;
        if (text.includes('"level":"ERROR"') && this.errorLines.length < 500) this.errorLines.push(text.slice(0, 3_000));
        const found = rrnShape.exec(text)?.[0] ?? [...secrets].find((n) => text.includes(n));
        if (found) this.piiLines.push(`${found} in ${text.slice(0, 1_500)}`);
        return true;
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = write;
      });
    }
    return () => restore.forEach((r) => r());
  }

  private async setUp(): Promise<void> {
    const d = this.driver;
    // The registry from the month before the first (retroactive payments reach back into it); its
    // vouchers and those of every month up to the first day's are generated on their 1st.
    const month = addMonths(this.firstDay.slice(0, 7), -1);
    await d.setNow(at(`${month}-01`, '00:05'));
    // The jump fires the schedules it passed: done before the import, so that they find an empty registry in every run.
    await d.drain();
    const imported = await d.call({ role: 'agency' }, 'POST', '/v1/admin/import', importDocumentOf(this.world));
    if (imported.status !== 200 || imported.body.rejected.length) throw new Error(`import refused: ${JSON.stringify(imported.body).slice(0, 500)}`);
    for (let m = month; m < this.firstDay.slice(0, 7) || (m === this.firstDay.slice(0, 7) && !this.firstDay.endsWith('-01')); m = addMonths(m, 1)) {
      await d.setNow(at(`${m}-01`, '00:20'));
      await d.drain();
      this.auditor.generate(m);
    }
    await d.setNow(at(addDays(this.firstDay, -1), '10:00'));
    for (const dep of this.world.deposits) if (dep.initial > 0) await deposit(this, dep.municipalityCode, dep.programCode, dep.initial, at(addDays(this.firstDay, -1), '10:00'));
    await d.setNow(at(addDays(this.firstDay, -1), '23:00'));
    await d.drain();
    this.faults.enabled = true;
  }

  /** The schedules' moments of a day, then (on activity days) the day's workload, then the day's checks. */
  private async simulateDay(day: string, active: boolean): Promise<void> {
    this.today = day;
    const d = this.driver;
    for (const moment of ['00:20', '01:10', '03:15', '07:10']) {
      await d.setNow(at(day, moment));
      await d.drain();
      if (moment === '00:20' && day.endsWith('-01')) this.auditor.generate(day.slice(0, 7));
    }
    if (active && isBusinessDay(day)) await this.cmsFaults(day);
    await d.setNow(at(day, '09:10'));
    await d.drain();
    if (active) {
      const actions = plan(this, day).sort((a, b) => a.at.localeCompare(b.at));
      for (const action of actions) {
        if (this.auditor.disagreements.length) break;
        await d.setNow(at(day, action.at));
        await action.run();
      }
    }
    await d.setNow(at(day, '23:58'));
    await d.drain();
    if (this.auditor.disagreements.length === 0) await checkDay(this, day);
  }

  /** CMS relay misbehaviour for the day's first transmissions or results (cms.md). */
  private async cmsFaults(day: string): Promise<void> {
    const modes = ['fail', 'timeout', 'timeout-after-receive', 'tamper-result'] as const;
    for (const mode of modes)
      if (this.faults.hits(`cms.${mode}`, day)) {
        this.count(`cms ${mode}`);
        await this.driver.setNow(at(day, '08:50'));
        await this.driver.cms({ mode, times: new Rng(this.options.seed, `cms ${day}`).int(1, 3) });
        return;
      }
  }

  /** After the last day: days without activity until every cycle of the run is paid and its result in. */
  private async settle(): Promise<void> {
    const lastCycle = cycleOf(this.lastDay);
    let end = lastCycle.payDay;
    for (let i = 0; i < 3; i++) end = nextBusinessDay(end);
    this.faults.enabled = false;
    for (let day = addDays(this.lastDay, 1); day <= end && this.auditor.disagreements.length === 0; day = addDays(day, 1)) await this.simulateDay(day, false);
    if (this.auditor.disagreements.length === 0) await checkSettled(this);
  }
}
