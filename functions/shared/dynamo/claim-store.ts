/**
 * Exception claims (EXC-01/02/03): a claim with its session taken once (a lock item written in
 * the same transaction, conditioned on the day's voucher having no payment that date), its
 * decision with the day bucket that pays it, and what a claim is checked against.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { formatKst, monthOf } from '../../../domain/shared/calendar';
import { type Claim, type ClaimDecision, claimHistoryEntry, type ClaimPort } from '../../../domain/payments/claims';
import type { Contract } from '../../../domain/registry/entities';
import type { Page, PageRequest } from '../../../domain/shared/ports';
import { queryAll, type TransactItem, transactWrite } from './batch';
import { readCatalog } from './catalog';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, keys } from './keys';
import { decodeToken, pageOf } from './pagination';
import { bucketUpdate } from './ledger-store';

/** Conditions spelled once. */
const conditions = {
  /** A claim id is filed once; a session is claimed once. */
  newClaim: 'attribute_not_exists(PK)',
  /** EXC-03: the voucher of the service month has no payment on the service date (or no voucher). */
  dayUnpaid: 'attribute_not_exists(PK) OR NOT contains(paidDays, :day)',
  /** A claim the provider withdraws is its own and still received. */
  ownReceived: '#st = :received AND providerId = :provider',
  /** EXC-02: a claim is decided once, from RECEIVED. */
  undecided: '#st = :received',
} as const;

/** Positions in the save transaction. */
const SAVE = { claim: 0, session: 1, voucher: 2 } as const;

/** EXC-03: a session is a recipient × service type × service start. */
const sessionKey = (c: Pick<Claim, 'recipientId' | 'serviceCode' | 'serviceStartAt'>) => keys.claimSession(c.recipientId, c.serviceCode, formatKst(new Date(c.serviceStartAt)));

export class DynamoClaimStore implements ClaimPort {
  constructor(private readonly table: Table) {}

  async serviceType(serviceCode: string) {
    const catalog = await readCatalog(this.table);
    const serviceType = catalog.serviceTypes.get(serviceCode);
    const program = serviceType ? catalog.programs.get(serviceType.programCode) : undefined;
    return { serviceType, programKind: program?.kind, ...(program?.time ? { timeTerms: program.time } : {}) };
  }

