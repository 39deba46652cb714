// The conformance tier (issue 15; README.md here): one gateway process (embedded mode) and one
// official HL7 FHIR R4 validator for the whole file; every response body validated. Each request
// group ends with a test that its responses have zero validator errors; the warnings are counted
// by kind and printed at the end, with the skips and their reasons.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { devToken } from '@carenet/testing';
import {
  ADAPTATIONS,
  BY_IDENTIFIER,
  COORDINATOR,
  GP,
  NURSE,
  plainCarePlan,
  plainCareTeam,
  plainCommunication,
  plainDocumentReference,
  plainGoal,
  plainTask,
  richCarePlan,
  richCareTeam,
  richGoal,
  richTask,
  searchCases,
  START_TASK,
  type Referenced,
} from './conformance-resources.js';
import { describeDifferences, roundTripDifferences } from './deep-diff.js';
import { smartConfigurationProblems } from './smart-configuration.js';
import {
  OFFICIAL_EXAMPLES,
  officialExample,
  operationDefinitionIds,
  startConformanceServers,
  ValidatedClient,
  type ConformanceRequest,
  type ConformanceResponse,
  type ConformanceServers,
} from './validated-client.js';
import { errorLines, printByKind } from './validation-summary.js';

type Resource = Record<string, unknown>;
type Send = (request: ConformanceRequest) => Promise<ConformanceResponse>;

const ALLOWED_ORIGIN = 'https://app.example.org';
const HOSTED_TYPES = ['Task', 'CarePlan', 'CareTeam', 'Goal'] as const;
/** The shared information (issue 18): the interactions of the hosted types; search cases not tabled yet. */
const SHARED_INFORMATION_TYPES = ['Communication', 'DocumentReference'] as const;
/** This run's unique values (identifiers, tags): what it searches for is its own. */
const RUN = randomUUID().slice(0, 8);

let servers: ConformanceServers | undefined;
let client: ValidatedClient;
/** Bearer tokens of the dev issuer: a GP, a coordinating nurse, an administrator system (an EHR). */
let gp: string;
let coordinator: string;
/** The nurse who owns the Tasks the GP requests. */
let nurse: string;
let system: string;
let capabilities: Resource | undefined;
const skipped: string[] = [];
const out = (line = '') => process.stdout.write(`${line}\n`);

/** Prints and records why a case did not run (its test passes: the reason is in the output). */
function skip(name: string, reason: string): void {
  skipped.push(`${name}: ${reason}`);
  process.stderr.write(`[conformance] SKIPPED ${name}: ${reason}\n`);
}

/** A describe block whose requests are recorded under `name`, ending with its validator check. */
function requestGroup(name: string, body: (send: Send) => void): void {
  // eslint-disable-next-line jest/valid-title -- a string parameter (the rule wants literals)
  describe(name, () => {
    body((request) => client.send(name, request));
    it('zero HL7 validator errors on every response body of the group', async () => {
      await client.settled();
      const rows = client.rows.filter((row) => row.group === name);
      expect(rows.length).toBeGreaterThan(0);
      expect(errorLines(rows)).toEqual([]);
    });
  });
}

const bundleIds = (bundle: Resource | undefined, type?: string): string[] =>
  ((bundle?.entry ?? []) as { resource?: Resource }[])
    .map((entry) => entry.resource)
    .filter((resource) => resource !== undefined && (type === undefined || resource.resourceType === type))
    .map((resource) => String(resource?.id));

const searchModes = (bundle: Resource | undefined): Record<string, string> =>
  Object.fromEntries(
    ((bundle?.entry ?? []) as { resource?: Resource; search?: { mode?: string } }[]).map((entry) => [
      `${String(entry.resource?.resourceType)}/${String(entry.resource?.id)}`,
      entry.search?.mode ?? '',
    ]),
  );

/** The issues of an OperationOutcome, as text (for failure messages). */
const issuesOf = (body: Resource | undefined): string => JSON.stringify(body?.issue ?? body);

/** Expects `status`; when another, the failure shows the OperationOutcome's issues. */
function expectStatus(response: ConformanceResponse, status: number): void {
  expect({
    status: response.status,
    outcome: response.status === status ? '' : issuesOf(response.body),
  }).toEqual({ status, outcome: '' });
}

