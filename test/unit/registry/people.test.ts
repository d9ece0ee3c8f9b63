/** REG-07 a person's record for staff, on the registry fake: masked, logged before it is shown, never probed. */
import { beforeAll, describe, expect, it } from 'vitest';
import { importRegistry } from '../../../domain/registry/import';
import { type PersonReader, readPerson } from '../../../domain/registry/people';
import { importEnvelope, parseImportRecords } from '../../../events/import';
import { InMemoryRegistry } from '../../fakes/registry-store';
import { importDocument } from '../../support/fixtures';

const registry = new InMemoryRegistry();
const deps = { people: registry, clock: { now: () => new Date('2026-03-10T10:00:00+09:00') } };
const reader = (role: string, scope: string | undefined, mayRead: PersonReader['mayRead']): PersonReader => ({ sub: `u-${scope ?? role}`, role, scope, mayRead });

beforeAll(async () => {
  const { parsed, issues } = parseImportRecords(importEnvelope.parse(importDocument(2)));
  expect((await importRegistry(parsed, registry, '2026-03-01', issues)).rejected).toEqual([]);
});

describe('REG-07 readPerson', () => {
  it('shows the RRN masked and records the read first, with the reader\'s scope', async () => {
    const seen: unknown[] = [];
    const provider = reader('provider', 'P0001', async (owner, hasContract) => (seen.push(owner), hasContract()));
    const read = await readPerson(deps, provider, { type: 'RECIPIENT', id: 'R0001' }, 'req-1');
    expect(read).toMatchObject({ ok: true, person: { recipientId: 'R0001', rrn: '150402-4******', municipalityCode: '44130' } });
    expect(JSON.stringify(read)).not.toMatch(/rrnMasked|1504024000001/);
    expect(seen).toEqual([{ municipalityCode: '44130' }]);
    expect(await registry.accessesOf('RECIPIENT', 'R0001')).toEqual([{ subjectType: 'RECIPIENT', subjectId: 'R0001', actor: 'u-P0001', actorRole: 'provider', actorScope: 'P0001', action: 'READ', at: '2026-03-10T10:00:00+09:00', requestId: 'req-1' }]);
  });

  it('a worker is judged by its provider; unknown and not-yours are alike FORBIDDEN for all but the agency, and nothing is logged', async () => {
    const seen: unknown[] = [];
    const other = reader('provider', 'P0002', (owner) => (seen.push(owner), false));
    expect(await readPerson(deps, other, { type: 'WORKER', id: 'W0001' }, 'req-2')).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN', rule: 'REG-07' } });
    expect(seen).toEqual([{ providerId: 'P0001' }]);
    expect(await readPerson(deps, other, { type: 'WORKER', id: 'W9999' }, 'req-3')).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN' } });
    expect(await registry.accessesOf('WORKER', 'W0001')).toEqual([]);
    const agency = reader('agency', undefined, () => true);
    expect(await readPerson(deps, agency, { type: 'WORKER', id: 'W9999' }, 'req-4')).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND', message: 'worker not found' } });
    expect(await readPerson(deps, agency, { type: 'RECIPIENT', id: 'R9999' }, 'req-5')).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND', message: 'recipient not found' } });
    expect(await readPerson(deps, agency, { type: 'WORKER', id: 'W0001' }, 'req-6')).toMatchObject({ ok: true, person: { workerId: 'W0001', rrn: '850101-1******' } });
    expect(await registry.accessesOf('WORKER', 'W0001')).toEqual([expect.objectContaining({ actor: 'u-agency', requestId: 'req-6' })]);
    expect((await registry.accessesOf('WORKER', 'W0001'))[0]).not.toHaveProperty('actorScope');
  });
});
