// The distributed mode's routing table and upstream URLs (issue 16), and the rewriting of a
// service's base URL in what it answers, chunk by chunk.
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { BaseUrlRewriter, rewriteBaseInJson, rewriteBaseUrl } from '../src/proxy/base-url-rewriting.js';
import { planCrossServiceIncludes } from '../src/proxy/include-plan.js';
import {
  proxyUpstreamsFromEnv,
  routingTable,
  RoutingTableError,
  SERVICE_TYPES,
  serviceUrlVariable,
} from '../src/proxy/index.js';

describe('routingTable', () => {
  it('routes every type the service packages serve to its one owner', () => {
    const table = routingTable();
    expect(Object.fromEntries(table)).toEqual({
      Task: 'tasks',
      CarePlan: 'care-plans',
      CareTeam: 'care-plans',
      Goal: 'care-plans',
      Patient: 'shared-info',
      Consent: 'shared-info',
      Communication: 'shared-info',
      DocumentReference: 'shared-info',
      AuditEvent: 'shared-info',
    });
    expect(SERVICE_TYPES.protocols).toEqual([]);
  });

  it('refuses a type claimed by two services', () => {
    expect(() => routingTable({ tasks: ['Task'], protocols: ['Task'] })).toThrow(RoutingTableError);
    expect(() => routingTable({ tasks: ['Task'], protocols: ['Task'] })).toThrow(
      'Task is claimed by both tasks and protocols',
    );
  });
});

describe('proxyUpstreamsFromEnv', () => {
  const env = {
    CARENET_SERVICE_TASKS_URL: 'http://127.0.0.1:8081/fhir/',
    CARENET_SERVICE_CARE_PLANS_URL: 'http://care-plans:8080/fhir',
    CARENET_SERVICE_SHARED_INFO_URL: 'https://shared-info.internal/fhir',
  };

  it('names each variable after its service', () => {
    expect(serviceUrlVariable('care-plans')).toBe('CARENET_SERVICE_CARE_PLANS_URL');
    expect(serviceUrlVariable('shared-info')).toBe('CARENET_SERVICE_SHARED_INFO_URL');
  });

  it('reads the three required URLs (trailing slashes dropped) and the optional protocols one', () => {
    const result = proxyUpstreamsFromEnv(env);
    expect(result.ok && Object.fromEntries(result.upstreams)).toEqual({
      tasks: ['http://127.0.0.1:8081/fhir'],
      'care-plans': ['http://care-plans:8080/fhir'],
      'shared-info': ['https://shared-info.internal/fhir'],
    });
    const withProtocols = proxyUpstreamsFromEnv({
      ...env,
      CARENET_SERVICE_PROTOCOLS_URL: 'http://protocols:8080/fhir',
    });
    expect(withProtocols.ok && withProtocols.upstreams.get('protocols')).toEqual([
      'http://protocols:8080/fhir',
    ]);
  });

  it("reads a service's replicas, comma-separated, in the order given", () => {
    const result = proxyUpstreamsFromEnv({
      ...env,
      CARENET_SERVICE_TASKS_URL:
        'http://tasks-1:8080/fhir/, http://tasks-2:8080/fhir ,http://10.0.0.7:8080/fhir',
    });
    expect(result.ok && result.upstreams.get('tasks')).toEqual([
      'http://tasks-1:8080/fhir',
      'http://tasks-2:8080/fhir',
      'http://10.0.0.7:8080/fhir',
    ]);
  });

  it('names a wrong replica by its place in the list, and replicas that differ in path or repeat', () => {
    const wrong = proxyUpstreamsFromEnv({
      ...env,
      CARENET_SERVICE_TASKS_URL: 'http://tasks-1:8080/fhir,tasks-2:8080,',
      CARENET_SERVICE_CARE_PLANS_URL: 'http://care-plans-1:8080/fhir,http://care-plans-2:8080/api/fhir',
      CARENET_SERVICE_SHARED_INFO_URL: 'http://shared-info:8080/fhir,http://shared-info:8080/fhir/',
    });
    expect(!wrong.ok && wrong.problems).toEqual([
      'CARENET_SERVICE_TASKS_URL: URL 2: must be an absolute http(s) URL (got "tasks-2:8080")',
      'CARENET_SERVICE_TASKS_URL: URL 3: must be an absolute http(s) URL (got "")',
      'CARENET_SERVICE_CARE_PLANS_URL: the replicas must share one FHIR base path ("/fhir" and "/api/fhir") ' +
        '(got "http://care-plans-1:8080/fhir,http://care-plans-2:8080/api/fhir")',
      'CARENET_SERVICE_SHARED_INFO_URL: names the replica http://shared-info:8080 twice ' +
        '(got "http://shared-info:8080/fhir,http://shared-info:8080/fhir/")',
    ]);
  });

  it('names every missing or wrong variable as config.ts does', () => {
    const wrong = proxyUpstreamsFromEnv({
      CARENET_SERVICE_TASKS_URL: 'tasks:8081',
      CARENET_SERVICE_CARE_PLANS_URL: '',
      CARENET_SERVICE_SHARED_INFO_URL: 'http://shared-info/fhir?x=1',
      CARENET_SERVICE_PROTOCOLS_URL: 'ftp://protocols/fhir',
    });
    expect(!wrong.ok && wrong.problems).toEqual([
      'CARENET_SERVICE_TASKS_URL: must be an absolute http(s) URL (got "tasks:8081")',
      expect.stringMatching(
        /^CARENET_SERVICE_CARE_PLANS_URL: required in the distributed mode: .* \(got ""\)$/,
      ),
      'CARENET_SERVICE_SHARED_INFO_URL: must be a FHIR base URL, without query or fragment (got "http://shared-info/fhir?x=1")',
      'CARENET_SERVICE_PROTOCOLS_URL: must be an absolute http(s) URL (got "ftp://protocols/fhir")',
    ]);
    const none = proxyUpstreamsFromEnv({});
    expect(!none.ok && none.problems.map((p) => p.split(':')[0])).toEqual([
      'CARENET_SERVICE_TASKS_URL',
      'CARENET_SERVICE_CARE_PLANS_URL',
      'CARENET_SERVICE_SHARED_INFO_URL',
    ]);
  });
});

