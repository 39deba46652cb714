// Malformed input through the gateway's real services (issue 15): each one answers a 4xx
// OperationOutcome, with X-Content-Type-Options: nosniff and Cache-Control: no-store, nothing
// logged at error level and nothing stored; a narrative against R4's txt-1 is a 422.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { encodeCursor } from '@carenet/fhir';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  startInProcessGateway,
  type FhirAnswer,
  type InProcessGateway,
} from './support/in-process-gateway.js';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const XHTML = 'http://www.w3.org/1999/xhtml';

describe('malformed input through the gateway', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;
  let created: FhirAnswer;
  let task: Record<string, unknown>;
  let id: string;

  beforeAll(async () => {
    database = await createTestDatabase('gateway-malformed-input');
    db = postgresDatabase({ connectionString: database.url });
    gateway = await startInProcessGateway(db);
    created = await gateway.createTask();
    task = created.body;
    id = String(task.id);
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  const errorLines = () => gateway.logLines.filter((line) => Number(line.level) >= 50);

  async function expectRefused(answer: Promise<FhirAnswer>, status: number, diagnostics?: RegExp) {
    const { status: actual, headers, body } = await answer;
    expect([actual, body.resourceType]).toEqual([status, 'OperationOutcome']);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('cache-control')).toBe('no-store');
    const [first] = body.issue as { diagnostics?: string; expression?: string[] }[];
    if (diagnostics) expect(first?.diagnostics).toMatch(diagnostics);
    expect(errorLines()).toEqual([]);
    return first;
  }

  it('a success carries X-Content-Type-Options: nosniff and Cache-Control: no-store too', () => {
    expect(created.status).toBe(201);
    expect(created.headers.get('x-content-type-options')).toBe('nosniff');
    expect(created.headers.get('cache-control')).toBe('no-store');
  });

  it('bad paging cursors: 400 (search, work queue, type history)', async () => {
    await expectRefused(gateway.call('GET', 'Task?_cursor=x'), 400, /cursor/);
    await expectRefused(gateway.call('GET', 'Task/_history?_cursor=x'), 400, /cursor/);
    const forged = encodeCursor({ sort: '-priority', keys: ['not a rank'], id: 'x', direction: 'after' });
    await expectRefused(
      gateway.call(
        'GET',
        `Task?owner:identifier=${encodeURIComponent(`${IDNPS}|810000000002`)}&status=requested&_sort=-priority&_cursor=${forged}`,
      ),
      400,
      /cursor/,
    );
    await expectRefused(gateway.call('GET', 'Task/_history?_since=1'), 400, /_since/);
  });

  it('operations named like Object.prototype properties: 404', async () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      await expectRefused(gateway.call('GET', `Task/$${name}`), 404, /is not supported/);
      await expectRefused(gateway.call('GET', `Task/${id}/$${name}`), 404, /is not supported/);
    }
  });

  it('NUL or a lone surrogate in a string: 400 naming the element', async () => {
    const { id: _id, meta: _meta, ...fresh } = task;
    expect(
      await expectRefused(gateway.call('POST', 'Task', { ...fresh, description: 'a\u0000b' }), 400, /NUL/),
    ).toMatchObject({ expression: ['Task.description'] });
    await expectRefused(
      gateway.call('PUT', `Task/${id}`, { ...task, description: 'a\ud800b' }),
      400,
      /surrogate/,
    );
  });

  it('a JSON Patch nested 10,000 deep: 400', async () => {
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    await expectRefused(
      gateway.call('PATCH', `Task/${id}`, `[{"op":"add","path":"/description","value":${deep}}]`, {
        'content-type': 'application/json-patch+json',
      }),
      400,
      /nests more than/,
    );
  });

  it('a version id out of range: 404', async () => {
    await expectRefused(gateway.call('GET', `Task/${id}/_history/99999999999999999999`), 404, /no version/);
  });

  it('a bogus Content-Encoding: gzip body: 400', async () => {
    await expectRefused(
      gateway.call('POST', 'Task', '{"resourceType":"Task"}', { 'content-encoding': 'gzip' }),
      400,
      /Content-Encoding/,
    );
  });

  it('a 100 KB header: 431 with an OperationOutcome; a 12 KB one is served', async () => {
    await expectRefused(gateway.call('GET', 'Task', undefined, { 'x-padding': 'a'.repeat(100_000) }), 431);
    expect(
      (await gateway.call('GET', 'Task?_count=1', undefined, { 'x-padding': 'a'.repeat(12_000) })).status,
    ).toBe(200);
  });

  it('a narrative with a script or an event attribute: 422 naming Task.text.div and txt-1', async () => {
    const { id: _id, meta: _meta, ...fresh } = task;
    const issue = await expectRefused(
      gateway.call('POST', 'Task', {
        ...fresh,
        text: { status: 'generated', div: `<div xmlns="${XHTML}"><script>alert(1)</script>Wound care</div>` },
      }),
      422,
      /^Constraint txt-1 failed: Task\.text\.div has the element <script>/,
    );
    expect(issue).toMatchObject({ expression: ['Task.text.div'], details: { coding: [{ code: 'txt-1' }] } });
    await expectRefused(
      gateway.call('PUT', `Task/${id}`, {
        ...task,
        text: { status: 'generated', div: `<div xmlns="${XHTML}"><p onclick="steal()">x</p></div>` },
      }),
      422,
      /txt-1/,
    );
    await expectRefused(
      gateway.call(
        'PATCH',
        `Task/${id}`,
        JSON.stringify([
          { op: 'add', path: '/text', value: { status: 'generated', div: `<div xmlns="${XHTML}"> </div>` } },
        ]),
        { 'content-type': 'application/json-patch+json' },
      ),
      422,
      /txt-2/,
    );
    const after = await gateway.call('GET', `Task/${id}`);
    expect(after.body.meta).toEqual(task.meta);
  });
});
