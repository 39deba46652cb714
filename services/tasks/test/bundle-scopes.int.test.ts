// Every entry of a batch or transaction Bundle goes through the permission check of its own
// interaction (issue 15): a token that may only read Tasks gets 403 for a create entry, 200 for a
// read entry; a transaction with one forbidden entry is refused whole and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, OperationOutcome, Task } from 'fhir/r4.js';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');

const task = (identifier: string): Task => ({
  resourceType: 'Task',
  identifier: [{ system: 'https://ehr.example.org/task-ids', value: identifier }],
  status: 'requested',
  intent: 'order',
  code: { text: 'Wound care' },
  for: { identifier: { system: INS, value: '279035121518989' } },
  owner: { identifier: { system: IDNPS, value: '810000000002' } },
});

describe('Bundle entries and the caller scopes', () => {
  let server: TasksServer;

  beforeAll(async () => {
    server = await startTasksServer('tasks-bundle-scopes');
  });
  afterAll(async () => {
    await server.close();
  });

  const postBundle = async (token: string, body: Bundle) => {
    const response = await fetch(server.base, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Bundle & { issue?: OperationOutcome['issue'] },
    };
  };

  it('a read-only token: the create entry is 403, the read entry 200; a transaction with it stores nothing', async () => {
    const writer = await server.tokenFor(GP);
    const created = await fetch(`${server.base}/Task`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify(task('scopes-1')),
    });
    expect(created.status).toBe(201);
    const existing = (await created.json()) as Task;
    const readOnly = await server.tokenFor(GP, 'user/Task.rs');

    const batch = await postBundle(readOnly, {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: task('scopes-2'), request: { method: 'POST', url: 'Task' } },
        { request: { method: 'GET', url: `Task/${existing.id ?? ''}` } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.entry?.map((e) => e.response?.status)).toEqual(['403 Forbidden', '200 OK']);

    const transaction = await postBundle(readOnly, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'GET', url: `Task/${existing.id ?? ''}` } },
        { resource: task('scopes-3'), request: { method: 'POST', url: 'Task' } },
      ],
    });
    expect(transaction.status).toBe(403);
    expect(transaction.body.issue?.[0]?.expression).toContain('Bundle.entry[1]');

    const found = await fetch(
      `${server.base}/Task?identifier=https://ehr.example.org/task-ids|scopes-2,https://ehr.example.org/task-ids|scopes-3`,
      {
        headers: { authorization: `Bearer ${readOnly}` },
      },
    );
    expect(((await found.json()) as Bundle).entry).toBeUndefined();
  });
});