describe("rewriting a service's base URL to the public one", () => {
  const from = 'http://127.0.0.1:8081/fhir';
  const to = 'https://carenet.example/fhir';

  it('rewrites headers that are the base or under it, nothing else', () => {
    expect(rewriteBaseUrl(`${from}/Task/1/_history/2`, from, to)).toBe(`${to}/Task/1/_history/2`);
    expect(rewriteBaseUrl(from, from, to)).toBe(to);
    expect(rewriteBaseUrl(`${from}x/Task/1`, from, to)).toBe(`${from}x/Task/1`);
    expect(rewriteBaseUrl('https://other/fhir/Task/1', from, to)).toBe('https://other/fhir/Task/1');
  });

  it('rewrites JSON strings that begin with the base', () => {
    const json = JSON.stringify({
      link: [{ url: `${from}/Task?x=1` }],
      entry: [{ fullUrl: `${from}/Task/1`, resource: { note: [{ text: `see ${from}/Task/2` }] } }],
      base: from,
      other: `${from}x`,
    });
    expect(JSON.parse(rewriteBaseInJson(json, from, to))).toEqual({
      link: [{ url: `${to}/Task?x=1` }],
      entry: [{ fullUrl: `${to}/Task/1`, resource: { note: [{ text: `see ${from}/Task/2` }] } }],
      base: to,
      other: `${from}x`,
    });
  });

  it("rewrites every replica's base, and leaves the others", () => {
    const replicas = ['http://tasks-1:8080/fhir', 'http://tasks-2:8080/fhir', 'http://tasks-10:8080/fhir'];
    for (const base of replicas) {
      expect(rewriteBaseUrl(`${base}/Task/1`, replicas, to)).toBe(`${to}/Task/1`);
    }
    expect(rewriteBaseUrl('http://tasks-3:8080/fhir/Task/1', replicas, to)).toBe(
      'http://tasks-3:8080/fhir/Task/1',
    );
    const json = JSON.stringify({
      link: [{ url: `${replicas[1]}/Task?x=1` }],
      entry: [
        { fullUrl: `${replicas[0]}/Task/1` },
        { fullUrl: `${replicas[2]}/Task/2` },
        { fullUrl: 'http://tasks-3:8080/fhir/Task/3' },
        { fullUrl: `${replicas[0]}x/Task/4` },
      ],
    });
    expect(JSON.parse(rewriteBaseInJson(json, replicas, to))).toEqual({
      link: [{ url: `${to}/Task?x=1` }],
      entry: [
        { fullUrl: `${to}/Task/1` },
        { fullUrl: `${to}/Task/2` },
        { fullUrl: 'http://tasks-3:8080/fhir/Task/3' },
        { fullUrl: `${replicas[0]}x/Task/4` },
      ],
    });
    // The public base among the bases (a service that writes it itself) is left alone.
    expect(rewriteBaseInJson(json, [...replicas, to], to)).toBe(rewriteBaseInJson(json, replicas, to));
  });

  it('streams the same rewriting of several bases, whatever the chunk boundaries', async () => {
    const replicas = [
      'http://tasks-1:8080/fhir',
      'http://tasks-2:8080/fhir',
      'https://tasks-10.internal/fhir',
    ];
    const json = JSON.stringify({
      link: [{ url: `${replicas[1]}/Task?x=1` }, { url: replicas[2] }],
      entry: Array.from({ length: 21 }, (_, i) => ({
        fullUrl: `${replicas[i % 3]}/Task/${i}`,
        other: `${replicas[i % 3]}x`,
        near: `http://tasks-${i}:8080/fhir/Task/${i}`,
      })),
    });
    const expected = rewriteBaseInJson(json, replicas, to);
    expect(expected).not.toContain('"http://tasks-1:8080/fhir/');
    for (const size of [1, 2, 3, 7, 26, 27, 28, 29, 30, 64, 1000, json.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < json.length; i += size) chunks.push(Buffer.from(json.slice(i, i + size)));
      const out: Buffer[] = [];
      for await (const chunk of Readable.from(chunks).pipe(new BaseUrlRewriter(replicas, to)))
        out.push(chunk as Buffer);
      expect([size, Buffer.concat(out).toString()]).toEqual([size, expected]);
    }
  });

  it('streams the same rewriting, whatever the chunk boundaries', async () => {
    const json = JSON.stringify({
      link: [{ url: `${from}/Task?x=1` }, { url: from }],
      entry: Array.from({ length: 20 }, (_, i) => ({ fullUrl: `${from}/Task/${i}`, other: `${from}x` })),
    });
    const expected = rewriteBaseInJson(json, from, to);
    for (const size of [1, 2, 3, 7, 26, 27, 28, 64, 1000, json.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < json.length; i += size) chunks.push(Buffer.from(json.slice(i, i + size)));
      const out: Buffer[] = [];
      for await (const chunk of Readable.from(chunks).pipe(new BaseUrlRewriter(from, to)))
        out.push(chunk as Buffer);
      expect([size, Buffer.concat(out).toString()]).toEqual([size, expected]);
    }
  });
});