/** Whether an OperationOutcome's issue names a rule (details.coding.code) or an element (expression). */
function namesRuleOrElement(body: Resource | undefined): boolean {
  if (body?.resourceType !== 'OperationOutcome') return false;
  const issues = (body.issue ?? []) as {
    details?: { coding?: { code?: string }[] };
    expression?: string[];
    location?: string[];
  }[];
  return issues.some(
    (issue) =>
      (issue.details?.coding ?? []).some((coding) => typeof coding.code === 'string') ||
      (issue.expression ?? []).length > 0 ||
      (issue.location ?? []).length > 0,
  );
}

beforeAll(async () => {
  servers = await startConformanceServers({
    env: { CARENET_CORS_ORIGINS: ALLOWED_ORIGIN },
    log: (line) => process.stderr.write(`[conformance] ${line}\n`),
    // Signed while the validator's JVM loads (`carenet token` is synchronous).
    whenGatewayUp: (gateway) => {
      gp = devToken(gateway, '--professional', GP, '--profession', 'doctor');
      coordinator = devToken(gateway, '--professional', COORDINATOR, '--profession', 'nurse');
      nurse = devToken(gateway, '--professional', NURSE, '--profession', 'nurse');
      // An administrator system: the tier checks FHIR conformance, so it reads back what it wrote
      // whoever the resources name; the access decision (issue 18) has tests of its own.
      system = devToken(gateway, '--system', 'conformance-ehr', '--admin');
    },
  });
  client = new ValidatedClient(servers.gateway, servers.validator);
  // Let fetch's pool notice the connections the gateway closed meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 50));
}, 240_000);

/** The validator's findings over the whole file, by kind, and the skips. */
async function printSummary(): Promise<void> {
  await client.settled();
  const rows = client.rows;
  const validated = rows.filter((row) => row.skipped === undefined);
  out();
  out(
    `Conformance tier: ${rows.length} requests, ${validated.length} response bodies validated by the HL7 validator`,
  );
  printByKind('Validator errors', rows, (row) => row.errors, out);
  printByKind('Validator warnings', rows, (row) => row.warningMessages, out);
  const errors = validated.reduce((sum, row) => sum + row.errors.length, 0);
  const warnings = validated.reduce((sum, row) => sum + row.warnings, 0);
  out();
  out(`TOTAL: ${errors} validator errors, ${warnings} warnings`);
  out(`Skipped (${skipped.length}):${skipped.length === 0 ? ' none' : ''}`);
  for (const line of skipped) out(`  ${line}`);
}

afterAll(async () => {
  try {
    if (servers !== undefined) await printSummary();
  } finally {
    await servers?.stop();
  }
});

requestGroup('discovery', (send) => {
  it('serves a CapabilityStatement naming every hosted type with its interactions', async () => {
    const metadata = await send({ method: 'GET', path: 'metadata' });
    expect(metadata.status).toBe(200);
    capabilities = metadata.body;
    expect(metadata.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    const resources = ((metadata.body?.rest as Resource[] | undefined)?.[0]?.resource ?? []) as Resource[];
    for (const type of [...HOSTED_TYPES, ...SHARED_INFORMATION_TYPES]) {
      const entry = resources.find((resource) => resource.type === type);
      const interactions = ((entry?.interaction ?? []) as { code: string }[]).map((i) => i.code);
      expect({ type, interactions: interactions.sort() }).toEqual({
        type,
        interactions: expect.arrayContaining([
          'create',
          'history-instance',
          'history-type',
          'patch',
          'read',
          'search-type',
          'update',
          'vread',
        ]) as unknown,
      });
    }
  });

  it('serves every OperationDefinition the CapabilityStatement names under its own base', async () => {
    const ids = operationDefinitionIds(capabilities);
    expect(ids.length).toBeGreaterThan(0);
    const text = JSON.stringify(capabilities);
    for (const id of ids) {
      const read = await send({ bearer: gp, method: 'GET', path: `OperationDefinition/${id}` });
      // The canonical operations of the specification (Resource-validate) are HL7's, not served here.
      if (text.includes(`http://hl7.org/fhir/OperationDefinition/${id}`)) continue;
      expect({ id, status: read.status, type: read.body?.resourceType }).toEqual({
        id,
        status: 200,
        type: 'OperationDefinition',
      });
    }
  });

  it('serves a SMART App Launch 2.x configuration at the root and under /fhir, without a token', async () => {
    for (const path of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
      const response = await send({ method: 'GET', path });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(smartConfigurationProblems(response.body)).toEqual([]);
      // The embedded mode's dev issuer has a token endpoint: it is advertised.
      expect(response.body?.token_endpoint).toMatch(/^https?:\/\//);
    }
  });

  it('answers a CORS preflight from an allowed origin, and not from another', async () => {
    const preflight = (origin: string) =>
      send({
        method: 'OPTIONS',
        path: 'Task',
        label: `OPTIONS Task (preflight from ${origin})`,
        headers: {
          origin,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization,content-type,if-match',
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')?.split(',')).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH']),
    );
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'if-match']),
    );
    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const read = await send({
      bearer: gp,
      method: 'GET',
      path: 'metadata',
      headers: { origin: ALLOWED_ORIGIN },
    });
    expect(read.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(read.headers.get('access-control-expose-headers')?.toLowerCase()).toMatch(
      /location.*etag|etag.*location/,
    );
  });
});

