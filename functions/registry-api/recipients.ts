/** REG-04 recipients (대상자 선정, 자격, 서비스 중지) and REG-06 grade changes, by the municipality or the agency. */
import * as use from '../../domain/registry/recipients';
import { eligibility, gradeChange, paths, recipientRegistration, suspension } from '../../events/registry';
import { route } from '../shared/http';
import { actorOf, answer, deps } from './common';

const roles = ['municipality', 'agency'] as const;

export const registerRecipient = route({ roles: [...roles], body: recipientRegistration }, async ({ body, principal }) =>
  answer(await use.registerRecipient(await deps(), actorOf(principal), body), 'recipient selected', { recipientId: body.recipientId }),
);

export const addEligibility = route({ roles: [...roles], body: eligibility, path: paths.recipient }, async ({ body, path, principal }) =>
  answer(await use.addEligibility(await deps(), actorOf(principal), path.recipientId!, body), 'eligibility added', { recipientId: path.recipientId! }),
);

export const changeGrade = route({ roles: [...roles], body: gradeChange, path: paths.recipient }, async ({ body, path, principal }) =>
  answer(await use.changeGrade(await deps(), actorOf(principal), path.recipientId!, body), 'grade changed', { recipientId: path.recipientId! }),
);

export const suspendService = route({ roles: [...roles], body: suspension, path: paths.recipient }, async ({ body, path, principal }) =>
  answer(await use.suspendService(await deps(), actorOf(principal), path.recipientId!, body), 'service suspended', { recipientId: path.recipientId! }),
);
