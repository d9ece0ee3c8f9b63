/**
 * REG-01 provider records (제공기관 정보 수정) and payout accounts (CMS-04). The provider edits its
 * contact fields; identity fields change only through the municipality that registered it or
 * the agency, and so does the payout account. A changed account makes the amounts the bank
 * refused on the old one payable again: the payout run pays a refused account only once it
 * differs (domain/settlement/payouts.ts), so the next ad-hoc run pays.
 */
import { formatKst } from '../shared/calendar';
import { auditEntry } from './audit';
import { type Changed, changeWith, type ProviderRecord, type RegistryActor, type RegistryDeps, refuse, type Versioned } from './changes';
import type { PayoutAccount } from './entities';

/** What the provider itself may change (REG-01). */
export const PROVIDER_EDITABLE = ['profitType', 'phone', 'fax', 'homepage', 'email'] as const;
/** What the registering municipality or the agency may change besides. */
export const IDENTITY_EDITABLE = ['name', 'representative', 'address'] as const;

export type ProviderPatch = Partial<Record<(typeof PROVIDER_EDITABLE)[number] | (typeof IDENTITY_EDITABLE)[number], string>> & Record<string, unknown>;

const unknownProvider = (providerId: string) => refuse('NOT_FOUND', 'REG-01', `provider ${providerId} not found`);

/** The provider as the actor may change it, or the refusal: a provider only itself, a municipality only those it registered. */
async function providerFor(deps: RegistryDeps, actor: RegistryActor, providerId: string): Promise<Versioned<ProviderRecord> | ReturnType<typeof refuse>> {
  if (actor.role === 'provider' && actor.providerId !== providerId) return unknownProvider(providerId);
  const found = await deps.port.provider(providerId);
  if (!found) return unknownProvider(providerId);
  if (actor.role === 'municipality' && found.value.municipalityCode !== actor.municipalityCode)
    return refuse('NOT_REGISTERING_MUNICIPALITY', 'REG-01', 'only the municipality that registered the provider (or the agency) changes it');
  return found;
}

const isRefusal = (x: unknown): x is ReturnType<typeof refuse> => (x as { ok?: boolean }).ok === false;

/** `PATCH /v1/providers/{providerId}`: the fields named, each checked against who may change it. */
export async function patchProvider(deps: RegistryDeps, actor: RegistryActor, providerId: string, patch: ProviderPatch): Promise<Changed<ProviderRecord>> {
  const allowed: readonly string[] = actor.role === 'provider' ? PROVIDER_EDITABLE : [...PROVIDER_EDITABLE, ...IDENTITY_EDITABLE];
  const refused = Object.keys(patch).filter((k) => !allowed.includes(k));
  if (refused.length) return refuse('FIELD_NOT_EDITABLE', 'REG-01', `${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not editable by a ${actor.role}`);
  return changeWith(deps, async () => {
    const found = await providerFor(deps, actor, providerId);
    if (isRefusal(found)) return { answer: found };
    const value: ProviderRecord = { ...found.value, ...(patch as Partial<ProviderRecord>) };
    if (JSON.stringify(value) === JSON.stringify(found.value)) return { answer: { ok: true, status: 200, body: found.value } };
    return {
      change: { writes: [{ kind: 'provider', value, expected: found.version }], audit: [auditEntry('provider', providerId, 'UPDATED', actor, formatKst(deps.now()), found.value, value)] },
      answer: { ok: true, status: 200, body: value },
    };
  });
}

/** `PUT /v1/providers/{providerId}/accounts/{programCode}` (CMS-04): the account of one program. */
export async function changePayoutAccount(deps: RegistryDeps, actor: RegistryActor, providerId: string, account: PayoutAccount): Promise<Changed<PayoutAccount & { providerId: string }>> {
  if (actor.role !== 'municipality' && actor.role !== 'agency') return refuse('FIELD_NOT_EDITABLE', 'REG-01', 'the payout account is changed by the registering municipality or the agency');
  if (!(await deps.port.programExists(account.programCode))) return refuse('UNKNOWN_PROGRAM', 'REG-01', `program ${account.programCode} does not exist`);
  return changeWith(deps, async () => {
    const found = await providerFor(deps, actor, providerId);
    if (isRefusal(found)) return { answer: found };
    const body = { providerId, ...account };
    const current = found.value.accounts.find((a) => a.programCode === account.programCode);
    if (current && current.bankCode === account.bankCode && current.accountNumber === account.accountNumber && current.holder === account.holder) return { answer: { ok: true, status: 200, body } };
    const value: ProviderRecord = { ...found.value, accounts: [...found.value.accounts.filter((a) => a.programCode !== account.programCode), account].sort((a, b) => a.programCode.localeCompare(b.programCode)) };
    return {
      change: { writes: [{ kind: 'provider', value, expected: found.version }], audit: [auditEntry('provider', providerId, 'ACCOUNT_CHANGED', actor, formatKst(deps.now()), { account: current ?? null }, { account })] },
      answer: { ok: true, status: 200, body },
    };
  });
}