requestGroup('round trip of the official R4 examples', (send) => {
  /**
   * POST then GET, as a system (an EHR: every type takes it as author): 201 and equal but what
   * README.md allows; the POST's answer when not 201.
   */
  async function roundTrip(example: Resource, label: string): Promise<ConformanceResponse> {
    const type = String(example.resourceType);
    const created = await send({
      bearer: system,
      method: 'POST',
      path: type,
      body: example,
      label: `POST ${label}`,
    });
    if (created.status !== 201) return created;
    const read = await send({
      bearer: system,
      method: 'GET',
      path: `${type}/${String(created.body?.id)}`,
      label: `GET ${label} (read back)`,
    });
    expect(read.status).toBe(200);
    expect(describeDifferences(roundTripDifferences(example, read.body ?? {}))).toBe('');
    return created;
  }

  it.each(OFFICIAL_EXAMPLES.map((file) => [file]))(
    '%s: created and read back equal, or refused 422 naming the rule',
    async (file) => {
      const created = await roundTrip(officialExample(file), `${file} (official)`);
      if (created.status === 201) return;
      expect({ status: created.status, outcome: issuesOf(created.body) }).toEqual({
        status: 422,
        outcome: expect.any(String) as unknown,
      });
      expect(namesRuleOrElement(created.body)).toBe(true);
    },
  );

  it.each(ADAPTATIONS.map((adaptation) => [adaptation.example, adaptation.reason, adaptation] as const))(
    '%s adapted (%s): created and read back equal',
    async (file, _reason, adaptation) => {
      const created = await roundTrip(adaptation.adapt(officialExample(file)), `${file} (adapted)`);
      expectStatus(created, 201);
    },
  );
});

/**
 * Per hosted type: who creates it, a resource of our own, what a PUT changes (sent back with what
 * was read, but for the elements `notSentBack`), what a JSON Patch sets (one `add` per element).
 */
interface Subject {
  readonly type: (typeof HOSTED_TYPES)[number] | (typeof SHARED_INFORMATION_TYPES)[number];
  readonly bearer: () => string;
  readonly resource: () => Resource;
  readonly updated: Resource;
  readonly notSentBack?: readonly string[];
  readonly patched: Resource;
  /** An element for `_elements`. */
  readonly element: string;
}

const updateOf = (subject: Subject, read: Resource): Resource => ({
  ...Object.fromEntries(Object.entries(read).filter(([key]) => !(subject.notSentBack ?? []).includes(key))),
  ...subject.updated,
});

const patchOf = (subject: Subject): unknown[] =>
  Object.entries(subject.patched).map(([key, value]) => ({ op: 'add', path: `/${key}`, value }));

/** The elements of minimum cardinality 1 of each hosted type (R4). */
const MANDATORY: Record<Subject['type'], readonly string[]> = {
  Task: ['status', 'intent'],
  CarePlan: ['status', 'intent', 'subject'],
  CareTeam: [],
  Goal: ['lifecycleStatus', 'description', 'subject'],
  Communication: ['status'],
  DocumentReference: ['status', 'content'],
};

