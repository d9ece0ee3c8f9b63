/**
 * REG-03 terminals, as a provider keeps them (단말기 등록·해지·명의변경, 스마트폰 등록·해지): register
 * with a secret shown once, cancel (the number of a smartphone is free again), match workers,
 * transfer a dedicated terminal to another provider with the agency's approval, re-key.
 * A terminal of another provider is answered as unknown (404), except where registering one
 * must say it is taken.
 */
import { formatKst } from '../shared/calendar';
import { auditEntry } from './audit';
import { type Changed, changeWith, type RegistryActor, type RegistryChange, type RegistryDeps, refuse, replayOf, type TerminalRecord, type TerminalTransfer, type Versioned } from './changes';
import type { TerminalKind } from './entities';

export interface TerminalRegistration {
  serial: string;
  phone: string;
  model: string;
  kind: TerminalKind;
  workerId: string | null;
}

/** A terminal as its provider sees it (`TerminalRecord`, never a secret), plus the secret at registration only. */
export type RegisteredTerminal = TerminalRecord & { secret: string };

const ownTerminal = async (deps: RegistryDeps, actor: RegistryActor, serial: string): Promise<Versioned<TerminalRecord> | null> => {
  const found = await deps.port.terminal(serial);
  return found && found.value.providerId === actor.providerId ? found : null;
};

const unknownTerminal = (serial: string) => refuse('NOT_FOUND', 'REG-03', `terminal ${serial} not found`);

/** The workers named must be this provider's (REG-03); a smartphone is one worker's. */
async function checkWorkers(deps: RegistryDeps, actor: RegistryActor, kind: TerminalKind, workerIds: string[]) {
  if (kind === 'SMARTPHONE' && workerIds.length !== 1)
    return workerIds.length === 0 ? refuse('WORKER_REQUIRED', 'REG-03', 'a smartphone is registered to one worker') : refuse('SMARTPHONE_ONE_WORKER', 'REG-03', 'a smartphone is registered to one worker only');
  for (const workerId of workerIds) {
    const worker = await deps.port.worker(workerId);
    if (!worker || worker.providerId !== actor.providerId) return refuse('UNKNOWN_WORKER', 'REG-03', `worker ${workerId} is not a worker of this provider`);
  }
  return null;
}

/** `POST /v1/terminals`: a new or a cancelled one of this provider's serials; retried with the same body, the same answer. */
export async function registerTerminal(deps: RegistryDeps, actor: RegistryActor, request: TerminalRegistration): Promise<Changed<RegisteredTerminal>> {
  const scope = `terminal#${actor.providerId}`;
  const requestHash = deps.hash(request);
  return changeWith(deps, async () => {
    const existing = await deps.port.terminal(request.serial);
    if (existing && existing.value.providerId !== actor.providerId)
      return { answer: refuse('TERMINAL_OF_ANOTHER_PROVIDER', 'REG-03', `terminal ${request.serial} belongs to another provider`) };
    // A registration is remembered under the version it started from, so that a cancelled terminal
    // registers again with another body, while a retry of the registration that made the terminal
    // (it is still at the version that registration wrote) answers the same.
    if (existing && existing.value.status === 'ACTIVE') {
      const replay = await replayOf<RegisteredTerminal>(deps, scope, `${request.serial}#${existing.version - 1}`, requestHash);
      return { answer: replay ?? refuse('TERMINAL_ALREADY_REGISTERED', 'REG-03', `terminal ${request.serial} is already registered and active`) };
    }
    const workerIds = request.workerId ? [request.workerId] : [];
    const bad = await checkWorkers(deps, actor, request.kind, workerIds);
    if (bad) return { answer: bad };
    const secret = deps.newSecret();
    const at = formatKst(deps.now());
    const value: TerminalRecord = { serial: request.serial, phone: request.phone, providerId: actor.providerId!, model: request.model, kind: request.kind, status: 'ACTIVE', workerIds, rekeyRequired: false, pendingTransferId: null };
    const body: RegisteredTerminal = { ...value, secret };
    const previousPhone = existing && existing.value.kind === 'SMARTPHONE' && existing.value.phone !== request.phone ? existing.value.phone : null;
    const change: RegistryChange = {
      writes: [{ kind: 'terminal', value, expected: existing ? existing.version : null, secret }],
      claims: request.kind === 'SMARTPHONE' ? [{ kind: 'smartphone', value: request.phone, owner: actor.providerId! }] : [],
      releases: previousPhone ? [{ kind: 'smartphone', value: previousPhone, owner: actor.providerId! }] : [],
      audit: [auditEntry('terminal', request.serial, existing ? 'REREGISTERED' : 'REGISTERED', actor, at, existing?.value ?? null, value)],
      remember: { scope, key: `${request.serial}#${existing ? existing.version : 0}`, requestHash, status: 201, body },
    };
    return { change, answer: { ok: true, status: 201, body } };
  });
}

