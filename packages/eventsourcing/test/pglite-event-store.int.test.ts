import { PGlite } from '@electric-sql/pglite';
import { PostgresEventStore, pgliteDatabase } from '../src/index.js';
import { describeEventStoreContract } from './support/event-store-contract.js';

describeEventStoreContract('PGlite (embedded)', async () => {
  const store = await PostgresEventStore.open(pgliteDatabase(await PGlite.create()));
  return { store, cleanup: () => store.close() };
});
