// The merged CapabilityStatement of the distributed mode's FHIR proxy (issue 16): each type from
// the service that owns it, the gateway's base, the union of interactions and operations; a
// service down leaves its types out and says so in a tag, and is asked again next time.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CapabilityStatement } from 'fhir/r4.js';
import { UNREACHABLE_SERVICE_TAG_SYSTEM } from '../src/proxy/index.js';
import {
  PUBLIC_BASE,
  startFakeService,
  startProxy,
  TEST_ROUTES,
  upstreamsOf,
  type FakeService,
  type ProxyUnderTest,
} from './support/proxy-fixtures.js';

describe('the FHIR proxy: the merged CapabilityStatement', () => {
  let tasks: FakeService;
  let carePlans: FakeService;
  let sharedInfo: FakeService;
  let proxy: ProxyUnderTest;

  beforeAll(async () => {
    tasks = await startFakeService('tasks', ['Task']);
    // A service lists a type it does not own (an old deployment): the owner's entry wins.
    carePlans = await startFakeService('care-plans', ['CarePlan', 'CareTeam', 'Goal', 'Task']);
    sharedInfo = await startFakeService('shared-info', ['Patient']);
    proxy = await startProxy({
      upstreams: upstreamsOf({ tasks, carePlans, sharedInfo }),
      routes: TEST_ROUTES,
      metadataCacheMs: 60_000,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await Promise.all([tasks.close(), carePlans.close(), sharedInfo.close()]);
  });

  const metadata = async () => {
    const answer = await proxy.call('GET', '/metadata', { headers: { authorization: null } });
    return { status: answer.status, statement: answer.body as unknown as CapabilityStatement };
  };

  it('merges the services statements, each type from its owner, on the public base', async () => {
    const { status, statement } = await metadata();
    expect(status).toBe(200);
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      software: { name: 'carenet', version: 'test-tasks' },
      implementation: { url: PUBLIC_BASE },
    });
    expect(statement.meta?.tag).toBeUndefined();
    const rest = statement.rest?.[0];
    expect(rest?.security?.description).toBe('security of tasks');
    expect(rest?.resource?.map((r) => r.type)).toEqual([
      'CarePlan',
      'CareTeam',
      'Goal',
      'OperationDefinition',
      'Patient',
      'Task',
    ]);
    expect(rest?.interaction?.map((i) => i.code)).toEqual(['batch', 'transaction']);
    expect(rest?.interaction?.[1]?.documentation).toContain('within one service');
    expect(rest?.operation?.map((o) => o.name)).toEqual([
      'op-of-tasks',
      'op-of-care-plans',
      'op-of-shared-info',
    ]);
  });

  it('keeps the statement for a while: the services are not asked again on each request', async () => {
    await metadata();
    const hits = tasks.hits.length + carePlans.hits.length + sharedInfo.hits.length;
    await Promise.all([metadata(), metadata(), metadata()]);
    expect(tasks.hits.length + carePlans.hits.length + sharedInfo.hits.length).toBe(hits);
  });

  it('lists the services that answered and tags the ones that did not; asks again next time', async () => {
    const down = await startProxy({
      upstreams: new Map([
        ['tasks', tasks.base],
        ['care-plans', 'http://127.0.0.1:1/fhir'],
        ['shared-info', sharedInfo.base],
      ]),
      routes: TEST_ROUTES,
      metadataCacheMs: 60_000,
    });
    try {
      const answer = await down.call('GET', '/metadata', { headers: { authorization: null } });
      expect(answer.status).toBe(200);
      const statement = answer.body as unknown as CapabilityStatement;
      expect(statement.rest?.[0]?.resource?.map((r) => r.type)).toEqual([
        'OperationDefinition',
        'Patient',
        'Task',
      ]);
      expect(statement.meta?.tag).toEqual([
        expect.objectContaining({ system: UNREACHABLE_SERVICE_TAG_SYSTEM, code: 'care-plans' }),
      ]);
      const before = tasks.hits.length;
      await down.call('GET', '/metadata', { headers: { authorization: null } });
      expect(tasks.hits.length).toBe(before + 1);
    } finally {
      await down.close();
    }
  });

  it('does not wait for a service that hangs longer than its answer timeout', async () => {
    const hanging = await startFakeService('shared-info');
    hanging.handler = () => new Promise<void>((resolve) => setTimeout(resolve, 3000));
    const slow = await startProxy({
      upstreams: new Map([
        ['tasks', tasks.base],
        ['care-plans', carePlans.base],
        ['shared-info', hanging.base],
      ]),
      routes: TEST_ROUTES,
      timeouts: { responseMs: 300 },
    });
    try {
      const started = performance.now();
      const answer = await slow.call('GET', '/metadata', { headers: { authorization: null } });
      expect(performance.now() - started).toBeLessThan(2500);
      expect(answer.status).toBe(200);
      const statement = answer.body as unknown as CapabilityStatement;
      expect(statement.meta?.tag?.map((t) => t.code)).toEqual(['shared-info']);
    } finally {
      await slow.close();
      await hanging.close();
    }
  });

  it('answers 502 when no service answers', async () => {
    const none = await startProxy({
      upstreams: new Map([
        ['tasks', 'http://127.0.0.1:1/fhir'],
        ['care-plans', 'http://127.0.0.1:1/fhir'],
        ['shared-info', 'http://127.0.0.1:1/fhir'],
      ]),
      routes: TEST_ROUTES,
    });
    try {
      const answer = await none.call('GET', '/metadata', { headers: { authorization: null } });
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });
      expect(answer.text).toContain('tasks, care-plans, shared-info');
    } finally {
      await none.close();
    }
  });
});
