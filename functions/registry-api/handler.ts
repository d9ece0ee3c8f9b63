/**
 * Registry self-service (api.md "Registry API"): recipients (REG-04/06), contracts (REG-04,
 * VCH-03/05), workers (REG-02), terminals (REG-03), cards (REG-05), provider records and payout
 * accounts (REG-01, CMS-04), and the change history (REG-08). The decisions
 * are domain/registry/*.ts; each route file parses, names the actor
 * and answers.
 */
import { dispatch } from '../shared/http';
import * as cards from './cards';
import * as contracts from './contracts';
import * as providers from './providers';
import * as recipients from './recipients';
import { routes } from './routes';
import * as terminals from './terminals';
import * as workers from './workers';

export { routes };
export const handler = dispatch(routes, { ...terminals, ...cards, ...providers, ...recipients, ...contracts, ...workers });