/** `POST /v1/terminals/{serial}/cancel` (해지): a cancelled terminal pays nothing; a smartphone's number is released. */
export async function cancelTerminal(deps: RegistryDeps, actor: RegistryActor, serial: string): Promise<Changed<TerminalRecord>> {
  return changeWith(deps, async () => {
    const found = await ownTerminal(deps, actor, serial);
    if (!found) return { answer: unknownTerminal(serial) };
    if (found.value.status === 'CANCELLED') return { answer: { ok: true, status: 200, body: found.value } };
    if (found.value.pendingTransferId) return { answer: refuse('TRANSFER_PENDING', 'REG-03', 'the terminal has a transfer waiting for the agency') };
    const value: TerminalRecord = { ...found.value, status: 'CANCELLED' };
    const change: RegistryChange = {
      writes: [{ kind: 'terminal', value, expected: found.version }],
      releases: value.kind === 'SMARTPHONE' ? [{ kind: 'smartphone', value: value.phone, owner: value.providerId }] : [],
      audit: [auditEntry('terminal', serial, 'CANCELLED', actor, formatKst(deps.now()), found.value, value)],
    };
    return { change, answer: { ok: true, status: 200, body: value } };
  });
}

/** `PUT /v1/terminals/{serial}/workers` (단말기-제공인력 매칭). */
export async function matchTerminalWorkers(deps: RegistryDeps, actor: RegistryActor, serial: string, workerIds: string[]): Promise<Changed<TerminalRecord>> {
  const wanted = [...new Set(workerIds)].sort();
  return changeWith(deps, async () => {
    const found = await ownTerminal(deps, actor, serial);
    if (!found) return { answer: unknownTerminal(serial) };
    if (found.value.status !== 'ACTIVE') return { answer: refuse('TERMINAL_CANCELLED', 'REG-03', 'a cancelled terminal is matched to nobody') };
    const bad = await checkWorkers(deps, actor, found.value.kind, wanted);
    if (bad) return { answer: bad };
    if (JSON.stringify([...found.value.workerIds].sort()) === JSON.stringify(wanted)) return { answer: { ok: true, status: 200, body: found.value } };
    const value: TerminalRecord = { ...found.value, workerIds: wanted };
    const change: RegistryChange = { writes: [{ kind: 'terminal', value, expected: found.version }], audit: [auditEntry('terminal', serial, 'WORKERS_MATCHED', actor, formatKst(deps.now()), found.value, value)] };
    return { change, answer: { ok: true, status: 200, body: value } };
  });
}

/** `POST /v1/terminals/{serial}/rekey`: a new secret, shown once; the old one stops working. */
export async function rekeyTerminal(deps: RegistryDeps, actor: RegistryActor, serial: string, idempotencyKey?: string): Promise<Changed<{ serial: string; secret: string }>> {
  const scope = `rekey#${actor.providerId}`;
  const requestHash = deps.hash({ serial });
  if (idempotencyKey) {
    const replay = await replayOf<{ serial: string; secret: string }>(deps, scope, idempotencyKey, requestHash);
    if (replay) return replay;
  }
  return changeWith(deps, async () => {
    const found = await ownTerminal(deps, actor, serial);
    if (!found) return { answer: unknownTerminal(serial) };
    if (found.value.status !== 'ACTIVE') return { answer: refuse('TERMINAL_CANCELLED', 'REG-03', 'a cancelled terminal is registered again, not re-keyed') };
    const secret = deps.newSecret();
    const value: TerminalRecord = { ...found.value, rekeyRequired: false };
    const body = { serial, secret };
    const change: RegistryChange = {
      writes: [{ kind: 'terminal', value, expected: found.version, secret }],
      audit: [auditEntry('terminal', serial, 'REKEYED', actor, formatKst(deps.now()), found.value, value)],
      ...(idempotencyKey ? { remember: { scope, key: idempotencyKey, requestHash, status: 200, body } } : {}),
    };
    return { change, answer: { ok: true, status: 200, body } };
  });
}

