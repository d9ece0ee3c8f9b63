/**
 * PO-03 deposits (예탁금): a municipality's deposit per program is recorded once — its id is the
 * idempotency key, given or derived from what was deposited — and adds to the balance payouts
 * draw on.
 */
import { createHash } from 'node:crypto';
import { formatKst } from '../shared/calendar';
import type { Clock } from '../shared/ports';
import type { DepositAccount, DepositMovement, DepositPort } from './ports';

export interface DepositRequest {
  depositId?: string | undefined;
  municipalityCode: string;
  programCode: string;
  amount: number;
  /** The instant of the transfer into the deposit account (ISO 8601). */
  depositedAt: string;
}

/** Without an id, the same deposit (account, amount, instant) reported twice is one deposit. */
export function depositIdOf(req: DepositRequest): string {
  if (req.depositId) return req.depositId;
  const subject = `${req.municipalityCode}|${req.programCode}|${req.amount}|${new Date(req.depositedAt).toISOString()}`;
  return `D${createHash('sha256').update(subject).digest('hex').slice(0, 20)}`;
}

export interface RecordedDeposit extends DepositAccount {
  depositId: string;
  duplicate: boolean;
  municipalityCode: string;
  programCode: string;
  amount: number;
}

export async function recordDeposit(deps: { deposits: DepositPort; clock: Clock }, recordedBy: string, req: DepositRequest): Promise<RecordedDeposit> {
  const depositId = depositIdOf(req);
  const { municipalityCode, programCode, amount } = req;
  const outcome = await deps.deposits.deposit({ depositId, municipalityCode, programCode, amount, depositedAt: formatKst(new Date(req.depositedAt)), recordedBy, at: formatKst(deps.clock.now()) });
  const account = await deps.deposits.account(municipalityCode, programCode);
  return { depositId, duplicate: outcome === 'duplicate', municipalityCode, programCode, amount, ...account };
}

/** A deposit movement with the balance after it. */
export type DepositStatementEntry = DepositMovement & { balanceAfter: number };

export interface DepositStatement extends DepositAccount {
  municipalityCode: string;
  programCode: string;
  entries: DepositStatementEntry[];
  /** PO-08 for the account: its movements sum to its balance. */
  balanced: boolean;
}

/**
 * `GET /v1/deposits`: each deposit account's balance and its entries — funded, drawn by payouts
 * (a draw crediting recoveries back adds), returned by a refused transfer (CMS-04) — in the order
 * they were recorded, each with the balance after it.
 */
export async function depositStatements(deposits: DepositPort, filter: { municipalityCode?: string | undefined; programCode?: string | undefined }): Promise<DepositStatement[]> {
  const ledgers = await deposits.ledgers(filter);
  return ledgers.map(({ movements, ...account }) => {
    let balance = 0;
    const entries = [...movements]
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .map((m) => ({ ...m, balanceAfter: (balance += m.amount) }));
    return { ...account, entries, balanced: balance === account.balance };
  });
}
