// The history shows each write's method as sent (issue 15): the router tells the provider the
// interaction, the provider records it in the events' metadata (`fhirInteraction`), and the
// instance history reads it back, the search store records it in fhir.resource_history for the
// type history; versions recorded without it keep the inference.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Task } from 'fhir/r4.js';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');

describe('history request.method', () => {
  let server: TasksServer;
  let token: string;

  beforeAll(async () => {
    server = await startTasksServer('tasks-history-method');
    token = await server.tokenFor(GP);
  });
  afterAll(async () => {
    await server.close();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/fhir+json',
  ) => {
    const response = await fetch(`${server.base}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };

  it('shows POST, PUT and PATCH for a create, an update and a patch of a Task', async () => {
    const created = await call('POST', 'Task', {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      priority: 'routine',
      code: { text: 'Wound care' },
      for: { identifier: { system: INS, value: '279035121518989' } },
      owner: { identifier: { system: IDNPS, value: '810000000002' } },
    } satisfies Task);
    expect(created.status).toBe(201);
    const task = created.body as Task;
    const id = task.id ?? '';
    const updated = await call('PUT', `Task/${id}`, { ...task, priority: 'urgent' });
    expect(updated.status).toBe(200);
    const patched = await call(
      'PATCH',
      `Task/${id}`,
      [{ op: 'replace', path: '/priority', value: 'asap' }],
      'application/json-patch+json',
    );
    expect(patched.status).toBe(200);
    expect((patched.body as Task).meta?.versionId).toBe('3');

    const history = (await call('GET', `Task/${id}/_history`)).body as Bundle;
    expect(
      history.entry?.map((e) => [e.resource?.meta?.versionId, e.request?.method, e.request?.url]),
    ).toEqual([
      ['3', 'PATCH', `Task/${id}`],
      ['2', 'PUT', `Task/${id}`],
      ['1', 'POST', 'Task'],
    ]);

    // The type history (the search store's fhir.resource_history) too.
    const typeHistory = (await call('GET', 'Task/_history')).body as Bundle;
    expect(
      typeHistory.entry
        ?.filter((e) => e.resource?.id === id)
        .map((e) => [e.resource?.meta?.versionId, e.request?.method, e.request?.url]),
    ).toEqual([
      ['3', 'PATCH', `Task/${id}`],
      ['2', 'PUT', `Task/${id}`],
      ['1', 'POST', 'Task'],
    ]);
  });
});