/** `POST /v1/terminals/{serial}/transfer` (명의변경 신청): a dedicated terminal, to a provider named by business number. */
export async function requestTransfer(deps: RegistryDeps, actor: RegistryActor, serial: string, toBusinessNumber: string, idempotencyKey?: string): Promise<Changed<TerminalTransfer>> {
  const scope = `transfer#${actor.providerId}`;
  const requestHash = deps.hash({ serial, toBusinessNumber });
  if (idempotencyKey) {
    const replay = await replayOf<TerminalTransfer>(deps, scope, idempotencyKey, requestHash);
    if (replay) return replay;
  }
  return changeWith(deps, async () => {
    const found = await ownTerminal(deps, actor, serial);
    if (!found) return { answer: unknownTerminal(serial) };
    if (found.value.kind !== 'DEDICATED') return { answer: refuse('TRANSFER_DEDICATED_ONLY', 'REG-03', 'only a dedicated terminal changes hands; a smartphone is cancelled and registered again') };
    if (found.value.status !== 'ACTIVE') return { answer: refuse('TERMINAL_CANCELLED', 'REG-03', 'a cancelled terminal cannot be transferred') };
    if (found.value.pendingTransferId) return { answer: refuse('TRANSFER_PENDING', 'REG-03', 'the terminal already has a transfer waiting for the agency') };
    const toProviderId = await deps.port.providerIdByBusinessNumber(toBusinessNumber);
    if (!toProviderId) return { answer: refuse('UNKNOWN_PROVIDER', 'REG-03', 'no provider has this business registration number') };
    if (toProviderId === actor.providerId) return { answer: refuse('TRANSFER_TO_ITSELF', 'REG-03', 'the terminal already belongs to this provider') };
    const at = formatKst(deps.now());
    const transfer: TerminalTransfer = { transferId: deps.newId('TT'), serial, fromProviderId: actor.providerId!, toProviderId, toBusinessNumber, state: 'REQUESTED', requestedAt: at, requestedBy: actor.sub };
    const value: TerminalRecord = { ...found.value, pendingTransferId: transfer.transferId };
    const change: RegistryChange = {
      writes: [{ kind: 'terminal', value, expected: found.version }, { kind: 'terminalTransfer', value: transfer, expected: null }],
      audit: [auditEntry('terminalTransfer', transfer.transferId, 'REQUESTED', actor, at, null, transfer), auditEntry('terminal', serial, 'TRANSFER_REQUESTED', actor, at, found.value, value)],
      ...(idempotencyKey ? { remember: { scope, key: idempotencyKey, requestHash, status: 202, body: transfer } } : {}),
    };
    return { change, answer: { ok: true, status: 202, body: transfer } };
  });
}

/**
 * `POST /v1/terminal-transfers/{id}/approve` · `…/reject` (agency). On approval the terminal is
 * the receiver's, matched to nobody, and without a working secret until the receiver re-keys it.
 * A decided transfer answers its decision again; the other decision is refused.
 */
export async function decideTransfer(deps: RegistryDeps, actor: RegistryActor, transferId: string, approve: boolean, reason?: string): Promise<Changed<TerminalTransfer>> {
  const state = approve ? 'APPROVED' : 'REJECTED';
  return changeWith(deps, async () => {
    const found = await deps.port.terminalTransfer(transferId);
    if (!found) return { answer: refuse('NOT_FOUND', 'REG-03', `transfer ${transferId} not found`) };
    if (found.value.state === state) return { answer: { ok: true, status: 200, body: found.value } };
    if (found.value.state !== 'REQUESTED') return { answer: refuse('INVALID_STATE', 'REG-03', `the transfer is already ${found.value.state}`) };
    const terminal = await deps.port.terminal(found.value.serial);
    if (!terminal) return { answer: refuse('NOT_FOUND', 'REG-03', `terminal ${found.value.serial} not found`) };
    const at = formatKst(deps.now());
    const transfer: TerminalTransfer = { ...found.value, state, decidedAt: at, decidedBy: actor.sub, ...(reason ? { reason } : {}) };
    const value: TerminalRecord = approve
      ? { ...terminal.value, providerId: transfer.toProviderId, workerIds: [], rekeyRequired: true, pendingTransferId: null }
      : { ...terminal.value, pendingTransferId: null };
    const change: RegistryChange = {
      writes: [
        { kind: 'terminalTransfer', value: transfer, expected: found.version },
        { kind: 'terminal', value, expected: terminal.version, ...(approve ? { secret: null } : {}) },
      ],
      audit: [auditEntry('terminalTransfer', transferId, state, actor, at, found.value, transfer), auditEntry('terminal', transfer.serial, approve ? 'TRANSFERRED' : 'TRANSFER_REJECTED', actor, at, terminal.value, value)],
    };
    return { change, answer: { ok: true, status: 200, body: transfer } };
  });
}