describe('planCrossServiceIncludes', () => {
  const routes = routingTable();
  const plan = (type: string, query: string) =>
    planCrossServiceIncludes(type, new URLSearchParams(query), routes);

  it('leaves a search without includes, or with includes of the same service, to its owner', () => {
    expect(plan('CarePlan', 'status=active')).toBeUndefined();
    expect(plan('CarePlan', '_include=CarePlan:care-team&_revinclude=Goal:addresses')).toBeUndefined();
    expect(plan('Task', '_revinclude=Task:part-of')).toBeUndefined();
  });

  it('takes the _revinclude of another service’s type out of the search sent to the owner', () => {
    const found = plan('CarePlan', 'status=active&_revinclude=Task:based-on&_include=CarePlan:care-team');
    expect(found?.forwarded.toString()).toBe('status=active&_include=CarePlan%3Acare-team');
    expect(found?.restored.toString()).toBe('_revinclude=Task%3Abased-on');
    expect(found?.includes).toEqual([
      expect.objectContaining({
        parameter: '_revinclude',
        sourceType: 'Task',
        code: 'based-on',
        targetTypes: ['CarePlan'],
      }),
    ]);
  });

  it('resolves the other services’ targets of an _include, and leaves the owner its own', () => {
    const any = plan('Task', '_include=Task:based-on');
    expect(any?.forwarded.toString()).toBe('_include=Task%3Abased-on');
    expect(any?.includes[0]?.targetTypes).toEqual(expect.arrayContaining(['CarePlan', 'Patient', 'Goal']));
    expect(any?.includes[0]?.targetTypes).not.toContain('Task');
    const targeted = plan('Task', '_include=Task:based-on:CarePlan');
    expect(targeted?.forwarded.toString()).toBe('');
    expect(targeted?.includes[0]?.targetTypes).toEqual(['CarePlan']);
    expect(plan('CarePlan', '_include=CarePlan:subject')?.includes[0]?.targetTypes).toEqual(['Patient']);
  });

  it('refuses :iterate across services with a 400 naming the parameter', () => {
    expect(() => plan('CarePlan', '_revinclude:iterate=Task:based-on')).toThrow(
      /_revinclude:iterate=Task:based-on/,
    );
    expect(() => plan('Task', '_include:iterate=Task:based-on:CarePlan')).toThrow(/not :iterate/);
  });
});
