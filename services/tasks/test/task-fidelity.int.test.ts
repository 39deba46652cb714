// Task round-trip fidelity (issue 15): every valid R4 element is kept and returned as given, or
// refused with a 422 naming the element and the rule; the official R4 examples; literal references
// found by every reference search; one FHIR version per write; every advertised search parameter
// finds a stored value.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, CapabilityStatement, OperationOutcome, Task } from 'fhir/r4.js';
import type { SystemActor } from '@carenet/access';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');
const NURSE = professional('860000000001', '60', 'Nurse N1');
const EHR: SystemActor = { kind: 'system', clientId: 'ehr-fidelity' };
const CARENET = 'https://carenet.example.org/fhir/';

function officialExample(n: 1 | 2 | 3): Task {
  const file = new URL(
    `../../../packages/fhir/test/validation/fixtures/task-example${n}.json`,
    import.meta.url,
  );
  return JSON.parse(readFileSync(file, 'utf8')) as Task;
}

/** A Task as the client sees what it sent: without id, meta and the extensions carenet adds. */
function asSent(task: Task): Record<string, unknown> {
  const { id: _id, meta: _meta, extension, ...rest } = task;
  const own = (extension ?? []).filter((e) => !e.url.startsWith(CARENET));
  return own.length === 0 ? rest : { ...rest, extension: own };
}