const SUBJECTS: readonly Subject[] = [
  {
    type: 'Task',
    bearer: () => gp,
    resource: plainTask,
    updated: { description: 'Clean and dress the wound daily' },
    // The server's on a change (when the Task last changed).
    notSentBack: ['lastModified'],
    patched: { note: [{ text: 'Morning visits' }] },
    element: 'status',
  },
  {
    type: 'CarePlan',
    bearer: () => coordinator,
    resource: plainCarePlan,
    updated: { description: 'Wound care until healed' },
    patched: { title: 'Wound care at home (revised)' },
    element: 'status',
  },
  {
    type: 'CareTeam',
    bearer: () => system,
    resource: plainCareTeam,
    updated: { name: 'Home care team' },
    patched: { note: [{ text: 'Meets on Mondays' }] },
    element: 'status',
  },
  {
    type: 'Goal',
    bearer: () => gp,
    resource: plainGoal,
    updated: { description: { text: 'Walk 500 m without help' } },
    patched: { note: [{ text: 'Physiotherapy twice a week' }] },
    element: 'lifecycleStatus',
  },
  // Sent: what it says is fixed, its other elements may change. An EHR (a system) records it for
  // the GP it names as sender, and reads it whatever the access decision.
  {
    type: 'Communication',
    bearer: () => system,
    resource: plainCommunication,
    updated: { note: [{ text: 'Call back if the wound reddens' }] },
    patched: { priority: 'urgent' },
    element: 'status',
  },
  {
    type: 'DocumentReference',
    bearer: () => system,
    resource: plainDocumentReference,
    updated: { description: 'Summary of the wound care episode' },
    patched: { docStatus: 'final' },
    element: 'status',
  },
];

