/**
 * Every DynamoDB key of the single table, and nothing else knows them. What each key is for — the
 * access patterns — is the table in docs/data-model.md (a test checks every prefix here is there).
 */
import { createHash } from 'node:crypto';

export const PROFILE = '#PROFILE';
export const UNIQUE = '#UNIQUE';

/** PO-08 totals are spread over this many items per municipality × program. */
export const TOTALS_SHARDS = 8;

/** Fan-out jobs (voucher generation) walk the recipients in this many shards. */
export const RECIPIENT_SHARDS = 16;

export interface Key {
  PK: string;
  SK: string;
}

const key = (PK: string, SK: string): Key => ({ PK, SK });

export const keys = {
  catalog: () => 'CATALOG',
  program: (code: string) => key('CATALOG', `PROGRAM#${code}`),
  serviceType: (serviceCode: string) => key('CATALOG', `SERVICE#${serviceCode}`),

  provider: (providerId: string) => key(`PROV#${providerId}`, PROFILE),
  businessNumber: (businessNumber: string) => key(`BIZNO#${businessNumber}`, UNIQUE),

  worker: (workerId: string) => key(`WORKER#${workerId}`, PROFILE),
  workerPaymentId: (paymentId: string) => key(`WPID#${paymentId}`, UNIQUE),

  terminal: (serial: string) => key(`TERM#${serial}`, PROFILE),
  smartphone: (phone: string) => key(`TPHONE#${phone}`, UNIQUE),

  recipientPartition: (recipientId: string) => `RCPT#${recipientId}`,
  recipient: (recipientId: string) => key(`RCPT#${recipientId}`, PROFILE),
  contract: (recipientId: string, contractId: string) => key(`RCPT#${recipientId}`, `CONTRACT#${contractId}`),
  contractPrefix: 'CONTRACT#',
  contractPointer: (contractId: string) => key(`CONTRACT#${contractId}`, UNIQUE),
  /**
   * Vouchers sort newest month first, right after the contracts: one Query from `CONTRACT#` to a
   * voucher's key reads the contracts and that voucher (plus at most the next month's), however
   * many months the recipient has.
   */
  voucher: (recipientId: string, month: string, serviceCode: string) => key(`RCPT#${recipientId}`, `VOUCHER#${newestFirst(month)}#${serviceCode}`),
  voucherMonthPrefix: (month: string) => `VOUCHER#${newestFirst(month)}#`,
  /** Sort keys below this bound in a recipient partition are the profile and the contracts. */
  recipientRegistryUpperBound: 'D',
  /**
   * Sort keys below this bound in a recipient partition are the profile, the contracts and the
   * vouchers of this month and later ones (newest first): one Query reads a recipient's month.
   */
  recipientMonthUpperBound: (month: string) => `VOUCHER#${newestFirst(month)}#~`,

  card: (cardNumber: string) => key(`CARD#${cardNumber}`, PROFILE),

  /**
   * A payment lives in its provider's month (the approval number starts with the approval date,
   * YYMMDD), so the provider's history is the partition itself: no index write per payment.
   */
  payment: (providerId: string, approvalNumber: string) => key(`PROVPAY#${providerId}#20${approvalNumber.slice(0, 2)}-${approvalNumber.slice(2, 4)}`, `PAY#${approvalNumber}`),
  providerPaymentMonth: (providerId: string, month: string) => `PROVPAY#${providerId}#${month}`,
  /** Sort-key bound of a provider month's payments approved on `date` (YYYY-MM-DD). */
  paymentDayBound: (date: string, end: boolean) => `PAY#${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${end ? '~' : ''}`,
  /** EXC-03: an approved claim in its provider's usage history, after the payments of the day it was approved. */
  claimHistory: (providerId: string, approvalDate: string, claimId: string) => key(`PROVPAY#${providerId}#${approvalDate.slice(0, 7)}`, `PAY#${approvalDate.slice(2, 4)}${approvalDate.slice(5, 7)}${approvalDate.slice(8, 10)}C${claimId}`),
  /** PAY-08: an approval number, taken once across all providers. */
  approvalNumber: (approvalNumber: string) => key(`APPROVAL#${approvalNumber}`, UNIQUE),
  /** PAY-09: a terminal's transaction id, answered once and replayed after. */
  terminalTransaction: (serial: string, transactionId: string) => key(`TXN#${serial}#${transactionId}`, '#TXN'),
  /** PAY-06: retroactive payments of one card on one approval day. */
  retroCount: (cardNumber: string, day: string) => key(`RETRO#${cardNumber}#${day}`, '#COUNT'),
  /** PAY-07: one makeup payment per card × service type × day, whichever month's voucher it uses. */
  makeupLock: (cardNumber: string, serviceCode: string, day: string) => key(`MAKEUP#${cardNumber}#${serviceCode}#${day}`, '#LOCK'),
  refund: (refundId: string) => key(`REFUND#${refundId}`, '#REFUND'),
  /** TIME-01: a tagged session of a time program. */
  session: (sessionId: string) => key(`SESSION#${sessionId}`, PROFILE),
  /** TIME-01: the one open session of a card × service type, and of a worker. */
  openSessionOfCard: (cardNumber: string, serviceCode: string) => key(`OPENSESSION#CARD#${cardNumber}#${serviceCode}`, UNIQUE),
  openSessionOfWorker: (workerId: string) => key(`OPENSESSION#WORKER#${workerId}`, UNIQUE),

  /**
   * SCR-01/05: a person's payments in the screening index, by approval time (`A#`) and by service
   * start (`S#`). Instants are written in KST so that they sort in time order.
   */
  screeningIndex: (person: 'W' | 'R', id: string, by: 'A' | 'S', instantKst: string, approvalNumber: string) => key(`SCRIDX#${person}#${id}`, `${by}#${instantKst}#${approvalNumber}`),
  screeningIndexPartition: (person: 'W' | 'R', id: string) => `SCRIDX#${person}#${id}`,
  /** SCR-03/04: one item per person with the death date and the movements (a set of `date#DIRECTION`). */
  personEvidence: (personKind: 'RECIPIENT' | 'WORKER', id: string) => key(`EVID#${personKind}#${id}`, '#EVIDENCE'),
  hold: (holdId: string) => key(`HOLD#${holdId}`, '#HOLD'),

  ledgerPartition: (providerId: string, programCode: string) => `LEDGER#${providerId}#${programCode}`,
  bucket: (providerId: string, programCode: string, day: string, municipalityCode: string) => key(`LEDGER#${providerId}#${programCode}`, `${day}#${municipalityCode}`),
  ledgerFact: (factId: string) => key(`LFACT#${factId}`, '#FACT'),
  /** PO-08 totals of a municipality × program, one item per shard (writes spread, the report reads all shards). */
  moneyTotals: (shard: number, municipalityCode: string, programCode: string) => key(`TOTALS#${shard}`, `${municipalityCode}#${programCode}`),
  moneyTotalsPartition: (shard: number) => `TOTALS#${shard}`,
  /** A table stream record whose money was added to the totals (applied once). */
  appliedChange: (changeId: string) => key(`APPLIED#${changeId}`, '#APPLIED'),
  /** Operations: why a consumer last failed on a queue message (shown with its dead letter). */
  failureNote: (messageId: string) => key(`FAILNOTE#${messageId}`, '#NOTE'),
  /** VCH-04: what lapsed of a month's vouchers per municipality × program, counted in each lapse's transaction. */
  lapseTally: (month: string, municipalityCode: string, programCode: string) => key(`LAPSED#${month}`, `${municipalityCode}#${programCode}`),
  lapseTallyPartition: (month: string) => `LAPSED#${month}`,
  depositPartition: (municipalityCode: string, programCode: string) => `DEPOSIT#${municipalityCode}#${programCode}`,
  depositBalance: (municipalityCode: string, programCode: string) => key(`DEPOSIT#${municipalityCode}#${programCode}`, '#BALANCE'),
  depositIn: (municipalityCode: string, programCode: string, depositedAt: string, depositId: string) => key(`DEPOSIT#${municipalityCode}#${programCode}`, `IN#${depositedAt}#${depositId}`),
  depositOut: (municipalityCode: string, programCode: string, payDate: string, payoutId: string) => key(`DEPOSIT#${municipalityCode}#${programCode}`, `OUT#${payDate}#${payoutId}`),
  payout: (payoutId: string) => key(`PAYOUT#${payoutId}`, '#PAYOUT'),
  /** PO-03: how a run shares out a short deposit, decided once. */
  depositAllocation: (runId: string, municipalityCode: string, programCode: string) => key(`ALLOC#${runId}`, `${municipalityCode}#${programCode}`),
  /** EXC-03: the one claim of a recipient × service type × service start. */
  claimSession: (recipientId: string, serviceCode: string, serviceStartAt: string) => key(`CLAIMSESSION#${recipientId}#${serviceCode}#${serviceStartAt}`, UNIQUE),
  claim: (claimId: string) => key(`CLAIM#${claimId}`, '#CLAIM'),
  cmsFilePartition: (transferDate: string) => `CMSFILE#${transferDate}`,
  cmsFile: (transferDate: string) => key(`CMSFILE#${transferDate}`, '#FILE'),
  cmsItem: (transferDate: string, payoutId: string) => key(`CMSFILE#${transferDate}`, `ITEM#${payoutId}`),
  cmsItemPrefix: 'ITEM#',
  /** PO-06: written by one shard's sequential pages only, so the counter never sees two writers. */
  grantedCounter: (municipalityCode: string, programCode: string, month: string, shard: number) => key(`GRANTED#${municipalityCode}#${programCode}`, `${month}#${String(shard).padStart(2, '0')}`),
  grantedPartition: (municipalityCode: string, programCode: string) => `GRANTED#${municipalityCode}#${programCode}`,
  delay: (providerId: string, programCode: string, municipalityCode: string) => key(`PROV#${providerId}`, `DELAY#${programCode}#${municipalityCode}`),
  delayPrefix: 'DELAY#',
  /** CMS-04: the account a transfer was refused on; payouts wait until the provider's account differs. */
  rejectedAccount: (providerId: string, programCode: string) => key(`PROV#${providerId}`, `REJECTED#${programCode}`),

  voucherOutcome: (providerId: string, month: string, contractId: string) => key(`PROV#${providerId}`, `VGEN#${month}#${contractId}`),
  voucherOutcomePrefix: (month: string) => `VGEN#${month}#`,
  providerPartition: (providerId: string) => `PROV#${providerId}`,

  accessLog: (subject: string, at: string, actor: string, id: string) => key(`ACCESS#${subject}`, `${at}#${actor}#${id}`),
  accessLogPartition: (subject: string) => `ACCESS#${subject}`,
  sequence: (name: string) => key(`SEQ#${name}`, '#SEQ'),
  /** REG-03 명의변경: a terminal transfer, decided once by the agency. */
  terminalTransfer: (transferId: string) => key(`TTRANSFER#${transferId}`, '#TRANSFER'),
  /** REG-08: a registry record's change history, newest last by instant. */
  audit: (entity: string, id: string, at: string, n: string) => key(`AUDIT#${entity}#${id}`, `${at}#${n}`),
  auditPartition: (entity: string, id: string) => `AUDIT#${entity}#${id}`,
  /** api.md: the first answer of a creating registry call, replayed to its retries (TTL 1 day). */
  idempotency: (scope: string, idempotencyKey: string) => key(`IDEM#${scope}#${idempotencyKey}`, '#IDEM'),
  /** REG-08: what a registry write changed of the payment path's caches, by the host's wall clock. */
  registryFeed: (shard: number, wallMs: number, id: string) => key(`REGFEED#${shard}`, `${String(wallMs).padStart(15, '0')}#${id}`),
  registryFeedPartition: (shard: number) => `REGFEED#${shard}`,
  registryFeedFrom: (wallMs: number) => String(Math.max(0, wallMs)).padStart(15, '0'),
  /** A step of a fan-out job that must be taken once (e.g. a shard's continuation). */
  jobStep: (job: string, step: string) => key(`JOB#${job}`, step),
};

