/**
 * Registry self-service (api.md "Registry API"): terminals (REG-03), cards (REG-05), provider
 * records and payout accounts (REG-01, CMS-04), and the change history (REG-08). The decisions
 * are domain/registry/{terminals,cards,providers}.ts; each route file parses, names the actor
 * and answers.
 */
import { dispatch } from '../shared/http';
import * as cards from './cards';
import * as providers from './providers';
import { routes } from './routes';
import * as terminals from './terminals';

export { routes };
export const handler = dispatch(routes, { ...terminals, ...cards, ...providers });