describe('Task fidelity over HTTP', () => {
  let server: TasksServer;
  let tokens: Map<string, string>;

  beforeAll(async () => {
    server = await startTasksServer('tasks-fidelity');
    tokens = new Map([
      ['gp', await server.tokenFor(GP)],
      ['nurse', await server.tokenFor(NURSE)],
      ['ehr', await server.tokenFor(EHR, 'system/*.cruds')],
    ]);
  });
  afterAll(async () => {
    await server.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the body's type, told by the caller
  async function call<T = Task>(
    who: 'gp' | 'nurse' | 'ehr',
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/fhir+json',
  ): Promise<{ status: number; body: T; etag: string | null }> {
    const response = await fetch(`${server.base}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(who) ?? ''}`,
        accept: 'application/fhir+json',
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? undefined : JSON.parse(text)) as T,
      etag: response.headers.get('etag'),
    };
  }

  const search = async (query: string) => {
    const { status, body } = await call<Bundle>('ehr', 'GET', `Task?${query}`);
    expect({ query, status }).toEqual({ query, status: 200 });
    const outcomes = (body.entry ?? []).filter((e) => e.resource?.resourceType !== 'Task');
    expect({ query, outcomes }).toEqual({ query, outcomes: [] });
    return (body.entry ?? []).map((e) => e.resource?.id);
  };

  describe('the official R4 examples', () => {
    it('refuses each with 422 naming the rule or the element', async () => {
      const one = await call<OperationOutcome>('ehr', 'POST', 'Task', officialExample(1));
      expect(one.status).toBe(422);
      expect(one.body.issue[0]?.details?.coding?.[0]?.code).toBe('task-initial-status');

      const two = await call<OperationOutcome>('ehr', 'POST', 'Task', officialExample(2));
      expect(two.status).toBe(422);
      expect(two.body.issue.map((i) => i.expression?.[0])).toEqual(['Task.intent']);
      expect(two.body.issue[0]?.diagnostics).toContain('task-intent');

      const three = await call<OperationOutcome>('ehr', 'POST', 'Task', officialExample(3));
      expect(three.status).toBe(422);
      expect(three.body.issue.map((i) => i.expression?.[0])).toEqual(['Task.requester.reference']);
      expect(three.body.issue[0]?.diagnostics).toContain('not a party of the cooperation');
    });

    it.each([
      [
        'example1 as requested (executionPeriod is recorded when started)',
        (): Task => {
          const { id: _id, executionPeriod: _started, ...task } = officialExample(1);
          return { ...task, status: 'requested' };
        },
      ],
      [
        'example2 as a requested order',
        (): Task => {
          const { id: _id, executionPeriod: _started, ...task } = officialExample(2);
          return { ...task, status: 'requested', intent: 'order' };
        },
      ],
      [
        'example3 with a PractitionerRole as requester',
        (): Task => {
          const { id: _id, ...task } = officialExample(3);
          return { ...task, requester: { reference: 'PractitionerRole/example' } };
        },
      ],
    ])('%s round-trips exactly', async (_name, adapted) => {
      const sent = adapted();
      const created = await call('ehr', 'POST', 'Task', sent);
      expect(created.status).toBe(201);
      expect(asSent(created.body)).toEqual(sent);
      const read = await call('ehr', 'GET', `Task/${created.body.id ?? ''}`);
      expect(read.status).toBe(200);
      expect(asSent(read.body)).toEqual(sent);
      // PUT back unchanged: no new version.
      const put = await call('ehr', 'PUT', `Task/${created.body.id ?? ''}`, read.body);
      expect(put.status).toBe(200);
      expect(put.body.meta?.versionId).toBe(read.body.meta?.versionId);
    });
  });

  describe('elements kept as given', () => {
    it('changes businessStatus during execution (owner), keeps it, versions it', async () => {
      const created = await call('gp', 'POST', 'Task', {
        resourceType: 'Task',
        status: 'ready',
        intent: 'order',
        code: { text: 'Wound care' },
        for: { identifier: { system: INS, value: '279035121518989' }, display: 'Mme Y' },
        owner: { identifier: { system: IDNPS, value: '860000000001' } },
        businessStatus: { text: 'planned' },
        groupIdentifier: { system: 'urn:x', value: 'G1' },
      });
      expect(created.status).toBe(201);
      const id = created.body.id ?? '';
      const started = await call('nurse', 'PUT', `Task/${id}`, {
        ...created.body,
        status: 'in-progress',
        businessStatus: { text: 'waiting for the patient' },
        for: { ...created.body.for, display: 'Mme Yvonne Y' },
      });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({
        status: 'in-progress',
        businessStatus: { text: 'waiting for the patient' },
        groupIdentifier: { system: 'urn:x', value: 'G1' },
        for: { display: 'Mme Yvonne Y', identifier: { system: INS, value: '279035121518989' } },
      });
      expect(started.body.executionPeriod?.start).toBeDefined();
      const events = await server.tasks.store.readStream(`Task-${id}`);
      expect(events.map((e) => e.type)).toEqual(['TaskReadied', 'TaskElementsChanged', 'TaskStarted']);
      // One write, one version.
      expect(started.body.meta?.versionId).toBe('3');
      const history = await call<Bundle>('ehr', 'GET', `Task/${id}/_history`);
      expect(history.body.entry?.map((e) => e.resource?.meta?.versionId)).toEqual(['3', '1']);
      expect((await call('ehr', 'GET', `Task/${id}/_history/2`)).status).toBe(404);

      // Another party may not change them; nobody may once finished.
      const other = await server.tokenFor(professional('860000000009', '60', 'Other'));
      tokens.set('other', other);
      const refused = await fetch(`${server.base}/Task/${id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${other}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ ...started.body, businessStatus: { text: 'x' } }),
      });
      expect(refused.status).toBe(403);
    });

    it('refuses executionPeriod, statusReason and output at creation, naming them (422)', async () => {
      const refused = await call<OperationOutcome>('gp', 'POST', 'Task', {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { text: 'Wound care' },
        for: { reference: 'Patient/p1' },
        owner: { reference: 'Practitioner/n1' },
        requester: { identifier: { system: IDNPS, value: '810000000001' } },
        executionPeriod: { start: '2026-05-20T08:00:00Z' },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.issue[0]?.details?.coding?.[0]?.code).toBe('task-element-recorded-by-moves');
      expect(refused.body.issue[0]?.diagnostics).toContain('Task.executionPeriod');
    });
  });

  describe('one write, one version', () => {
    it('a PUT changing owner, details and status is one history entry (PUT); a PATCH shows PATCH', async () => {
      const draft = await call('gp', 'POST', 'Task', {
        resourceType: 'Task',
        status: 'draft',
        intent: 'proposal',
        priority: 'routine',
        code: { text: 'Wound care' },
        for: { identifier: { system: INS, value: '279035121518989' } },
      });
      const id = draft.body.id ?? '';
      const put = await call('gp', 'PUT', `Task/${id}`, {
        ...draft.body,
        status: 'requested',
        description: 'twice a day',
        owner: { identifier: { system: IDNPS, value: '860000000001' } },
      });
      expect(put.status).toBe(200);
      const events = await server.tasks.store.readStream(`Task-${id}`);
      expect(events.map((e) => e.type)).toEqual([
        'TaskDrafted',
        'TaskOwnerChanged',
        'TaskDetailsChanged',
        'TaskRequested',
      ]);
      expect(put.body.meta?.versionId).toBe('4');
      expect(put.etag).toBe('W/"4"');

      const patch = await call(
        'nurse',
        'PATCH',
        `Task/${id}`,
        [
          { op: 'replace', path: '/status', value: 'accepted' },
          { op: 'add', path: '/businessStatus', value: { text: 'booked' } },
        ],
        'application/json-patch+json',
      );
      expect(patch.status).toBe(200);
      expect(patch.body.meta?.versionId).toBe('6');

      const history = await call<Bundle>('ehr', 'GET', `Task/${id}/_history`);
      expect(history.body.entry?.map((e) => [e.resource?.meta?.versionId, e.request?.method])).toEqual([
        ['6', 'PATCH'],
        ['4', 'PUT'],
        ['1', 'POST'],
      ]);
      for (const intermediate of ['2', '3', '5']) {
        expect((await call('ehr', 'GET', `Task/${id}/_history/${intermediate}`)).status).toBe(404);
      }
      expect((await call('ehr', 'GET', `Task/${id}/_history/4`)).body.status).toBe('requested');

      const typeHistory = async () => {
        const bundle = await call<Bundle>('ehr', 'GET', 'Task/_history?_count=1000');
        return (bundle.body.entry ?? [])
          .filter((e) => e.resource?.id === id)
          .map((e) => [e.resource?.meta?.versionId, e.request?.method]);
      };
      const live = await typeHistory();
      expect(live).toEqual([
        ['6', 'PATCH'],
        ['4', 'PUT'],
        ['1', 'POST'],
      ]);
      await server.tasks.store.rebuildProjection('tasks-read-model');
      expect(await typeHistory()).toEqual(live);
    });
  });

  describe('references', () => {
    it('finds a Task by literal, absolute and identifier references, on every path', async () => {
      const absolute = 'https://ehr.example/fhir/Patient/x1';
      const byLiteral = await call('ehr', 'POST', 'Task', {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        priority: 'routine',
        code: { text: 'Literal' },
        for: { reference: 'Patient/lit-1', display: 'P. L.' },
        requester: { reference: 'PractitionerRole/req-1' },
        owner: { reference: 'Practitioner/own-1' },
      });
      expect(byLiteral.status).toBe(201);
      const byAbsolute = await call('ehr', 'POST', 'Task', {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        priority: 'routine',
        code: { text: 'Absolute' },
        for: { reference: absolute },
        requester: { reference: 'Organization/org-1' },
        owner: { reference: 'https://ehr.example/fhir/Practitioner/own-2' },
      });
      expect(byAbsolute.status).toBe(201);
      const byIdentifier = await call('ehr', 'POST', 'Task', {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        priority: 'routine',
        code: { text: 'Identifier' },
        for: { reference: 'Patient/ins-1', identifier: { system: INS, value: '100000000000042' } },
        requester: { reference: 'Organization/org-1' },
        owner: { reference: 'Practitioner/own-3', identifier: { system: IDNPS, value: '860000000003' } },
      });
      expect(byIdentifier.status).toBe(201);
      const [lit, abs, ident] = [byLiteral, byAbsolute, byIdentifier].map((r) => r.body.id);

      for (const name of ['subject', 'patient']) {
        expect(await search(`${name}=Patient/lit-1`)).toEqual([lit]);
        expect(await search(`${name}=${encodeURIComponent(absolute)}`)).toEqual([abs]);
        expect(await search(`${name}=Patient/ins-1`)).toEqual([ident]);
      }
      expect(await search(`patient:identifier=${encodeURIComponent(`${INS}|100000000000042`)}`)).toEqual([
        ident,
      ]);
      expect(await search('owner=Practitioner/own-1')).toEqual([lit]);
      expect(await search('owner=Practitioner/own-3')).toEqual([ident]);
      expect(
        await search(`owner=${encodeURIComponent('https://ehr.example/fhir/Practitioner/own-2')}`),
      ).toEqual([abs]);
      expect((await search('requester=Organization/org-1')).sort()).toEqual([abs, ident].sort());
      expect(await search('requester=PractitionerRole/req-1')).toEqual([lit]);
      // The work queue's fast path and the search store agree on every form of owner.
      expect(
        await search(
          `owner:identifier=${encodeURIComponent(`${IDNPS}|860000000003`)}&status=requested&_sort=-priority`,
        ),
      ).toEqual([ident]);
      expect(
        await search(
          `owner:identifier=${encodeURIComponent('https://carenet.example.org/fhir/NamingSystem/literal-reference|Practitioner/own-1')}&status=requested&_sort=-priority`,
        ),
      ).toEqual([]);
      expect(await search('owner=Practitioner/own-1&status=requested&_sort=-priority')).toEqual([lit]);
    });
  });

  describe('every advertised search parameter finds a stored value', () => {
    it('stores a Task with a value for each and finds it by each', async () => {
      const metadata = await call<CapabilityStatement>('ehr', 'GET', 'metadata');
      expect(metadata.status).toBe(200);
      const advertised = (
        metadata.body.rest?.[0]?.resource?.find((r) => r.type === 'Task')?.searchParam ?? []
      ).map((p) => p.name);

      const parent = await call('ehr', 'POST', 'Task', {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { text: 'Parent' },
        for: { reference: 'Patient/sp-1' },
        requester: { reference: 'Organization/sp-org' },
        owner: { reference: 'Practitioner/sp-own' },
      });
      const parentId = parent.body.id ?? '';
      const created = await call('ehr', 'POST', 'Task', {
        resourceType: 'Task',
        meta: {
          tag: [{ system: 'urn:sp:tag', code: 't1' }],
          security: [{ system: 'urn:sp:sec', code: 's1' }],
          profile: ['https://example.org/StructureDefinition/sp-task'],
          source: 'urn:sp:source',
        },
        status: 'ready',
        intent: 'plan',
        priority: 'asap',
        identifier: [{ system: 'urn:sp:id', value: 'SP-1' }],
        basedOn: [{ reference: 'CarePlan/sp-plan' }],
        groupIdentifier: { system: 'urn:sp:group', value: 'SP-G' },
        partOf: [{ reference: `Task/${parentId}` }],
        businessStatus: { coding: [{ system: 'urn:sp:bs', code: 'waiting' }] },
        code: { coding: [{ system: 'urn:sp:code', code: 'act' }] },
        focus: { reference: 'ServiceRequest/sp-sr' },
        for: { reference: 'Patient/sp-1' },
        encounter: { reference: 'Encounter/sp-enc' },
        authoredOn: '2026-04-01T10:00:00+02:00',
        lastModified: '2026-04-02T10:00:00+02:00',
        requester: { reference: 'Organization/sp-org' },
        performerType: [{ coding: [{ system: 'urn:sp:pt', code: 'performer' }] }],
        owner: { reference: 'Practitioner/sp-own', identifier: { system: IDNPS, value: '860000000001' } },
      });
      expect(created.status).toBe(201);
      const id = created.body.id ?? '';
      // Started: an executionPeriod for `period`.
      const started = await call('nurse', 'PUT', `Task/${id}`, { ...created.body, status: 'in-progress' });
      expect(started.status).toBe(200);
      expect(started.body.meta).toMatchObject({
        tag: [{ system: 'urn:sp:tag', code: 't1' }],
        source: 'urn:sp:source',
      });
      const lastUpdated = started.body.meta?.lastUpdated ?? '';
      const start = started.body.executionPeriod?.start ?? '';

      const queries: Record<string, string> = {
        _id: `_id=${id}`,
        _tag: `_tag=${encodeURIComponent('urn:sp:tag|t1')}`,
        _security: `_security=${encodeURIComponent('urn:sp:sec|s1')}`,
        _profile: `_profile=${encodeURIComponent('https://example.org/StructureDefinition/sp-task')}`,
        _source: `_source=${encodeURIComponent('urn:sp:source')}`,
        _lastUpdated: `_lastUpdated=${encodeURIComponent(`ge${lastUpdated}`)}&_id=${id}`,
        'authored-on': 'authored-on=2026-04-01',
        'based-on': 'based-on=CarePlan/sp-plan',
        'business-status': `business-status=${encodeURIComponent('urn:sp:bs|waiting')}`,
        code: `code=${encodeURIComponent('urn:sp:code|act')}`,
        encounter: 'encounter=Encounter/sp-enc',
        focus: 'focus=ServiceRequest/sp-sr',
        'group-identifier': `group-identifier=${encodeURIComponent('urn:sp:group|SP-G')}`,
        identifier: `identifier=${encodeURIComponent('urn:sp:id|SP-1')}`,
        intent: 'intent=plan&subject=Patient/sp-1',
        modified: `modified=${encodeURIComponent(`ge${lastUpdated}`)}&_id=${id}`,
        owner: 'owner=Practitioner/sp-own&status=in-progress',
        'part-of': `part-of=Task/${parentId}`,
        patient: 'patient=Patient/sp-1&status=in-progress',
        performer: `performer=${encodeURIComponent('urn:sp:pt|performer')}`,
        period: `period=${encodeURIComponent(`ge${start}`)}&_id=${id}`,
        priority: 'priority=asap&subject=Patient/sp-1',
        requester: 'requester=Organization/sp-org&status=in-progress',
        status: 'status=in-progress&subject=Patient/sp-1',
        subject: 'subject=Patient/sp-1&status=in-progress',
      };
      const missing = advertised.filter((name) => queries[name] === undefined);
      expect(advertised).toContain('group-identifier');
      // Every advertised parameter has its query here.
      expect(missing).toEqual([]);
      for (const [name, query] of Object.entries(queries)) {
        if (!advertised.includes(name)) continue;
        expect({ name, found: await search(query) }).toEqual({ name, found: [id] });
      }
    });
  });
});
