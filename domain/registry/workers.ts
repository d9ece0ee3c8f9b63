/**
 * REG-02 workers as a provider keeps them (제공인력 관리): registration with a system-assigned
 * 8-digit worker payment ID, termination per program or of all programs at once (일괄 해지) —
 * the date defaults to today and is never before the contract's start; the worker's payments are
 * refused from the day after. Another provider's worker is answered as unknown.
 */
import { formatKst, type IsoDate, kstDate } from '../shared/calendar';
import type { Page } from '../shared/ports';
import { auditEntry } from './audit';
import { type Changed, changeWith, type RegistryActor, type RegistryDeps, refuse, replayOf, type WorkerRecord } from './changes';
import type { WorkerContract } from './entities';
import { maskRrn, parseRrn } from './identity';

export interface WorkerRegistration {
  workerId: string;
  name: string;
  rrn: string;
  phone?: string | undefined;
  contracts: { programCode: string; from: IsoDate }[];
}

/** A worker is active while one of its program contracts runs today or later. */
export function workerStatus(worker: Pick<WorkerRecord, 'contracts'>, today: IsoDate): 'ACTIVE' | 'TERMINATED' {
  return worker.contracts.some((c) => c.to === null || c.to >= today) ? 'ACTIVE' : 'TERMINATED';
}

/** `POST /v1/workers`: idempotent on the worker id; the payment ID is the system's (REG-02). */
export async function registerWorker(deps: RegistryDeps, actor: RegistryActor, request: WorkerRegistration): Promise<Changed<WorkerRecord>> {
  const rrn = parseRrn(request.rrn);
  if (!rrn) return refuse('INVALID_RRN', 'REG-07', 'the resident registration number is not of the form YYMMDD-GNNNNNN with a real birth date');
  const programs = new Set<string>();
  for (const c of request.contracts) {
    if (programs.has(c.programCode)) return refuse('DUPLICATE_CONTRACT', 'REG-02', `one contract per program: ${c.programCode} is named twice`);
    if (!(await deps.port.programExists(c.programCode))) return refuse('UNKNOWN_PROGRAM', 'REG-02', `program ${c.programCode} does not exist`);
    programs.add(c.programCode);
  }
  const scope = `worker#${actor.providerId}`;
  const requestHash = deps.hash({ ...request, rrn: rrn.canonical });
  return changeWith(deps, async () => {
    const existing = await deps.port.workerRecord(request.workerId);
    if (existing) {
      if (existing.value.providerId !== actor.providerId) return { answer: refuse('WORKER_ID_TAKEN', 'REG-02', `worker id ${request.workerId} is taken`) };
      const replay = await replayOf<WorkerRecord>(deps, scope, request.workerId, requestHash);
      return { answer: replay ?? refuse('IDEMPOTENCY_CONFLICT', 'REG-08', `worker ${request.workerId} already exists`) };
    }
    const value: WorkerRecord = {
      workerId: request.workerId,
      providerId: actor.providerId!,
      name: request.name,
      rrnMasked: maskRrn(rrn.canonical),
      ...(request.phone ? { phone: request.phone } : {}),
      workerPaymentId: await deps.port.nextWorkerPaymentId(),
      contracts: [...request.contracts].sort((a, b) => a.programCode.localeCompare(b.programCode)).map((c) => ({ programCode: c.programCode, from: c.from, to: null })),
    };
    return {
      change: {
        writes: [{ kind: 'worker', value, expected: null, rrn: rrn.canonical }],
        audit: [auditEntry('worker', value.workerId, 'REGISTERED', actor, formatKst(deps.now()), null, value)],
        remember: { scope, key: request.workerId, requestHash, status: 201, body: value },
      },
      answer: { ok: true, status: 201, body: value },
    };
  });
}

/**
 * `POST /v1/workers/{id}/terminate` (계약해지 / 일괄 해지): the program's contract, or every running
 * one, ends on the date (today when none is given). A contract already ended by then keeps its
 * end; a retry finds the same ends and changes nothing.
 */
export async function terminateWorker(deps: RegistryDeps, actor: RegistryActor, workerId: string, request: { programCode: string | null; on: IsoDate | null }): Promise<Changed<WorkerRecord>> {
  const on = request.on ?? kstDate(deps.now());
  return changeWith(deps, async () => {
    const found = await deps.port.workerRecord(workerId);
    if (!found || found.value.providerId !== actor.providerId) return { answer: refuse('NOT_FOUND', 'REG-02', `worker ${workerId} not found`) };
    const named = found.value.contracts.filter((c) => request.programCode === null || c.programCode === request.programCode);
    if (!named.length) return { answer: refuse('NOTHING_TO_TERMINATE', 'REG-02', request.programCode ? `the worker has no contract for ${request.programCode}` : 'the worker has no contract') };
    const ending = named.filter((c) => c.to === null || c.to > on);
    const early = ending.find((c) => on < c.from);
    if (early) return { answer: refuse('TERMINATION_BEFORE_START', 'REG-02', `the ${early.programCode} contract starts on ${early.from}; it cannot end before`) };
    if (!ending.length) return { answer: { ok: true, status: 200, body: found.value } };
    const contracts: WorkerContract[] = found.value.contracts.map((c) => (ending.includes(c) ? { ...c, to: on } : c));
    const value: WorkerRecord = { ...found.value, contracts };
    return {
      change: { writes: [{ kind: 'worker', value, expected: found.version }], audit: [auditEntry('worker', workerId, request.programCode ? 'TERMINATED' : 'ALL_TERMINATED', actor, formatKst(deps.now()), found.value, value)] },
      answer: { ok: true, status: 200, body: value },
    };
  });
}

/**
 * `GET /v1/workers?status=` (provider): its workers, RRN masked, each with its status today; every
 * worker shown is recorded in the access log first (REG-07).
 */
export async function listWorkers(
  deps: RegistryDeps,
  actor: RegistryActor,
  query: { status?: 'ACTIVE' | 'TERMINATED' | undefined; limit: number; nextToken?: string | undefined },
  requestId: string,
): Promise<Page<WorkerRecord & { status: 'ACTIVE' | 'TERMINATED' }>> {
  const page = await deps.port.providerWorkers(actor.providerId!, query.limit, query.nextToken);
  const today = kstDate(deps.now());
  const items = page.items.map((w) => ({ ...w, status: workerStatus(w, today) })).filter((w) => !query.status || w.status === query.status);
  const at = formatKst(deps.now());
  for (const w of items) {
    await deps.accessLog.record({ subjectType: 'WORKER', subjectId: w.workerId, actor: actor.sub, actorRole: actor.role, ...(actor.providerId ? { actorScope: actor.providerId } : {}), action: 'READ', at, requestId });
  }
  return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
