// The audit's group commit on a real PostgreSQL event store: concurrent requests' records are
// appended together while an append is in flight, every record of every request is committed
// before its `record` resolves, and a failed append fails the requests of its batch only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore, postgresDatabase, START, type SqlDatabase } from '@carenet/eventsourcing';
import type { AuditedAccess, Principal } from '@carenet/fhir';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import type { Task } from 'fhir/r4.js';
import {
  ACCESS_AUDIT_CATEGORY,
  eventStoreAccessAudit,
  IDENTIFIER_SYSTEMS,
  type Actor,
} from '../src/index.js';

const nurse: Actor = {
  kind: 'professional',
  identifier: { system: IDENTIFIER_SYSTEMS.idnps, value: '810000000042' },
  profession: {
    system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
    code: '60',
  },
  sector: 'primary-care',
};
const principal: Principal = { actor: nurse, allows: () => true };

/** The accesses of request `request`: `hits` Tasks of one patient each. */
const accessesOf = (request: number, hits: number): AuditedAccess[] =>
  Array.from({ length: hits }, (_, hit) => {
    const resource: Task = {
      resourceType: 'Task',
      id: `t-${request}-${hit}`,
      status: 'requested',
      intent: 'order',
      for: {
        identifier: {
          system: IDENTIFIER_SYSTEMS.ins,
          value: `27903512151${String(request).padStart(4, '0')}`,
        },
      },
    };
    return { action: 'search', resource, outcome: 'permitted', reason: 'a hit' };
  });

describe('the audit of accesses, appended by group commit (PostgreSQL)', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('access-audit-group-commit');
    db = postgresDatabase({ connectionString: database.url });
    store = await PostgresEventStore.open(db);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  async function recorded(): Promise<{ streams: number; ids: string[] }> {
    const events = [];
    for (let from = START; ;) {
      const batch = await store.readAll(from, { categories: [ACCESS_AUDIT_CATEGORY], limit: 1_000 });
      if (batch.events.length === 0) break;
      events.push(...batch.events);
      from = batch.next;
    }
    return {
      streams: new Set(events.map((e) => e.streamId)).size,
      ids: events.map((e) => (e.data as { entity: { id: string } }).entity.id).sort(),
    };
  }

  it('commits every request before it resolves, many requests to an append under concurrency', async () => {
    const audit = eventStoreAccessAudit({ store, serviceOf: () => 'tasks' });
    const requests = 200;
    let resolvedBeforeCommit = 0;
    await Promise.all(
      Array.from({ length: requests }, async (_, request) => {
        await audit.record(principal, accessesOf(request, 3));
        // Resolved: its records are in the log.
        const events = await store.readAll(START, { categories: [ACCESS_AUDIT_CATEGORY], limit: 100_000 });
        const ids = new Set(events.events.map((e) => (e.data as { entity: { id: string } }).entity.id));
        if (![0, 1, 2].every((hit) => ids.has(`t-${request}-${hit}`))) resolvedBeforeCommit++;
      }),
    );
    expect(resolvedBeforeCommit).toBe(0);
    const { streams, ids } = await recorded();
    expect(ids).toHaveLength(requests * 3);
    expect(new Set(ids).size).toBe(requests * 3);
    // The first request appends alone; those that arrived meanwhile share the next appends.
    expect(streams).toBeLessThan(requests / 4);
    expect(streams).toBeGreaterThan(1);
  });

  it('fails the requests of a failed append, and records the next ones', async () => {
    let failNext = true;
    const failing: PostgresEventStore = Object.create(store) as PostgresEventStore;
    failing.append = (...args: Parameters<PostgresEventStore['append']>) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('the database went away'));
      }
      return store.append(...args);
    };
    const audit = eventStoreAccessAudit({ store: failing, serviceOf: () => 'tasks' });
    const before = (await recorded()).ids.length;
    await expect(audit.record(principal, accessesOf(9_001, 1))).rejects.toThrow('the database went away');
    await audit.record(principal, accessesOf(9_002, 2));
    const after = await recorded();
    expect(after.ids.length - before).toBe(2);
    expect(after.ids).not.toContain('t-9001-0');
  });
});
