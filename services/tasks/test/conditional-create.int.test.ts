// Conditional create (If-None-Exist) is atomic (issue 15): requests racing with one condition
// create one Task; the others answer with it. On a real PostgreSQL, over a pool of 20.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task } from 'fhir/r4.js';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');

function task(identifier: string): Task {
  return {
    resourceType: 'Task',
    identifier: [{ system: 'https://ehr.example.org/task-ids', value: identifier }],
    status: 'requested',
    intent: 'order',
    code: { text: 'Wound care' },
    for: { identifier: { system: INS, value: '279035121518989' } },
    owner: { identifier: { system: IDNPS, value: '810000000002' } },
  };
}

describe('conditional create under concurrency', () => {
  let server: TasksServer;
  let token: string;

  beforeAll(async () => {
    server = await startTasksServer('tasks-conditional-create');
    token = await server.tokenFor(GP);
  });
  afterAll(async () => {
    await server.close();
  });

  const post = async (identifier: string) => {
    const response = await fetch(`${server.base}/Task`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/fhir+json',
        'if-none-exist': `identifier=https://ehr.example.org/task-ids|${identifier}`,
      },
      body: JSON.stringify(task(identifier)),
    });
    return { status: response.status, body: (await response.json()) as Task };
  };

  it('50 concurrent requests with one If-None-Exist create exactly one Task; the others answer with it', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => post('race-1')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);

    // The identifier stays usable: one match, answered 200 with that Task.
    const again = await post('race-1');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe([...ids][0]);
    const found = await fetch(`${server.base}/Task?identifier=https://ehr.example.org/task-ids|race-1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await found.json()) as { total?: number; entry?: unknown[] }).entry).toHaveLength(1);
  });

  it('different conditions create different Tasks, even at once', async () => {
    const answers = await Promise.all(['a', 'b', 'c', 'a', 'b', 'c'].map((id) => post(`race-2-${id}`)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(3);
  });
});
