// The gateway while its PostgreSQL is down: every FHIR request answers 503 with an
// OperationOutcome (issue code transient) and Retry-After, never a 500 and never a crash; once
// the server is back, the same process serves again without a restart.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import {
  createRunDirectory,
  postgresClusterControl,
  startPostgresCluster,
  type PostgresCluster,
  type PostgresClusterControl,
  type RunDirectory,
} from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

describe('the gateway while its PostgreSQL is down', () => {
  let run: RunDirectory;
  let cluster: PostgresCluster;
  let control: PostgresClusterControl;
  let db: SqlDatabase;
  let gateway: InProcessGateway;
  const escaped: unknown[] = [];
  const onEscaped = (error: unknown) => escaped.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', onEscaped);
    process.on('unhandledRejection', onEscaped);
    // A cluster of its own: stopping it must not disturb the other test files.
    run = createRunDirectory();
    const say = (line: string) => process.stderr.write(`[database-down] ${line}\n`);
    cluster = await startPostgresCluster(run, say);
    control = postgresClusterControl(run, say);
    db = postgresDatabase({ connectionString: cluster.url, max: 4, connectionTimeoutMs: 2_000 });
    gateway = await startInProcessGateway(db);
  });

  afterAll(async () => {
    await gateway.close();
    await db.close();
    cluster.stop();
    run.remove();
    process.off('uncaughtException', onEscaped);
    process.off('unhandledRejection', onEscaped);
  });

  it('answers 503 + Retry-After while it is down, and serves again once it is back', async () => {
    const created = await gateway.createTask();
    expect(created.status).toBe(201);
    const id = String(created.body.id);

    await control.stopFast();
    for (const answer of [
      await gateway.call('GET', `Task/${id}`),
      await gateway.call('GET', 'Task?status=requested'),
      await gateway.createTask(),
    ]) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('2');
      expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(answer.body).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'transient' }],
      });
      // Nothing of the driver (the server's address) reaches the client.
      expect(JSON.stringify(answer.body)).not.toContain(new URL(cluster.url).port);
    }
    // One line per refused request for ops, with the driver's words, not an "unhandled error".
    const refused = gateway.logLines.filter(
      (l) => l.msg === 'database unavailable: answered 503 with Retry-After',
    );
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(gateway.logLines.filter((l) => l.msg === 'unhandled error in a FHIR request')).toEqual([]);

    await control.start();
    const read = await gateway.call('GET', `Task/${id}`);
    expect(read.status).toBe(200);
    expect((await gateway.createTask()).status).toBe(201);
    expect(escaped).toEqual([]);
  });
});
