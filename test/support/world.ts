/**
 * One end-to-end world for the tests that run the local stack in process: the stack, its clock,
 * a token per principal, the imported registry with the month's vouchers, and the first terminal.
 * Each test file starts its own (`await world.start(…)` in beforeAll, `world.stop()` in afterAll)
 * and waits for state through the stack's controls, never for time.
 */
import { expect } from 'vitest';
import { LocalStack, type LocalStackOptions } from '../../infra/local/stack';
import { importDocument } from './fixtures';
import { apiClient } from './http';
import { paymentBody, terminalFetch, type TerminalIdentity } from './terminal';

/** The principals e2e tests act as. */
export const PRINCIPALS = {
  agency: { role: 'agency' },
  ops: { role: 'ops' },
  provider: { role: 'provider', providerId: 'P0001' },
  other: { role: 'provider', providerId: 'P0002' },
  city: { role: 'municipality', municipalityCode: '44130' },
  elsewhere: { role: 'municipality', municipalityCode: '11110' },
} as const satisfies Record<string, Record<string, string>>;

export type Principal = keyof typeof PRINCIPALS;

export interface WorldOptions {
  /** Recipients (and cards 9410…000i) of the imported registry. */
  cards: number;
  /** The stack's clock when the registry is imported and the month's vouchers generated. */
  at: string;
  onError?: LocalStackOptions['onError'];
  /** More registry records imported beside the standard document. */
  extra?: Record<string, unknown>;
  /** The stack's clock stands still between `setNow` calls (answers that show the instant then show it exactly, however slow the machine). */
  frozenClock?: boolean;
  /** The registry document for `cards` recipients (default: `importDocument`). */
  document?: (cards: number) => ReturnType<typeof importDocument>;
}

export class E2eWorld {
  stack!: LocalStack;
  now = '';
  readonly tokens = {} as Record<Principal, string>;
  doc!: ReturnType<typeof importDocument>;
  terminal!: TerminalIdentity;
  private readonly client = apiClient(() => this.stack.url);
  readonly call = this.client.call;

  async start(options: WorldOptions): Promise<this> {
    this.stack = await LocalStack.start({ port: 0, ...(options.onError ? { onError: options.onError } : {}), ...(options.frozenClock ? { frozenClock: true } : {}) });
    await this.setNow(options.at);
    Object.assign(this.tokens, await this.client.tokensFor(PRINCIPALS));
    this.doc = (options.document ?? importDocument)(options.cards);
    expect((await this.call('POST', '/v1/admin/import', this.doc, this.tokens.agency)).body.rejected).toEqual([]);
    if (options.extra) expect((await this.call('POST', '/v1/admin/import', options.extra, this.tokens.agency)).body.rejected).toEqual([]);
    await this.call('POST', '/_local/schedules/voucher-generation/run');
    const [terminal] = this.doc.terminals;
    this.terminal = { serial: terminal!.serial, secret: terminal!.secret, phone: terminal!.phone, businessNumber: this.doc.providers[0]!.businessNumber };
    return this;
  }

  async stop(): Promise<void> {
    await this.stack?.stop();
  }

  /** Moves the clock every component reads. */
  async setNow(instant: string): Promise<void> {
    this.now = instant;
    expect((await this.call('POST', '/_local/clock', { now: instant })).status).toBe(200);
  }

  /** Waits until every queue is empty and every consumer idle (and the scheduled runs a clock jump set off are done). */
  async drain(): Promise<void> {
    expect((await this.call('POST', '/_local/drain')).body.drained).toBe(true);
  }

  /** A signed terminal client at the world's clock. */
  terminalFetch(identity: TerminalIdentity = this.terminal) {
    return terminalFetch(this.stack.url, identity, () => new Date(this.now));
  }

  card(i: number): string {
    return `9410${String(i).padStart(12, '0')}`;
  }

  /** A normal payment on card i for the service starting at `start` (HH:MM) on `day`, approved now: its approval number. */
  async pay(i: number, start: string, day = this.now.slice(0, 10)): Promise<string> {
    const res = await this.terminalFetch()('POST', '/v1/terminal/payments', paymentBody(this.terminal, { cardNumber: this.card(i), serviceDate: day, serviceStartAt: `${day}T${start}:00+09:00` }, day));
    expect(res.status).toBe(201);
    return res.body.approvalNumber as string;
  }
}
