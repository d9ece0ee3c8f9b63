/**
 * Screening and holds end to end through the HTTP API of the local stack (domain.md §5):
 * payments → outbox → screening queue → holds → provider workflow with an evidence upload →
 * agency review; cancellations, late evidence (SCR-05), manual holds (HOLD-03) and a poison
 * message on the screening queue.
 */
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/shared/dynamo/client';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/servers';
import { TABLE_NAME } from '../../infra/local/stack';
import { QUEUES } from '../../infra/system';
import { importDocument } from '../support/fixtures';
import { E2eWorld } from '../support/world';

let sqs: SQSClient;
let db: ReturnType<typeof documentClient>;
const errors: string[] = [];

const world = new E2eWorld();
const { call, tokens } = world;
const setNow = (instant: string) => world.setNow(instant);
const drain = () => world.drain();
const pay = (i: number, start: string, day?: string) => world.pay(i, start, day);
const cancel = async (approval: string) => {
  const { businessNumber, phone } = world.terminal;
  const res = await world.terminalFetch()('POST', `/v1/terminal/payments/${approval}/cancel`, { transactionId: `C-${approval}`, businessNumber, terminalPhone: phone });
  expect(res.status).toBe(200);
};
const holdsOf = async (query = '', token = tokens.provider!) => (await call('GET', `/v1/holds?from=2026-03-01&to=2026-03-31${query}`, undefined, token)).body.items as any[];
const holdOf = async (approval: string, rule: string) => (await call('GET', `/v1/holds/H${approval}-${rule.replace('-', '')}`, undefined, tokens.agency)).body;
const paymentItem = async (approval: string) => ((await db.send(new ScanCommand({ TableName: TABLE_NAME }))).Items ?? []).find((i) => i.type === 'Payment' && i.approvalNumber === approval)!;

