import { createTestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '../src/index.js';
import { describeEventStoreContract } from './support/event-store-contract.js';

describeEventStoreContract('PostgreSQL (pg)', async () => {
  const database = await createTestDatabase('es-contract-pg');
  const store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
  return {
    store,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
});