requestGroup('interactions', (send) => {
  for (const subject of SUBJECTS)
    // eslint-disable-next-line jest/valid-title -- a string (the rule wants literals)
    describe(subject.type, () => {
      const { type } = subject;
      let id = '';
      /** The ETag of the latest version this test wrote (versions need not be consecutive). */
      let etag = '';
      /** The versionId of each write, oldest first, with the method that made it. */
      const writes: [string, string][] = [];
      const call = (method: string, path: string, extra: Partial<ConformanceRequest> = {}) =>
        send({ bearer: subject.bearer(), method, path, ...extra });
      const need = () => {
        if (id === '') throw new Error(`no ${type} was created (see the create test)`);
        return id;
      };
      /** Records a write: its ETag is a weak ETag, its version later than the one before. */
      const wrote = (method: string, response: ConformanceResponse) => {
        const tag = response.headers.get('etag') ?? '';
        const version = /^W\/"(.+)"$/.exec(tag)?.[1];
        expect({ etag: tag, versionId: (response.body?.meta as Resource | undefined)?.versionId }).toEqual({
          etag: `W/"${String(version)}"`,
          versionId: version,
        });
        if (writes.length > 0)
          expect(Number(version)).toBeGreaterThan(Number(writes[writes.length - 1]?.[0]));
        writes.push([String(version), method]);
        etag = tag;
      };

      it('create: 201 with Location and ETag, read back equal', async () => {
        const sent = subject.resource();
        const created = await call('POST', type, { body: sent });
        expectStatus(created, 201);
        id = String(created.body?.id);
        wrote('POST', created);
        expect(created.headers.get('location')).toMatch(
          new RegExp(`/fhir/${type}/${id}/_history/${writes[0]?.[0]}$`),
        );
        const read = await call('GET', `${type}/${id}`);
        expect(read.status).toBe(200);
        expect(describeDifferences(roundTripDifferences(sent, read.body ?? {}))).toBe('');
      });

      it('read and vread: the same version', async () => {
        const read = await call('GET', `${type}/${need()}`);
        expect(read.status).toBe(200);
        expect(read.headers.get('etag')).toBe(etag);
        const version = String((read.body?.meta as Resource | undefined)?.versionId);
        const vread = await call('GET', `${type}/${id}/_history/${version}`);
        expect(vread.status).toBe(200);
        expect(vread.body).toEqual(read.body);
      });

      it('update: PUT what was read with a change (If-Match), a new version, the change read back', async () => {
        const read = await call('GET', `${type}/${need()}`);
        const body = updateOf(subject, read.body ?? {});
        const updated = await call('PUT', `${type}/${id}`, { body, headers: { 'if-match': etag } });
        expectStatus(updated, 200);
        wrote('PUT', updated);
        const again = await call('GET', `${type}/${id}`);
        expect(again.body).toMatchObject(subject.updated);
        expect(describeDifferences(roundTripDifferences(body, again.body ?? {}))).toBe('');
      });

      it('update with a stale If-Match: 412', async () => {
        const read = await call('GET', `${type}/${need()}`);
        const stale = await call('PUT', `${type}/${id}`, {
          body: read.body,
          headers: { 'if-match': 'W/"0"' },
          label: `PUT ${type}/${id} (stale If-Match)`,
        });
        expect(stale.status).toBe(412);
        expect(stale.body?.resourceType).toBe('OperationOutcome');
      });

      it('JSON Patch (If-Match): a new version, the change read back', async () => {
        need();
        const patched = await call('PATCH', `${type}/${id}`, {
          body: patchOf(subject),
          headers: { 'if-match': etag },
        });
        expectStatus(patched, 200);
        wrote('PATCH', patched);
        const read = await call('GET', `${type}/${id}`);
        expect(read.body).toMatchObject(subject.patched);
      });

      it('history: instance (newest first, the methods as sent) and type', async () => {
        const history = await call('GET', `${type}/${need()}/_history`);
        expect(history.status).toBe(200);
        expect(history.body).toMatchObject({ resourceType: 'Bundle', type: 'history' });
        const entries = (history.body?.entry ?? []) as {
          resource?: Resource;
          request?: { method?: string };
        }[];
        const listed = entries.map((entry) => [
          String((entry.resource?.meta as Resource | undefined)?.versionId),
          entry.request?.method,
        ]);
        // Every write this test made is listed, newest first, with its method (versions the server
        // made on its own, if any, may sit between them).
        expect(listed.filter(([version]) => writes.some(([written]) => written === version))).toEqual(
          [...writes].reverse(),
        );
        const typeHistory = await call('GET', `${type}/_history?_count=100`);
        expect(typeHistory.status).toBe(200);
        expect(bundleIds(typeHistory.body)).toContain(id);
      });

      it('search: _id, _summary=count, _elements (the element, and the mandatory ones)', async () => {
        const byId = await call('GET', `${type}?_id=${need()}`);
        expect(byId.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
        expect(bundleIds(byId.body, type)).toEqual([id]);
        const count = await call('GET', `${type}?_id=${id}&_summary=count`);
        expect(count.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
        expect(count.body?.entry).toBeUndefined();
        const elements = await call('GET', `${type}?_id=${id}&_elements=${subject.element}`);
        const resource = ((elements.body?.entry ?? []) as { resource: Resource }[])[0]?.resource;
        // R4 (search, _elements): servers SHOULD return the mandatory elements too.
        const allowed = new Set(['id', 'meta', 'resourceType', subject.element, ...MANDATORY[type]]);
        expect(Object.keys(resource ?? {}).filter((key) => !allowed.has(key))).toEqual([]);
        expect(resource?.[subject.element]).toBeDefined();
        expect(JSON.stringify(resource?.meta)).toContain('SUBSETTED');
      });

      it('$validate: a valid resource passes, one with a status outside its value set does not', async () => {
        const valid = await call('POST', `${type}/$validate`, { body: subject.resource() });
        expect(valid.status).toBe(200);
        expect(valid.body?.resourceType).toBe('OperationOutcome');
        const severities = (body: Resource | undefined) =>
          ((body?.issue ?? []) as { severity: string }[]).map((issue) => issue.severity);
        expect(severities(valid.body)).not.toContain('error');
        const statusKey = type === 'Goal' ? 'lifecycleStatus' : 'status';
        const invalid = await call('POST', `${type}/$validate`, {
          body: { ...subject.resource(), [statusKey]: 'not-a-status' },
          label: `POST ${type}/$validate (${statusKey} not-a-status)`,
        });
        expect(invalid.body?.resourceType).toBe('OperationOutcome');
        expect(severities(invalid.body)).toContain('error');
      });

      it('errors are OperationOutcomes: 404 for an unknown id', async () => {
        const missing = await call('GET', `${type}/does-not-exist`);
        expect(missing.status).toBe(404);
        expect(missing.body?.resourceType).toBe('OperationOutcome');
      });
    });

  it('a business rule broken: 422 naming the rule (a Task created completed)', async () => {
    const refused = await send({
      bearer: gp,
      method: 'POST',
      path: 'Task',
      body: { ...plainTask(), status: 'completed' },
      label: 'POST Task status=completed (422)',
    });
    expect(refused.status).toBe(422);
    expect(namesRuleOrElement(refused.body)).toBe(true);
  });

  it('an invalid body: 400 naming the element (a Task without intent)', async () => {
    const { intent: _intent, ...withoutIntent } = plainTask();
    const refused = await send({
      bearer: gp,
      method: 'POST',
      path: 'Task',
      body: withoutIntent,
      label: 'POST Task without intent (400)',
    });
    expect(refused.status).toBe(400);
    expect(namesRuleOrElement(refused.body)).toBe(true);
  });
});

requestGroup('search parameters', (send) => {
  const cases = searchCases(RUN);
  /** The rich resource of each type as read back, and the ids they refer to. */
  const stored: Partial<Record<string, Resource>> = {};
  const ids: Partial<Referenced & Record<string, string>> = {};

  /** Creates `body` as `bearer` and reads it back under `key` (a type, or a helper's name); a problem, or none. */
  async function store(key: string, bearer: string, body: Resource): Promise<string | undefined> {
    const type = String(body.resourceType);
    const created = await send({ bearer, method: 'POST', path: type, body, label: `POST ${type} (${key})` });
    if (created.status !== 201) return `${key}: ${created.status} ${issuesOf(created.body)}`;
    ids[key] = String(created.body?.id);
    const read = await send({ bearer: system, method: 'GET', path: `${type}/${ids[key]}` });
    if (read.status !== 200) return `${key}: read back ${read.status} ${issuesOf(read.body)}`;
    stored[key] = read.body;
    return undefined;
  }

  it('stores a resource of each type with a value for each search parameter', async () => {
    const problems = [
      await store('Goal', gp, richGoal(RUN)),
      await store('CareTeam', system, richCareTeam(RUN)),
      await store('plan', coordinator, plainCarePlan()),
      await store('task', gp, plainTask()),
    ];
    const referenced = { goal: ids.Goal, careTeam: ids.CareTeam, plan: ids.plan, task: ids.task };
    Object.assign(ids, referenced);
    problems.push(
      await store('CarePlan', coordinator, richCarePlan(RUN, referenced as Referenced)),
      await store('Task', gp, richTask(RUN, referenced as Referenced)),
    );
    if (ids.Task !== undefined) {
      const started = await send({
        bearer: nurse,
        method: 'PATCH',
        path: `Task/${ids.Task}`,
        body: START_TASK,
      });
      if (started.status !== 200) problems.push(`Task: started ${started.status} ${issuesOf(started.body)}`);
      stored.Task = (await send({ bearer: system, method: 'GET', path: `Task/${ids.Task}` })).body;
    }
    stored.goal = stored.Goal;
    stored.careTeam = stored.CareTeam;
    expect(problems.filter((problem) => problem !== undefined)).toEqual([]);
  });

  it('has a case for every search parameter the CapabilityStatement advertises (and none other)', () => {
    const resources = ((capabilities?.rest as Resource[] | undefined)?.[0]?.resource ?? []) as Resource[];
    expect(resources.length).toBeGreaterThan(0);
    const advertised = Object.fromEntries(
      HOSTED_TYPES.map((type) => [
        type,
        ((resources.find((resource) => resource.type === type)?.searchParam ?? []) as { name: string }[])
          .map((param) => param.name)
          .sort(),
      ]),
    );
    const tabled = Object.fromEntries(
      HOSTED_TYPES.map((type) => [type, Object.keys(cases[type] ?? {}).sort()]),
    );
    expect(tabled).toEqual(advertised);
  });

  const table = HOSTED_TYPES.flatMap((type) =>
    Object.entries(cases[type] ?? {}).map(([param, searchCase]) => [type, param, searchCase] as const),
  );

  it.each(table)(
    '%s?%s= finds the stored resource by its value, and not by another',
    async (type, param, searchCase) => {
      const self = ids[type];
      const resource = stored[type];
      if (self === undefined || resource === undefined)
        throw new Error(`no ${type} was stored (see the store test)`);
      const name = BY_IDENTIFIER.has(`${type}:${param}`) ? `${param}:identifier` : param;
      const value = searchCase.match(resource, { ...(ids as Referenced), self });
      const query = (searched: string) =>
        `${type}?${name}=${encodeURIComponent(searched)}${param === '_id' ? '' : `&_id=${self}`}`;
      const found = await send({ bearer: system, method: 'GET', path: query(value) });
      const missed = await send({ bearer: system, method: 'GET', path: query(searchCase.miss) });
      const outcomes = (bundle: Resource | undefined) =>
        ((bundle?.entry ?? []) as { resource?: Resource }[])
          .filter((entry) => entry.resource?.resourceType === 'OperationOutcome')
          .map((entry) => JSON.stringify(entry.resource?.issue));
      // The query is in both objects so that a failure names it.
      expect({
        query: query(value),
        status: found.status,
        found: bundleIds(found.body, type),
        outcomes: outcomes(found.body),
      }).toEqual({ query: query(value), status: 200, found: [self], outcomes: [] });
      expect({
        query: query(searchCase.miss),
        status: missed.status,
        found: bundleIds(missed.body, type),
      }).toEqual({
        query: query(searchCase.miss),
        status: 200,
        found: [],
      });
    },
  );

  it.each([
    [
      'Task',
      'task',
      ['_include=Task:based-on', '_include=Task:focus', '_include=Task:part-of'],
      ['plan', 'goal', 'task'],
    ],
    ['CarePlan', 'CarePlan', ['_include=CarePlan:goal', '_include=CarePlan:care-team'], ['goal', 'careTeam']],
    [
      'CarePlan',
      'plan',
      ['_revinclude=CarePlan:based-on', '_revinclude=Task:based-on'],
      ['CarePlan', 'Task'],
    ],
    ['Goal', 'goal', ['_revinclude=CarePlan:goal', '_revinclude=Task:focus'], ['CarePlan', 'Task']],
    ['CareTeam', 'careTeam', ['_revinclude=CarePlan:care-team'], ['CarePlan']],
  ] as const)('%s of %s with %j includes %j', async (type, key, parameters, included) => {
    // For the Task case, the rich Task is the match and the plain one (its parent) is included.
    const matchKey = type === 'Task' ? 'Task' : key;
    const self = ids[matchKey];
    if (self === undefined) throw new Error(`no ${matchKey} was stored (see the store test)`);
    const found = await send({
      bearer: system,
      method: 'GET',
      path: `${type}?_id=${self}&${parameters.join('&')}`,
    });
    expect(found.status).toBe(200);
    const modes = searchModes(found.body);
    const expected = Object.fromEntries<string>([
      [`${type}/${self}`, 'match'] as const,
      ...included.map((name) => {
        const resource = stored[name];
        return [`${String(resource?.resourceType)}/${String(ids[name])}`, 'include'] as const;
      }),
    ]);
    expect(Object.fromEntries(Object.entries(modes).filter(([, mode]) => mode !== 'outcome'))).toEqual(
      expected,
    );
  });
});

/** `POST /fhir` (batch, transaction) answered 404 or 405 when the interaction does not exist yet. */
let systemInteraction: string | undefined;
const SUPPORTED = 'supported';

requestGroup('batch and transaction', (send) => {
  const reasonToSkip = async (): Promise<string | undefined> => {
    if (systemInteraction === undefined) {
      const probe = await send({
        bearer: system,
        method: 'POST',
        path: '',
        body: { resourceType: 'Bundle', type: 'batch', entry: [] },
        label: 'POST /fhir (empty batch: is there a system interaction?)',
      });
      systemInteraction =
        probe.status === 404 || probe.status === 405
          ? `POST /fhir answers ${probe.status}: batch/transaction not implemented yet (issue 15, another engineer)`
          : SUPPORTED;
      // Anything else than "not there" is an answer to assert: an empty batch is a batch-response.
      if (systemInteraction === SUPPORTED) {
        expect(probe.status).toBe(200);
        expect(probe.body).toMatchObject({ resourceType: 'Bundle', type: 'batch-response' });
      }
    }
    return systemInteraction === SUPPORTED ? undefined : systemInteraction;
  };

  /** A Bundle entry that creates `resource` (`fullUrl`: a fresh urn:uuid by default). */
  const postEntry = (resource: Resource, fullUrl = `urn:uuid:${randomUUID()}`) => ({
    fullUrl,
    resource,
    request: { method: 'POST', url: String(resource.resourceType) },
  });
  const postBundle = (type: 'batch' | 'transaction', label: string, entry: unknown[]) =>
    send({ bearer: gp, method: 'POST', path: '', body: { resourceType: 'Bundle', type, entry }, label });

  it('batch: a create and a read, each answered in its entry', async () => {
    const reason = await reasonToSkip();
    if (reason !== undefined) {
      skip('batch: a create and a read', reason);
      return;
    }
    const answer = await postBundle('batch', 'POST /fhir (batch)', [
      postEntry(plainTask()),
      { request: { method: 'GET', url: 'Task/does-not-exist' } },
      { request: { method: 'GET', url: 'Task?_summary=count' } },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'batch-response' });
    const entries = (answer.body?.entry ?? []) as { response?: { status?: string; location?: string } }[];
    expect(entries.map((entry) => entry.response?.status?.split(' ')[0])).toEqual(['201', '404', '200']);
    const location = entries[0]?.response?.location ?? '';
    expect(location).toMatch(/Task\/[^/]+\/_history\/[^/]+$/);
    const read = await send({
      bearer: gp,
      method: 'GET',
      path: location.replace(/^.*?(Task\/[^/]+).*$/, '$1'),
    });
    expect(describeDifferences(roundTripDifferences(plainTask(), read.body ?? {}))).toBe('');
  });

  it('transaction: two creates, one referring to the other by its urn:uuid', async () => {
    const reason = await reasonToSkip();
    if (reason !== undefined) {
      skip('transaction: two creates with a urn:uuid reference', reason);
      return;
    }
    const parent = `urn:uuid:${randomUUID()}`;
    const answer = await postBundle('transaction', 'POST /fhir (transaction)', [
      postEntry(plainTask(), parent),
      postEntry({ ...plainTask(), partOf: [{ reference: parent }] }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    const entries = (answer.body?.entry ?? []) as { response?: { status?: string; location?: string } }[];
    expect(entries.map((entry) => entry.response?.status?.split(' ')[0])).toEqual(['201', '201']);
    const [parentId, childId] = entries.map(
      (entry) => /Task\/([^/]+)/.exec(entry.response?.location ?? '')?.[1],
    );
    const child = await send({ bearer: gp, method: 'GET', path: `Task/${String(childId)}` });
    expect((child.body?.partOf as Resource[] | undefined)?.map((reference) => reference.reference)).toEqual([
      `Task/${String(parentId)}`,
    ]);
  });

  it('transaction: all or nothing (one entry refused, none created)', async () => {
    const reason = await reasonToSkip();
    if (reason !== undefined) {
      skip('transaction: all or nothing', reason);
      return;
    }
    const marker = `${RUN}-atomic`;
    const tagged = {
      ...plainTask(),
      identifier: [{ system: 'https://conformance.example.org/atomic', value: marker }],
    };
    const answer = await postBundle('transaction', 'POST /fhir (transaction, one entry refused)', [
      postEntry(tagged),
      postEntry({ ...tagged, status: 'completed' }),
    ]);
    expect(answer.status).toBe(422);
    expect(answer.body?.resourceType).toBe('OperationOutcome');
    const search = await send({
      bearer: gp,
      method: 'GET',
      path: `Task?identifier=${encodeURIComponent(`https://conformance.example.org/atomic|${marker}`)}`,
    });
    expect(bundleIds(search.body, 'Task')).toEqual([]);
  });
});

requestGroup('FHIRPath Patch', (send) => {
  it('replaces an element with a Parameters body (application/fhir+json)', async () => {
    // With its priority given: `replace` needs an element to replace.
    const created = await send({
      bearer: gp,
      method: 'POST',
      path: 'Task',
      body: { ...plainTask(), priority: 'routine' },
      label: 'POST Task (for FHIRPath Patch)',
    });
    expect(created.status).toBe(201);
    const id = String(created.body?.id);
    const patch = {
      resourceType: 'Parameters',
      parameter: [
        {
          name: 'operation',
          part: [
            { name: 'type', valueCode: 'replace' },
            { name: 'path', valueString: 'Task.priority' },
            { name: 'value', valueCode: 'asap' },
          ],
        },
      ],
    };
    const patched = await send({
      bearer: gp,
      method: 'PATCH',
      path: `Task/${id}`,
      body: patch,
      label: `PATCH Task/${id} (FHIRPath Patch)`,
    });
    if (patched.status === 415) {
      skip(
        'FHIRPath Patch',
        `PATCH with a Parameters body answers 415: FHIRPath Patch not implemented yet (issue 15, another engineer)`,
      );
      return;
    }
    expectStatus(patched, 200);
    const read = await send({ bearer: gp, method: 'GET', path: `Task/${id}` });
    expect(read.body?.priority).toBe('asap');
  });
});