beforeAll(async () => {
  // Card 13's holder lives in 11110; every other in 44130 (issue 15 §2).
  const document = (n: number) => {
    const doc = importDocument(n);
    doc.recipients[12]!.municipalityCode = '11110';
    return doc;
  };
  await world.start({ cards: 14, at: '2026-03-10T09:00:00+09:00', document, onError: (m, e) => errors.push(`${m}: ${String(e)}`) });
  sqs = new SQSClient({ endpoint: process.env.SQS_ENDPOINT, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  db = documentClient({ region: LOCAL_REGION, endpoint: process.env.DYNAMODB_ENDPOINT });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  db?.destroy();
  await world.stop();
});

describe('SCR-01 through the API, and what a cancellation releases', () => {
  const approvals: string[] = [];

  it('SCR-01 holds both payments of a pair, each with the other as evidence, and keeps them out of payment (holdsOpen)', async () => {
    await setNow('2026-03-10T10:00:00+09:00');
    approvals.push(await pay(1, '09:00'));
    await setNow('2026-03-10T10:05:00+09:00');
    approvals.push(await pay(2, '09:30')); // service overlaps the first (30 min apart)
    await setNow('2026-03-10T10:10:00+09:00');
    approvals.push(await pay(3, '10:00')); // approved 5 minutes after the second
    await drain();
    const [p1, p2, p3] = approvals as [string, string, string];
    const h1 = await holdOf(p1, 'SCR-01');
    const h2 = await holdOf(p2, 'SCR-01');
    const h3 = await holdOf(p3, 'SCR-01');
    expect(h1).toMatchObject({ state: 'UNPROCESSED', ruleId: 'SCR-01', ruleVersion: 1, amount: 36_000, providerId: 'P0001', decision: null, evidence: [expect.objectContaining({ kind: 'PAYMENT', approvalNumber: p2, match: 'SAME_WORKER', reason: 'SERVICE_TIMES_OVERLAP' })] });
    expect(h2.evidence.map((e: { approvalNumber: string }) => e.approvalNumber).sort()).toEqual([p1, p3].sort());
    expect(h3.evidence).toEqual([expect.objectContaining({ approvalNumber: p2, reason: 'SERVICE_TIMES_OVERLAP' })]);
    expect(h1.groupKey).toBe(h2.groupKey);
    for (const a of approvals) expect(await paymentItem(a)).toMatchObject({ holdsOpen: 1 });
  }, 30_000);

  it('a cancellation voids the cancelled payment\'s hold and drops it as evidence, releasing only holds left with none', async () => {
    const [p1, p2, p3] = approvals as [string, string, string];
    await cancel(p3);
    await drain();
    expect(await holdOf(p3, 'SCR-01')).toMatchObject({ state: 'VOIDED', voidReason: 'PAYMENT_CANCELLED' });
    const h2 = await holdOf(p2, 'SCR-01');
    expect(h2).toMatchObject({ state: 'UNPROCESSED' }); // still has p1
    expect(h2.evidence.map((e: { approvalNumber: string }) => e.approvalNumber)).toEqual([p1]);
    expect(await holdOf(p1, 'SCR-01')).toMatchObject({ state: 'UNPROCESSED' });

    await cancel(p1);
    await drain();
    expect(await holdOf(p1, 'SCR-01')).toMatchObject({ state: 'VOIDED', voidReason: 'PAYMENT_CANCELLED' });
    expect(await holdOf(p2, 'SCR-01')).toMatchObject({ state: 'VOIDED', voidReason: 'EVIDENCE_CANCELLED', evidence: [] });
    expect(await paymentItem(p2)).toMatchObject({ holdsOpen: 0 });
  }, 30_000);

  it('a payment cancelled before it is screened is held by nothing', async () => {
    await setNow('2026-03-10T12:00:00+09:00');
    const a = await pay(4, '12:00');
    const b = await pay(5, '12:00');
    await cancel(b);
    await drain();
    // a's partner was cancelled: whichever order screening saw them in, nothing stays open.
    const open = (await holdsOf('&state=UNPROCESSED')).filter((h) => [a, b].includes(h.approvalNumber));
    expect(open).toEqual([]);
    expect((await paymentItem(a)).holdsOpen ?? 0).toBe(0);
  }, 30_000);
});

describe('SCR-02 hold through the provider workflow and the agency review', () => {
  let approval: string;
  let holdId: string;

  it('SCR-02 holds a session payment approved at night', async () => {
    await setNow('2026-03-10T23:30:00+09:00');
    approval = await pay(6, '23:00');
    await drain();
    const list = await holdsOf('&ruleId=SCR-02');
    expect(list).toEqual([expect.objectContaining({ approvalNumber: approval, ruleId: 'SCR-02', state: 'UNPROCESSED', evidence: [{ kind: 'NIGHT_WINDOW', approvedAtKst: '2026-03-10T23:30:00+09:00', window: '23:00-06:00' }] })]);
    holdId = list[0].holdId;
    expect(await holdsOf('&ruleId=SCR-02', tokens.other)).toEqual([]);
    expect((await call('GET', `/v1/holds/${holdId}`, undefined, tokens.other)).status).toBe(404);
  }, 30_000);

  it('uploads evidence with a pre-signed PUT limited to images or PDF of at most 4 MB, and submits it', async () => {
    const docs = (body: unknown, token = tokens.provider) => call('POST', `/v1/holds/${holdId}/documents`, body, token);
    expect((await docs({ fileName: 'a.html', contentType: 'text/html', size: 10 })).body.error).toMatchObject({ code: 'DOCUMENT_TYPE_NOT_ALLOWED' });
    expect((await docs({ fileName: 'a.png', contentType: 'image/png', size: 4 * 1024 * 1024 + 1 })).status).toBe(422);
    expect((await docs({ fileName: 'a.png', contentType: 'image/png', size: 100 }, tokens.agency)).status).toBe(403);

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(96, 1)]);
    const issued = await docs({ fileName: '근무일지.png', contentType: 'image/png', size: png.length });
    expect(issued.status).toBe(201);
    const { documentKey, upload } = issued.body;
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/png', 'content-length': String(png.length) } });
    const signed = new URL(upload.url).searchParams.get('X-Amz-SignedHeaders')!.split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    expect(new URL(upload.url).searchParams.has('x-amz-checksum-crc32')).toBe(false);

    // Submitting before the upload is refused; nothing moves.
    const early = await call('POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [holdId], comment: '근무일지 첨부', documentKeys: [documentKey] }, tokens.provider);
    expect(early.body.error).toMatchObject({ code: 'DOCUMENT_NOT_UPLOADED' });
    const put = await fetch(upload.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png });
    expect(put.status).toBe(200);

    expect((await call('POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [holdId], comment: '', documentKeys: [documentKey] }, tokens.provider)).status).toBe(400);
    expect((await call('POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [holdId], comment: '근무일지' }, tokens.provider)).status).toBe(400);
    const submitted = await call('POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [holdId], comment: '야간 근무 일지 첨부', documentKeys: [documentKey] }, tokens.provider);
    expect(submitted.status).toBe(200);
    expect(submitted.body.items[0]).toMatchObject({ state: 'DOCUMENTS_SUBMITTED', submittedDocumentKeys: [documentKey], documents: [expect.objectContaining({ documentKey, contentType: 'image/png', size: png.length })] });
  }, 30_000);

  it('a document swapped after it was announced (other size or type) is refused at submission', async () => {
    // The agency asks for more; the provider announces a PDF but stores something else under its key.
    expect((await call('POST', `/v1/holds/${holdId}/review`, { state: 'SUPPLEMENT_REQUESTED', reason: '서명 누락' }, tokens.agency)).body).toMatchObject({ state: 'SUPPLEMENT_REQUESTED' });
    const issued = await call('POST', `/v1/holds/${holdId}/documents`, { fileName: 'sign.pdf', contentType: 'application/pdf', size: 1000 }, tokens.provider);
    const wrong = await fetch(issued.body.upload.url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: Buffer.alloc(5 * 1024 * 1024) });
    expect(wrong.status).toBe(200); // the local S3 does not check signatures; AWS would refuse this upload
    const refused = await call('POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [holdId], comment: '서명본', documentKeys: [issued.body.documentKey] }, tokens.provider);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toMatch(/DOCUMENT_TOO_LARGE|DOCUMENT_MISMATCH/);
    expect(await holdOf(approval, 'SCR-02')).toMatchObject({ state: 'SUPPLEMENT_REQUESTED' });
  }, 30_000);

  it('the agency reviews and decides PAY with a reason: the hold is released on its payment (HOLD-02); later moves answer 409', async () => {
    const review = (body: unknown, token = tokens.agency) => call('POST', `/v1/holds/${holdId}/review`, body, token);
    expect((await review({ state: 'REVIEWED', decision: 'PAY', reason: 'ok' }, tokens.provider)).status).toBe(403);
    expect((await review({ state: 'REVIEWED', reason: '확인' })).status).toBe(400); // decision missing
    expect((await review({ state: 'UNDER_REVIEW' })).body.error).toMatchObject({ code: 'ILLEGAL_TRANSITION' }); // from SUPPLEMENT_REQUESTED
    const decided = await review({ state: 'REVIEWED', decision: 'PAY', reason: '야간 돌봄 계약 확인' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ state: 'REVIEWED', decision: 'PAY', decisionReason: '야간 돌봄 계약 확인', releasedAt: expect.any(String) });
    expect(decided.body.history.map((h: { to: string }) => h.to)).toEqual(['UNPROCESSED', 'DOCUMENTS_SUBMITTED', 'SUPPLEMENT_REQUESTED', 'REVIEWED']);
    expect(await paymentItem(approval)).toMatchObject({ holdsOpen: 0 });

    const again = await review({ state: 'REVIEWED', decision: 'NO_PAY', reason: '번복' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'ILLEGAL_TRANSITION' } } });
    const withdraw = await call('POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [holdId], comment: '철회' }, tokens.provider);
    expect(withdraw.status).toBe(409);
    expect(await holdOf(approval, 'SCR-02')).toMatchObject({ state: 'REVIEWED', decision: 'PAY' });
  }, 30_000);
});

describe('HOLD-01 batch actions', () => {
  it('withdraws holds of one event together, refuses holds of different events together and changes nothing', async () => {
    await setNow('2026-03-11T10:00:00+09:00');
    const a = await pay(7, '10:00');
    await setNow('2026-03-11T10:03:00+09:00');
    const b = await pay(8, '10:30');
    await setNow('2026-03-11T23:40:00+09:00');
    const night = await pay(9, '23:30');
    await drain();
    const ha = `H${a}-SCR01`;
    const hb = `H${b}-SCR01`;
    const hn = `H${night}-SCR02`;
    const mixed = await call('POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [ha, hn], comment: '철회' }, tokens.provider);
    expect(mixed).toMatchObject({ status: 422, body: { error: { code: 'HOLDS_NOT_RELATED', details: { rule: 'HOLD-01' } } } });
    expect(await holdOf(a, 'SCR-01')).toMatchObject({ state: 'UNPROCESSED' });
    expect((await call('POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [ha, hb], comment: '철회' }, tokens.other)).status).toBe(404);

    const done = await call('POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [ha, hb], comment: '중복 결제 확인, 청구 철회' }, tokens.provider);
    expect(done.status).toBe(200);
    expect(done.body.items.map((h: { state: string }) => h.state)).toEqual(['WITHDRAWN', 'WITHDRAWN']);
    // Withdrawn: not paid, reported as recovered (HOLD-02), and final.
    expect(await paymentItem(a)).toMatchObject({ holdsOpen: 0, holdsDenied: 1 });
    expect((await call('POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [ha], comment: 'x', documentKeys: ['k'] }, tokens.provider)).status).toBe(409);
    expect((await holdsOf('&state=WITHDRAWN')).map((h) => h.holdId).sort()).toEqual([ha, hb].sort());
  }, 30_000);
});

describe('SCR-03/04/05 evidence feeds', () => {
  it('a late death record holds the person\'s unpaid payments after it; unknown RRNs are counted; bad records change nothing', async () => {
    await setNow('2026-03-11T16:00:00+09:00');
    const paidOut = await pay(10, '16:00', '2026-03-11');
    await setNow('2026-03-12T10:00:00+09:00');
    const before = await pay(10, '10:00', '2026-03-12');
    await drain();
    // The first one's day was already paid out (as a payout run leaves its bucket: all of it settled): SCR-05 leaves it alone.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await db.send(new UpdateCommand({ TableName: TABLE_NAME, Key: { PK: 'LEDGER#P0001#COMMUNITY', SK: '2026-03-11#44130' }, UpdateExpression: 'SET lastSettledAt = :at, settled = approved, unsettled = :zero', ExpressionAttributeValues: { ':at': '2026-03-12T06:00:00+09:00', ':zero': 0 } }));
    expect((await holdsOf('&ruleId=SCR-03')).length).toBe(0);

    const bad = await call('POST', '/v1/feeds/deaths', { records: [{ rrn: '150402-4000010', deathDate: '2026-03-11' }, { rrn: '991399-1234567', deathDate: '2026-03-11' }] }, tokens.agency);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: { fields: [{ path: 'records.1.rrn' }] } } } });
    expect((await call('POST', '/v1/feeds/deaths', { records: [{ rrn: '150402-4000010', deathDate: '2026-03-11' }] }, tokens.provider)).status).toBe(403);
    await drain();
    expect((await holdsOf('&ruleId=SCR-03')).length).toBe(0);

    const fed = await call('POST', '/v1/feeds/deaths', { records: [{ rrn: '150402-4000010', deathDate: '2026-03-11' }, { rrn: '800101-1999999', deathDate: '2026-03-01' }] }, tokens.agency);
    expect(fed).toMatchObject({ status: 200, body: { received: 2, matched: 1, unknown: 1 } });
    await drain();
    const held = await holdOf(before, 'SCR-03');
    expect(held).toMatchObject({ state: 'UNPROCESSED', ruleId: 'SCR-03', evidence: [{ kind: 'DEATH_RECORD', person: 'RECIPIENT', personId: 'R0010', deathDate: '2026-03-11' }] });
    expect(JSON.stringify(held)).not.toContain('4000010');
    expect((await call('GET', `/v1/holds/H${paidOut}-SCR03`, undefined, tokens.agency)).status).toBe(404);
    const stored = JSON.stringify((await db.send(new ScanCommand({ TableName: TABLE_NAME }))).Items);
    expect(stored).not.toContain('150402-4000010');
    expect(stored).not.toContain('1504024000010');

    // Sent again: nothing more.
    expect((await call('POST', '/v1/feeds/deaths', { records: [{ rrn: '1504024000010', deathDate: '2026-03-11' }] }, tokens.agency)).status).toBe(200);
    await drain();
    expect((await holdsOf('&ruleId=SCR-03')).length).toBe(1);
  }, 30_000);

  it('a departure without re-entry holds payments from then on (SCR-04), screened live once the record is known', async () => {
    const fed = await call('POST', '/v1/feeds/immigration', { records: [{ rrn: '150402-4000011', direction: 'DEPARTURE', date: '2026-03-12' }] }, tokens.agency);
    expect(fed.body).toMatchObject({ matched: 1 });
    await drain();
    await setNow('2026-03-13T10:00:00+09:00');
    const abroad = await pay(11, '10:00', '2026-03-13');
    await drain();
    expect(await holdOf(abroad, 'SCR-04')).toMatchObject({ state: 'UNPROCESSED', evidence: [{ kind: 'IMMIGRATION_RECORD', person: 'RECIPIENT', personId: 'R0011', departedOn: '2026-03-12', returnedOn: null }] });
  }, 30_000);
});

describe('HOLD-03 manual holds', () => {
  it('a municipality holds payments of its recipients (reason OTHER), all or none', async () => {
    await setNow('2026-03-13T15:00:00+09:00');
    const a = await pay(12, '15:00', '2026-03-13');
    await drain();
    const body = { providerId: 'P0001', approvalNumbers: [a], comment: '현장 점검 대상' };
    expect((await call('POST', '/v1/holds', body, tokens.elsewhere)).status).toBe(404);
    expect((await call('POST', '/v1/holds', body, tokens.provider)).status).toBe(403);
    const placed = await call('POST', '/v1/holds', body, tokens.city);
    expect(placed).toMatchObject({ status: 201, body: { items: [expect.objectContaining({ holdId: `H${a}-HOLD03`, ruleId: 'HOLD-03', state: 'UNPROCESSED' })] } });
    const twice = await call('POST', '/v1/holds', body, tokens.city);
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_HELD', details: { rule: 'HOLD-03' } } } });
    expect(await paymentItem(a)).toMatchObject({ holdsOpen: 1 });
    expect((await holdsOf('&ruleId=HOLD-03', tokens.city)).map((h) => h.holdId)).toEqual([`H${a}-HOLD03`]);
    expect(await holdsOf('&ruleId=HOLD-03', tokens.elsewhere)).toEqual([]);
  }, 30_000);
});

describe('screening queue failures', () => {
  it('a poison message lands in the DLQ after the configured receives while the rest of its batch succeeds', async () => {
    const urls = world.stack.queues.urls;
    const good = {
      version: 1, event: 'PAYMENT_APPROVED', approvalNumber: '26031399999999', providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: 'R0999', workerId: 'W0999',
      workerPaymentId: '20000999', municipalityCode: '44130', channel: 'TERMINAL', kind: 'NORMAL', amount: 1000, serviceDate: '2026-03-13', serviceStartAt: null,
      approvedAt: '2026-03-13T16:00:00+09:00', occurredAt: '2026-03-13T16:00:00+09:00',
    };
    await sqs.send(new SendMessageBatchCommand({
      QueueUrl: urls.screening,
      Entries: [
        { Id: 'good', MessageBody: JSON.stringify(good) },
        { Id: 'poison', MessageBody: '{"version":1,"event":"PAYMENT_APPROVED","approvalNumber":"not-a-number"}' },
      ],
    }));
    const deadline = Date.now() + 60_000;
    let inDlq = 0;
    while (Date.now() < deadline) {
      const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: world.stack.queues.dlqUrls.screening, AttributeNames: ['ApproximateNumberOfMessages'] }));
      inDlq = Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
      if (inDlq > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(inDlq).toBe(1);
    await drain();
    // The good message of the batch was screened once, not failed with its neighbour.
    const indexed = ((await db.send(new ScanCommand({ TableName: TABLE_NAME }))).Items ?? []).filter((i) => i.type === 'ScreeningIndex' && i.approvalNumber === '26031399999999');
    expect(indexed).toHaveLength(2);
    expect(errors.filter((e) => e.includes('consumer of screening'))).toEqual([]); // partial failures, never a failed batch
    expect(QUEUES.screening.maxReceiveCount).toBe(5);
  }, 70_000);
});

describe('SCR-01 evidence stays in its tenancy (issue 15 §2)', () => {
  it('a pair across municipalities: each municipality sees its own payment\'s hold, and the other payment only as "a payment of another municipality"', async () => {
    await setNow('2026-03-14T11:00:00+09:00');
    const there = await pay(13, '10:00'); // a recipient of 11110
    await setNow('2026-03-14T11:05:00+09:00');
    const here = await pay(14, '10:30'); // a recipient of 44130, by the same worker: the sessions overlap
    await drain();
    const foreign = { kind: 'PAYMENT', of: 'ANOTHER_MUNICIPALITY', description: 'a payment of another municipality', match: 'SAME_WORKER', reason: 'SERVICE_TIMES_OVERLAP' };
    const read = async (approval: string, token: string) => (await call('GET', `/v1/holds/H${approval}-SCR01`, undefined, token)).body;
    for (const [approval, other, city] of [[here, there, tokens.city], [there, here, tokens.elsewhere]] as const) {
      const hold = await read(approval, city);
      expect(hold.evidence).toEqual([foreign]);
      expect(JSON.stringify(hold)).not.toContain(other);
      const listed = (await holdsOf('&ruleId=SCR-01', city)).find((h) => h.approvalNumber === approval);
      expect(listed.evidence).toEqual([foreign]);
      // The provider of both, and the agency, see the other payment itself.
      for (const token of [tokens.provider, tokens.agency]) expect((await read(approval, token)).evidence).toEqual([expect.objectContaining({ kind: 'PAYMENT', approvalNumber: other, approvedAt: expect.any(String) })]);
    }
    // Neither municipality sees the other's hold at all.
    expect((await call('GET', `/v1/holds/H${there}-SCR01`, undefined, tokens.city)).status).toBe(404);
  }, 30_000);
});
