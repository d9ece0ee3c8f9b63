/** REG-05 cards: issue (agency), report loss (municipality of the recipient, agency), replace (agency). */
import { issueCard as issue, replaceCard as replace, reportCardLoss } from '../../domain/registry/cards';
import { cardIssue, cardReplacement, noBody, paths } from '../../events/registry';
import { route } from '../shared/http';
import { actorOf, answer, deps } from './common';

export const issueCard = route({ roles: ['agency'], body: cardIssue }, async ({ body, principal }) =>
  answer(await issue(await deps(), actorOf(principal), body), 'card issued', { recipientId: body.recipientId }),
);

export const reportLoss = route({ roles: ['municipality', 'agency'], body: noBody, path: paths.card }, async ({ path, principal }) =>
  answer(await reportCardLoss(await deps(), actorOf(principal), path.cardNumber!), 'card reported lost', {}),
);

export const replaceCard = route({ roles: ['agency'], body: cardReplacement, path: paths.card }, async ({ body, path, principal }) =>
  answer(await replace(await deps(), actorOf(principal), path.cardNumber!, body.newCardNumber), 'card replaced', {}),
);