export const gsi1 = {
  recipientShard: (recipientId: string) => ({ GSI1PK: `RCPTS#${String(shardOf(recipientId)).padStart(2, '0')}`, GSI1SK: `RCPT#${recipientId}` }),
  recipientShardPk: (shard: number) => `RCPTS#${String(shard).padStart(2, '0')}`,
  ofProvider: (providerId: string, what: 'WORKER' | 'TERM' | 'CONTRACT', id: string) => ({ GSI1PK: `PROV#${providerId}`, GSI1SK: `${what}#${id}` }),
  /** PAY-11: a provider's refunds. */
  providerRefund: (providerId: string, requestedAt: string, refundId: string) => ({ GSI1PK: `PROVREFUND#${providerId}`, GSI1SK: `${requestedAt}#${refundId}` }),
  providerRefundPk: (providerId: string) => `PROVREFUND#${providerId}`,
  /** TIME-03: an open session by the day and instant it expires (sparse: removed when it closes or expires). */
  openSessionExpiry: (expiresAt: string, sessionId: string) => ({ GSI1PK: `OPENSESSIONS#${expiresAt.slice(0, 10)}`, GSI1SK: `${expiresAt}#${sessionId}` }),
  openSessionsOf: (expiryDate: string) => `OPENSESSIONS#${expiryDate}`,
  providerShard: (providerId: string) => ({ GSI1PK: `PROVIDERS#${String(shardOf(providerId)).padStart(2, '0')}`, GSI1SK: providerId }),
  providerShardPk: (shard: number) => `PROVIDERS#${String(shard).padStart(2, '0')}`,
  providerPayout: (providerId: string, payDate: string, payoutId: string) => ({ GSI1PK: `PROVPAYOUT#${providerId}`, GSI1SK: `${payDate}#${payoutId}` }),
  providerPayoutPk: (providerId: string) => `PROVPAYOUT#${providerId}`,
  /** All deposit accounts (PO-06) and all current delays: few items, one partition each. */
  depositAccount: (municipalityCode: string, programCode: string) => ({ GSI1PK: 'DEPOSITS', GSI1SK: `${municipalityCode}#${programCode}` }),
  depositAccountsPk: 'DEPOSITS',
  delay: (providerId: string, programCode: string, municipalityCode: string) => ({ GSI1PK: 'DELAYS', GSI1SK: `${providerId}#${programCode}#${municipalityCode}` }),
  delaysPk: 'DELAYS',
  cmsFile: (transferDate: string) => ({ GSI1PK: 'CMSFILES', GSI1SK: transferDate }),
  /** Sparse, beside `openBucket`: a deposit's open buckets across its providers (PO-03). */
  openDepositBucket: (municipalityCode: string, programCode: string, day: string, providerId: string) => ({ GSI1PK: `OPENDEPOSIT#${municipalityCode}#${programCode}`, GSI1SK: `${day}#${providerId}` }),
  openDepositBucketPk: (municipalityCode: string, programCode: string) => `OPENDEPOSIT#${municipalityCode}#${programCode}`,
  cmsFilesPk: 'CMSFILES',
  providerClaim: (providerId: string, filedAt: string, claimId: string) => ({ GSI1PK: `PROVCLAIM#${providerId}`, GSI1SK: `${filedAt}#${claimId}` }),
  providerClaimPk: (providerId: string) => `PROVCLAIM#${providerId}`,
  /** REG-03: terminal transfers by state, oldest request first (the agency's queue). */
  terminalTransfer: (state: string, requestedAt: string, transferId: string) => ({ GSI1PK: `TTRANSFERS#${state}`, GSI1SK: `${requestedAt}#${transferId}` }),
  terminalTransfersPk: (state: string) => `TTRANSFERS#${state}`,
  /** A provider's holds by payment date. */
  providerHold: (providerId: string, paymentDate: string, holdId: string) => ({ GSI1PK: `PROVHOLD#${providerId}`, GSI1SK: `${paymentDate}#${holdId}` }),
  providerHoldPk: (providerId: string) => `PROVHOLD#${providerId}`,
};

