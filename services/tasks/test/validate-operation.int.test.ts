// R4 $validate (Resource-validate) served by the router on every type (issue 15), here on the
// Tasks service over HTTP on a real PostgreSQL: the checks of a create or an update, nothing
// stored, 200 with an OperationOutcome; 400 for a body that is not the type.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, OperationOutcome, Parameters, Task } from 'fhir/r4.js';
import { registrationsOf } from '@carenet/fhir';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');
const RESOURCE_VALIDATE = 'http://hl7.org/fhir/OperationDefinition/Resource-validate';

const task = (overrides: Partial<Task> = {}): Task => ({
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  code: { text: 'Wound care' },
  for: { identifier: { system: INS, value: '279035121518989' } },
  owner: { identifier: { system: IDNPS, value: '810000000002' } },
  ...overrides,
});

describe('$validate', () => {
  let server: TasksServer;
  let token: string;

  beforeAll(async () => {
    server = await startTasksServer('tasks-validate');
    token = await server.tokenFor(GP);
  });
  afterAll(async () => {
    await server.close();
  });

  const post = async (path: string, body: unknown, bearer = token, raw = false) => {
    const response = await fetch(`${server.base}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/fhir+json' },
      body: raw ? (body as string) : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as OperationOutcome };
  };

  const count = async () => {
    const response = await fetch(`${server.base}/Task?_summary=count`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as Bundle).total;
  };

  it('answers a valid Task with 200 and an information issue, and stores nothing', async () => {
    const before = await count();
    expect(before).toEqual(expect.any(Number));
    const { status, body } = await post('Task/$validate', task());
    expect(status).toBe(200);
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue).toEqual([expect.objectContaining({ severity: 'information', code: 'informational' })]);
    expect(await count()).toBe(before);
  });

  it('answers a Task without intent with 200 and an error naming Task.intent, storing nothing', async () => {
    const before = await count();
    const { intent: _intent, ...withoutIntent } = task();
    const { status, body } = await post('Task/$validate', withoutIntent);
    expect(status).toBe(200);
    const errors = body.issue.filter((i) => i.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(errors)).toContain('Task.intent');
    expect(await count()).toBe(before);
  });

  it('takes a Parameters body with resource, mode and profile (ignored, said so)', async () => {
    const parameters: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'resource', resource: task() },
        { name: 'mode', valueCode: 'create' },
        { name: 'profile', valueUri: 'http://example.org/StructureDefinition/x' },
      ],
    };
    const valid = await post('Task/$validate', parameters);
    expect(valid.status).toBe(200);
    expect(valid.body.issue.every((i) => i.severity === 'information')).toBe(true);
    expect(valid.body.issue.some((i) => (i.diagnostics ?? '').includes('profile'))).toBe(true);

    const { intent: _intent, ...withoutIntent } = task();
    const invalid = await post('Task/$validate', {
      resourceType: 'Parameters',
      parameter: [{ name: 'resource', resource: withoutIntent }],
    });
    expect(invalid.status).toBe(200);
    expect(JSON.stringify(invalid.body.issue.filter((i) => i.severity === 'error'))).toContain('Task.intent');
  });

  it('validates at instance level as an update (the id must match), storing nothing', async () => {
    const before = await count();
    const matching = await post('Task/abc/$validate', task({ id: 'abc' }));
    expect(matching.status).toBe(200);
    expect(matching.body.issue).toEqual([expect.objectContaining({ severity: 'information' })]);
    const mismatched = await post('Task/abc/$validate', task({ id: 'other' }));
    expect(mismatched.status).toBe(200);
    expect(mismatched.body.issue.some((i) => i.severity === 'error')).toBe(true);
    const read = await fetch(`${server.base}/Task/abc`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('answers a body of the wrong type, or not JSON, with 400', async () => {
    const wrong = await post('Task/$validate', { resourceType: 'CarePlan', status: 'active' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.resourceType).toBe('OperationOutcome');
    const wrongInParameters = await post('Task/$validate', {
      resourceType: 'Parameters',
      parameter: [{ name: 'resource', resource: { resourceType: 'CarePlan' } }],
    });
    expect(wrongInParameters.status).toBe(400);
    const noResource = await post('Task/$validate', { resourceType: 'Parameters', parameter: [] });
    expect(noResource.status).toBe(400);
    const notJson = await post('Task/$validate', '{"resourceType": "Task",', token, true);
    expect(notJson.status).toBe(400);
  });

  it('with mode=delete, checks that the instance exists', async () => {
    const deletion: Parameters = {
      resourceType: 'Parameters',
      parameter: [{ name: 'mode', valueCode: 'delete' }],
    };
    expect((await post('Task/missing/$validate', deletion)).status).toBe(404);
    expect((await post('Task/$validate', deletion)).status).toBe(400);
  });

  it('needs read or create on the type', async () => {
    const reader = await server.tokenFor(GP, 'user/Task.r');
    expect((await post('Task/$validate', task(), reader)).status).toBe(200);
    const creator = await server.tokenFor(GP, 'user/Task.c');
    expect((await post('Task/$validate', task(), creator)).status).toBe(200);
    const updater = await server.tokenFor(GP, 'user/Task.u');
    expect((await post('Task/$validate', task(), updater)).status).toBe(403);
  });

  it('is listed per type in the registrations the CapabilityStatement is built from', () => {
    const [tasks] = registrationsOf([server.tasks.provider]);
    expect(tasks?.operations).toContainEqual({ name: 'validate', definition: RESOURCE_VALIDATE });
  });
});
