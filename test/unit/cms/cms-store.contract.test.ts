/** The CMS file store's contract on the in-memory fake. */
import { cmsStoreContract } from '../../contracts/cms-store';
import { InMemoryCmsStore } from '../../fakes/cms-store';

cmsStoreContract('in memory', async () => new InMemoryCmsStore());