export const gsi2 = {
  person: (rrnHash: string, what: 'RCPT' | 'WORKER', id: string) => ({ GSI2PK: `PERSON#${rrnHash}`, GSI2SK: `${what}#${id}` }),
  personPk: (rrnHash: string) => `PERSON#${rrnHash}`,
  personRecipientPrefix: 'RCPT#',
  /** VCH-03: the contracts of a municipality's recipients (the unused-contract list). */
  municipalityContract: (municipalityCode: string, contractId: string) => ({ GSI2PK: `MUNICONTRACT#${municipalityCode}`, GSI2SK: contractId }),
  municipalityContractPk: (municipalityCode: string) => `MUNICONTRACT#${municipalityCode}`,
  /** Every hold of one payment date, for the agency's and municipalities' lists. */
  holdDay: (paymentDate: string, holdId: string) => ({ GSI2PK: `HOLDDAY#${paymentDate}`, GSI2SK: holdId }),
  holdDayPk: (paymentDate: string) => `HOLDDAY#${paymentDate}`,
  /** Sparse: present while a bucket has something unpaid or unrecovered. */
  openBucket: (providerId: string, programCode: string, day: string, municipalityCode: string) => ({ GSI2PK: `OPENLEDGER#${providerId}#${programCode}`, GSI2SK: `${day}#${municipalityCode}` }),
  openBucketPk: (providerId: string, programCode: string) => `OPENLEDGER#${providerId}#${programCode}`,
  payDay: (payDate: string, payoutId: string) => ({ GSI2PK: `PAYDAY#${payDate}`, GSI2SK: payoutId }),
  payDayPk: (payDate: string) => `PAYDAY#${payDate}`,
};

/** `2026-03` → `095685`: later months give smaller strings, so they sort first. */
function newestFirst(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return String((9999 - y) * 12 + (12 - m)).padStart(6, '0');
}

/** A stable shard for an id: the same recipient always lands in the same shard. */
export function shardOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % RECIPIENT_SHARDS;
}