  async save(claim: Claim): Promise<{ kind: 'saved' } | { kind: 'taken'; claim: Claim } | { kind: 'paid' }> {
    const cancelled = await transactWrite(this.table.doc, [
      { Put: { TableName: this.table.name, Item: { ...keys.claim(claim.claimId), type: 'Claim', ...claim, ...gsi1.providerClaim(claim.providerId, claim.filedAt, claim.claimId) }, ConditionExpression: conditions.newClaim } },
      { Put: { TableName: this.table.name, Item: { ...sessionKey(claim), type: 'ClaimSession', claimId: claim.claimId }, ConditionExpression: conditions.newClaim, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      { ConditionCheck: { TableName: this.table.name, Key: keys.voucher(claim.recipientId, monthOf(claim.serviceDate), claim.serviceCode), ConditionExpression: conditions.dayUnpaid, ExpressionAttributeValues: { ':day': claim.serviceDate } } },
    ]);
    if (cancelled === null) return { kind: 'saved' };
    if (cancelled.failed(SAVE.session)) {
      const held = await this.claim(cancelled.oldItem(SAVE.session)!.claimId as string);
      if (held) return { kind: 'taken', claim: held };
    }
    if (cancelled.failed(SAVE.voucher)) return { kind: 'paid' };
    throw new Error(`claim ${claim.claimId}: its id was taken; file it again`);
  }

  async withdraw(claim: Claim, at: string, by: string): Promise<boolean> {
    return (await transactWrite(this.table.doc, [
      {
        Update: {
          TableName: this.table.name, Key: keys.claim(claim.claimId),
          UpdateExpression: 'SET #st = :withdrawn, decidedAt = :at, decidedBy = :by', ConditionExpression: conditions.ownReceived,
          ExpressionAttributeNames: { '#st': 'state' }, ExpressionAttributeValues: { ':withdrawn': 'WITHDRAWN', ':received': 'RECEIVED', ':provider': claim.providerId, ':at': at, ':by': by },
        },
      },
      { Delete: { TableName: this.table.name, Key: sessionKey(claim) } },
    ])) === null;
  }

  async claim(claimId: string): Promise<Claim | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.claim(claimId), ConsistentRead: true }));
    return out.Item ? entityOf<Claim>(out.Item) : null;
  }

  async ofProvider(providerId: string, page: PageRequest): Promise<Page<Claim>> {
    const out = await this.table.doc.send(new QueryCommand({ TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.providerClaimPk(providerId) }, ScanIndexForward: false, Limit: page.limit, ExclusiveStartKey: decodeToken(page.nextToken, gsi1.providerClaimPk(providerId)) }));
    return pageOf((out.Items ?? []).map((i) => entityOf<Claim>(i)), out.LastEvaluatedKey);
  }

  /** EXC-02: the decision, and on approval the amount due on its day bucket, in one transaction. */
  async decide(claim: Claim, decision: ClaimDecision): Promise<boolean> {
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table.name,
          Key: keys.claim(claim.claimId),
          UpdateExpression: `SET #st = :st, decidedAt = :at, decidedBy = :by${decision.decisionReason ? ', decisionReason = :reason' : ''}${decision.payableOn ? ', payableOn = :on' : ''}`,
          ConditionExpression: conditions.undecided,
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: {
            ':st': decision.state, ':received': 'RECEIVED', ':at': decision.decidedAt, ':by': decision.decidedBy,
            ...(decision.decisionReason ? { ':reason': decision.decisionReason } : {}), ...(decision.payableOn ? { ':on': decision.payableOn } : {}),
          },
        },
      },
    ];
    if (decision.state === 'APPROVED') {
      items.push(bucketUpdate(this.table.name, { providerId: claim.providerId, programCode: claim.programCode, municipalityCode: claim.municipalityCode, day: decision.payableOn! }, { claims: claim.amount }));
      const entry = claimHistoryEntry(claim, decision.decidedAt!);
      items.push({ Put: { TableName: this.table.name, Item: { ...keys.claimHistory(claim.providerId, entry.approvalDate, claim.claimId), type: 'ClaimHistory', ...entry } } });
    }
    return (await transactWrite(this.table.doc, items)) === null;
  }

  /** What a claim is checked against: the recipient with its contracts, the worker, and the voucher's paid days. */
  async context(recipientId: string, workerId: string, voucher: { serviceCode: string; month: string }) {
    const [recipientItems, worker, month] = await Promise.all([
      queryAll(this.table.doc, { TableName: this.table.name, KeyConditionExpression: 'PK = :pk AND SK < :upper', ExpressionAttributeValues: { ':pk': keys.recipientPartition(recipientId), ':upper': keys.recipientRegistryUpperBound } }),
      this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.worker(workerId) })),
      this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.voucher(recipientId, voucher.month, voucher.serviceCode), ProjectionExpression: 'paidDays' })),
    ]);
    const paid = month.Item?.paidDays;
    const profile = recipientItems.find((i) => i.type === 'Recipient');
    return {
      recipient: profile ? { municipalityCode: profile.municipalityCode as string } : null,
      contracts: recipientItems.filter((i) => i.type === 'Contract').map((i) => entityOf<Contract>(i)),
      worker: worker.Item ? { providerId: worker.Item.providerId as string, contracts: (worker.Item.contracts as { programCode: string; from: string; to: string | null }[]) ?? [] } : null,
      paidDays: paid instanceof Set ? [...(paid as Set<string>)] : [],
    };
  }
}
