// FHIRPath Patch (R4 fhirpatch.html, issue 15): PATCH with a Parameters body as
// application/fhir+json, through the gateway's real services on PostgreSQL. Every operation type,
// the result validated and stored as any update (history shows PATCH); malformed patches and paths
// that do not resolve are 4xx OperationOutcomes naming the operation, and change nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, CarePlan, OperationOutcome, Parameters, ParametersParameter } from 'fhir/r4.js';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';

const operation = (parts: ParametersParameter[]): ParametersParameter => ({ name: 'operation', part: parts });
const patch = (...operations: ParametersParameter[]): Parameters => ({
  resourceType: 'Parameters',
  parameter: operations,
});
const type = (code: string): ParametersParameter => ({ name: 'type', valueCode: code });
const path = (value: string): ParametersParameter => ({ name: 'path', valueString: value });

describe('FHIRPath Patch', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway-fhirpath-patch');
    db = postgresDatabase({ connectionString: database.url });
    gateway = await startInProcessGateway(db);
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  const newPlan = async (): Promise<CarePlan> => {
    const created = await gateway.call('POST', 'CarePlan', {
      resourceType: 'CarePlan',
      status: 'draft',
      intent: 'plan',
      title: 'one',
      description: 'to be deleted',
      note: [{ text: 'a' }],
      subject: { identifier: { system: INS, value: '279035121518989' } },
    });
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    return created.body as unknown as CarePlan;
  };
  const patchPlan = (id: string, body: unknown, contentType = 'application/fhir+json') =>
    gateway.call('PATCH', `CarePlan/${id}`, JSON.stringify(body), { 'content-type': contentType });

  it('applies replace, add, insert, move and delete in order; the history shows PATCH', async () => {
    const plan = await newPlan();
    const id = plan.id ?? '';
    const patched = await patchPlan(
      id,
      patch(
        operation([type('replace'), path('CarePlan.title'), { name: 'value', valueString: 'two' }]),
        operation([
          type('add'),
          path('CarePlan'),
          { name: 'name', valueString: 'note' },
          { name: 'value', valueAnnotation: { text: 'b' } },
        ]),
        operation([
          type('insert'),
          path('CarePlan.note'),
          { name: 'index', valueInteger: 0 },
          { name: 'value', valueAnnotation: { text: 'z' } },
        ]),
        // [z, a, b] → [b, z, a]
        operation([
          type('move'),
          path('CarePlan.note'),
          { name: 'source', valueInteger: 2 },
          { name: 'destination', valueInteger: 0 },
        ]),
        operation([type('delete'), path('CarePlan.description')]),
        operation([type('delete'), path("CarePlan.note.where(text = 'z')")]),
      ),
    );
    expect([patched.status, patched.body.issue]).toEqual([200, undefined]);
    const result = patched.body as unknown as CarePlan;
    expect(result.title).toBe('two');
    expect(result.note?.map((n) => n.text)).toEqual(['b', 'a']);
    expect(result.description).toBeUndefined();
    expect(result.meta?.versionId).toBe('2');

    const read = (await gateway.call('GET', `CarePlan/${id}`)).body as unknown as CarePlan;
    expect([read.title, read.note?.map((n) => n.text), read.description]).toEqual([
      'two',
      ['b', 'a'],
      undefined,
    ]);
    const history = (await gateway.call('GET', `CarePlan/${id}/_history`)).body as unknown as Bundle;
    expect(history.entry?.map((e) => e.request?.method)).toEqual(['PATCH', 'POST']);
  });

  it('adds a non-repeating element that is absent, and refuses to overwrite one that is there (422)', async () => {
    const plan = await newPlan();
    const id = plan.id ?? '';
    const added = await patchPlan(
      id,
      patch(
        operation([
          type('add'),
          path('CarePlan'),
          { name: 'name', valueString: 'period' },
          { name: 'value', valuePeriod: { start: '2026-06-01' } },
        ]),
      ),
    );
    expect([added.status, (added.body as unknown as CarePlan).period]).toEqual([
      200,
      { start: '2026-06-01' },
    ]);
    const again = await patchPlan(
      id,
      patch(
        operation([
          type('add'),
          path('CarePlan'),
          { name: 'name', valueString: 'title' },
          { name: 'value', valueString: 'three' },
        ]),
      ),
    );
    expect(again.status).toBe(422);
    expect((again.body as unknown as OperationOutcome).issue[0]?.diagnostics).toMatch(/use replace/);
  });

  it('refuses malformed patches and paths that do not resolve with a 4xx naming the operation, changing nothing', async () => {
    const plan = await newPlan();
    const id = plan.id ?? '';
    const cases: { body: unknown; status: number; expression: string; diagnostics: RegExp }[] = [
      {
        body: { ...plan },
        status: 400,
        expression: 'Parameters',
        diagnostics: /FHIRPath Patch is a Parameters resource/,
      },
      {
        body: patch(operation([type('rename'), path('CarePlan.title')])),
        status: 400,
        expression: 'Parameters.parameter[0]',
        diagnostics: /unknown operation type "rename"/,
      },
      {
        body: patch(operation([type('replace'), path('CarePlan.title')])),
        status: 400,
        expression: 'Parameters.parameter[0]',
        diagnostics: /needs a value/,
      },
      {
        body: patch(
          operation([type('replace'), path('CarePlan.title'), { name: 'value', valueString: 'x' }]),
          operation([
            type('replace'),
            path('CarePlan.period'),
            { name: 'value', valuePeriod: { start: '2026' } },
          ]),
        ),
        status: 422,
        expression: 'Parameters.parameter[1]',
        diagnostics:
          /operation 2 \(replace CarePlan.period\): the path must name exactly one element, it names 0/,
      },
      {
        body: patch(
          operation([type('replace'), path('CarePlan..title'), { name: 'value', valueString: 'x' }]),
        ),
        status: 422,
        expression: 'Parameters.parameter[0]',
        diagnostics: /the path does not evaluate/,
      },
      {
        body: patch(
          operation([
            type('insert'),
            path('CarePlan.note'),
            { name: 'index', valueInteger: 5 },
            { name: 'value', valueAnnotation: { text: 'x' } },
          ]),
        ),
        status: 422,
        expression: 'Parameters.parameter[0]',
        diagnostics: /past the end of the list/,
      },
      {
        body: patch(
          operation([type('delete'), path('CarePlan.note.text')]),
          operation([type('delete'), path('CarePlan')]),
        ),
        status: 422,
        expression: 'Parameters.parameter[1]',
        diagnostics: /cannot be deleted/,
      },
      {
        // Applies, but the result is not a valid CarePlan: the validator's 400, as for any update.
        body: patch(
          operation([type('replace'), path('CarePlan.status'), { name: 'value', valueCode: 'bogus' }]),
        ),
        status: 400,
        expression: 'CarePlan.status',
        diagnostics: /./,
      },
    ];
    for (const c of cases) {
      const answer = await patchPlan(id, c.body);
      const outcome = answer.body as unknown as OperationOutcome;
      expect([answer.status, outcome.resourceType]).toEqual([c.status, 'OperationOutcome']);
      expect(outcome.issue[0]?.diagnostics).toMatch(c.diagnostics);
      expect(outcome.issue[0]?.expression).toContain(c.expression);
    }
    const unsupported = await patchPlan(id, patch(), 'text/plain');
    expect(unsupported.status).toBe(415);
    const read = (await gateway.call('GET', `CarePlan/${id}`)).body as unknown as CarePlan;
    expect([read.meta?.versionId, read.title, read.note]).toEqual(['1', 'one', [{ text: 'a' }]]);
  });

  it('JSON Patch keeps working beside it', async () => {
    const plan = await newPlan();
    const patched = await patchPlan(
      plan.id ?? '',
      [{ op: 'replace', path: '/title', value: 'json' }],
      'application/json-patch+json',
    );
    expect([patched.status, (patched.body as unknown as CarePlan).title]).toEqual([200, 'json']);
  });

  it('a PATCH entry of a transaction takes a FHIRPath Patch', async () => {
    const plan = await newPlan();
    const answer = await gateway.call('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: patch(
            operation([type('replace'), path('CarePlan.title'), { name: 'value', valueString: 'tx' }]),
          ),
          request: { method: 'PATCH', url: `CarePlan/${plan.id ?? ''}` },
        },
      ],
    });
    expect(answer.status).toBe(200);
    const entry = (answer.body as unknown as Bundle).entry?.[0];
    expect([entry?.response?.status, (entry?.resource as CarePlan).title]).toEqual(['200 OK', 'tx']);
  });
});
