/**
 * The evidence store's contract (SCR-03/04/05): deaths and movements per person, and the keyed
 * RRN look-up. One suite, run against the in-memory fake and the DynamoDB adapter.
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import type { EvidencePort, PersonRef } from '../../domain/screening/ports';

export interface EvidenceStoreUnderTest {
  evidence: EvidencePort;
  /** Registers a person under a look-up hash, as the registry import does. */
  person(hash: string, ref: PersonRef): Promise<void>;
}

let n = 0;
const at = '2026-03-20T10:00:00+09:00';

export function evidenceStoreContract(name: string, make: () => Promise<EvidenceStoreUnderTest>) {
  contractSuite(`evidence store contract: ${name}`, make, (t) => {
    const ref = (personKind: PersonRef['personKind'] = 'RECIPIENT'): PersonRef => ({ personKind, personId: `EV${String(++n).padStart(6, '0')}` });

    it('SCR-03: a later death record replaces the earlier (corrections win); nobody else is touched', async () => {
      const [a, b] = [ref(), ref('WORKER')];
      await t.evidence.recordDeath(a, '2026-03-01', at);
      await t.evidence.recordDeath(a, '2026-02-27', at);
      expect(await t.evidence.people([a, b])).toEqual([
        { ...a, deathDate: '2026-02-27', movements: [] },
        { ...b, deathDate: null, movements: [] },
      ]);
    });

    it('SCR-04: the same movement twice is one movement', async () => {
      const a = ref();
      await t.evidence.recordMovement(a, '2026-03-01', 'DEPARTURE', at);
      await t.evidence.recordMovement(a, '2026-03-01', 'DEPARTURE', at);
      await t.evidence.recordMovement(a, '2026-03-09', 'ENTRY', at);
      const [e] = await t.evidence.people([a]);
      expect(e!.movements.sort((x, y) => x.date.localeCompare(y.date))).toEqual([{ date: '2026-03-01', direction: 'DEPARTURE' }, { date: '2026-03-09', direction: 'ENTRY' }]);
    });

    it('a look-up hash names every person registered under it (a person may be recipient and worker)', async () => {
      const hash = `hash-${++n}`;
      const [r, w] = [ref(), ref('WORKER')];
      await t.person(hash, r);
      await t.person(hash, w);
      expect((await t.evidence.peopleByRrnHash(hash)).sort((x, y) => x.personKind.localeCompare(y.personKind))).toEqual([r, w]);
      expect(await t.evidence.peopleByRrnHash(`hash-unknown-${n}`)).toEqual([]);
    });
  });
}
