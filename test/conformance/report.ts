// Conformance report (`pnpm conformance`): starts the gateway as a process (embedded mode, PGlite
// in a temp data dir) and the official HL7 FHIR R4 validator, sends a set of FHIR requests, and
// validates every response body. Prints a table (request, status, errors, warnings), the error
// messages grouped by kind, and totals. A report, not a test: it exits 0 whatever it finds (1 only
// when it cannot run). Not part of `npm test` until it reaches zero errors (issue 15).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  devToken,
  repositoryRoot,
  startGatewayProcess,
  startHl7Validator,
  type Hl7ValidationError,
  type Hl7Validator,
  type RunningGateway,
} from '@carenet/testing';

interface Row {
  readonly request: string;
  readonly status: number;
  readonly errors: readonly Hl7ValidationError[];
  readonly warnings: number;
  readonly warningMessages: readonly Hl7ValidationError[];
  /** For an error status: the first issue's diagnostics of the OperationOutcome. */
  readonly note?: string;
  /** Why the body was not validated (not JSON, empty). */
  readonly skipped?: string;
}

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const X = 'https://carenet.example.org/fhir/StructureDefinition';
const professional = (value: string) => ({ identifier: { system: IDNPS, value } });

/** Wound care for patient 279035121518989, requested of nurse 810000000002 (test/e2e/support). */
const woundCareTask = {
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  code: { text: 'Wound care' },
  for: { identifier: { system: INS, value: '279035121518989' } },
  owner: professional('810000000002'),
};

/** A draft PPCS coordinated by nurse 870000000001 (test/e2e/support/ppcs-draft.ts). */
const ppcsDraft = {
  resourceType: 'CarePlan',
  status: 'draft',
  intent: 'plan',
  category: [
    { coding: [{ system: 'https://carenet.example.org/fhir/CodeSystem/care-plan-category', code: 'ppcs' }] },
  ],
  subject: { identifier: { system: INS, value: '279035121518989' } },
  extension: [
    { url: `${X}/care-plan-coordinator`, valueReference: professional('870000000001') },
    { url: `${X}/care-plan-medecin-traitant`, valueReference: professional('810000000002') },
    { url: `${X}/care-plan-review-date`, valueDate: '2026-12-26' },
  ],
  activity: [
    {
      detail: {
        kind: 'Task',
        status: 'not-started',
        code: { text: 'Wound care' },
        performer: [professional('810000000003')],
        scheduledPeriod: { start: '2026-11-26', end: '2026-12-10' },
      },
    },
  ],
};

/** The official R4 examples vendored for the validation tests (their sources: fixtures/README.md). */
const OFFICIAL_EXAMPLES = [
  'task-example1.json',
  'task-example2.json',
  'task-example3.json',
  'careplan-f001.json',
  'careplan-gpvisit.json',
];

function officialExample(file: string): Record<string, unknown> {
  const path = join(repositoryRoot(), 'packages', 'fhir', 'test', 'validation', 'fixtures', file);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

class Report {
  readonly rows: Row[] = [];

  constructor(
    private readonly gateway: RunningGateway,
    private readonly validator: Hl7Validator,
  ) {}

  /** Sends one request, validates its body, records a row; returns status and parsed body. */
  async call(
    bearer: string,
    method: string,
    path: string,
    body?: unknown,
    label?: string,
  ): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
    const response = await fetch(`${this.gateway.base}/fhir/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        accept: 'application/fhir+json',
        ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const request = label ?? `${method} ${path}`;
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      this.rows.push({
        request,
        status: response.status,
        errors: [],
        warnings: 0,
        warningMessages: [],
        skipped: text === '' ? 'empty body' : 'not JSON',
      });
      return { status: response.status, body: undefined };
    }
    const result = await this.validator.validate(parsed);
    this.rows.push({ request, status: response.status, ...result, ...diagnostics(response.status, parsed) });
    return { status: response.status, body: parsed };
  }
}

/** The first issue's diagnostics of an error OperationOutcome, for the table. */
function diagnostics(status: number, body: Record<string, unknown>): { note?: string } {
  if (status < 400 || body.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue)) return {};
  const issue = body.issue[0] as { diagnostics?: unknown; details?: { text?: unknown } } | undefined;
  const text = issue?.diagnostics ?? issue?.details?.text;
  return typeof text === 'string' ? { note: text.length > 110 ? `${text.slice(0, 109)}…` : text } : {};
}

/** Every canonical URL of an OperationDefinition named by the CapabilityStatement. */
function operationDefinitionIds(capabilities: Record<string, unknown> | undefined): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.definition === 'string' && record.definition.includes('/OperationDefinition/'))
        ids.add(record.definition.replace(/\|.*$/, '').split('/OperationDefinition/')[1] ?? '');
      for (const child of Object.values(record)) visit(child);
    }
  };
  visit(capabilities?.rest);
  return [...ids].filter((id) => id !== '').sort();
}

/** A message with its variable parts (quoted values, ids, numbers) blanked: one kind per rule. */
function kindOf(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+\b/g, 'n');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Prints the messages of `rows` grouped by kind, most frequent first; returns how many kinds. */
function printByKind(
  title: string,
  rows: readonly Row[],
  messagesOf: (row: Row) => readonly Hl7ValidationError[],
  out: (line?: string) => void,
): number {
  const kinds = new Map<string, { count: number; requests: Set<string>; example: Hl7ValidationError }>();
  for (const row of rows)
    for (const message of messagesOf(row)) {
      const kind = kindOf(message.message);
      const entry = kinds.get(kind) ?? { count: 0, requests: new Set<string>(), example: message };
      entry.count += 1;
      entry.requests.add(row.request);
      kinds.set(kind, entry);
    }
  out();
  out(`${title} by kind (${kinds.size}):`);
  for (const [, entry] of [...kinds].sort((a, b) => b[1].count - a[1].count)) {
    out();
    out(`  ${entry.count} x ${entry.example.message}`);
    out(`      at ${entry.example.location}`);
    const requests = [...entry.requests];
    const more = requests.length > 4 ? `; and ${requests.length - 4} more` : '';
    out(`      in ${requests.slice(0, 4).join('; ')}${more}`);
  }
  return kinds.size;
}

function print(rows: readonly Row[]): void {
  const width = Math.min(80, Math.max(...rows.map((row) => row.request.length)));
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out('HL7 FHIR validator (hapi-fhir-validation 8.8.1, R4 core) on every response body');
  out();
  out(`${pad('request', width)}  status  errors  warnings`);
  out(`${'-'.repeat(width)}  ------  ------  --------`);
  for (const row of rows) {
    const request = row.request.length > width ? `${row.request.slice(0, width - 1)}…` : row.request;
    const errors = row.skipped === undefined ? String(row.errors.length) : '-';
    const warnings = row.skipped === undefined ? String(row.warnings) : `(${row.skipped})`;
    out(`${pad(request, width)}  ${pad(String(row.status), 6)}  ${pad(errors, 6)}  ${warnings}`);
    if (row.note !== undefined) out(`    ${row.status}: ${row.note}`);
  }
  const errorKinds = printByKind('Errors', rows, (row) => row.errors, out);
  const warningKinds = printByKind('Warnings', rows, (row) => row.warningMessages, out);
  const validated = rows.filter((row) => row.skipped === undefined);
  const errorCount = validated.reduce((sum, row) => sum + row.errors.length, 0);
  const warningCount = validated.reduce((sum, row) => sum + row.warnings, 0);
  const clean = validated.filter((row) => row.errors.length === 0).length;
  out();
  out(
    `TOTAL: ${rows.length} requests, ${validated.length} bodies validated, ${clean} without errors; ` +
      `${errorCount} errors (${errorKinds} kinds), ${warningCount} warnings (${warningKinds} kinds)`,
  );
  out(
    errorCount === 0
      ? 'Conformance: zero validator errors.'
      : 'Conformance: NOT at zero validator errors yet.',
  );
}

async function drive(report: Report, gateway: RunningGateway): Promise<void> {
  const gp = devToken(gateway, '--professional', '810000000001', '--profession', 'doctor');
  const coordinator = devToken(gateway, '--professional', '870000000001', '--profession', 'nurse');
  const call = report.call.bind(report);

  const metadata = await call(gp, 'GET', 'metadata');

  // A Task: create, read, vread, search, history, _summary, _elements.
  const task = await call(gp, 'POST', 'Task', woundCareTask);
  const taskId = String(task.body?.id);
  await call(gp, 'GET', `Task/${taskId}`);
  await call(gp, 'GET', `Task/${taskId}/_history/1`);
  await call(gp, 'GET', `Task?_id=${taskId}`);
  await call(gp, 'GET', 'Task?status=requested&_count=5');
  await call(gp, 'GET', `Task/${taskId}/_history`);
  await call(gp, 'GET', 'Task/_history');
  await call(gp, 'GET', 'Task?_summary=count');
  await call(gp, 'GET', 'Task?_elements=status');
  await call(gp, 'GET', `Task/${taskId}?_elements=status`);
  await call(gp, 'GET', `Task/${taskId}?_summary=true`);

  // A PPCS CarePlan, drafted by its coordinator.
  const plan = await call(coordinator, 'POST', 'CarePlan', ppcsDraft);
  const planId = String(plan.body?.id);
  await call(coordinator, 'GET', `CarePlan/${planId}`);
  await call(coordinator, 'GET', `CarePlan/${planId}/_history/1`);
  await call(coordinator, 'GET', `CarePlan?_id=${planId}`);
  await call(coordinator, 'GET', `CarePlan/${planId}/_history`);
  await call(coordinator, 'GET', 'CarePlan?_summary=count');
  await call(coordinator, 'GET', 'CarePlan?_elements=status');

  // Error OperationOutcomes.
  await call(gp, 'GET', 'Task/does-not-exist', undefined, 'GET Task/does-not-exist (404)');
  await call(
    gp,
    'POST',
    'Task',
    { ...woundCareTask, status: 'completed' },
    'POST Task status=completed (422)',
  );
  await call(
    gp,
    'POST',
    'Task',
    { resourceType: 'Task', status: 'requested' },
    'POST Task without intent (400)',
  );
  await call(gp, 'GET', 'Task?no-such-param=1', undefined, 'GET Task?no-such-param=1');

  // The OperationDefinitions the CapabilityStatement names.
  for (const id of operationDefinitionIds(metadata.body)) await call(gp, 'GET', `OperationDefinition/${id}`);

  // Official R4 examples: created through the gateway, read back when created.
  for (const file of OFFICIAL_EXAMPLES) {
    const example = officialExample(file);
    const type = String(example.resourceType);
    const bearer = type === 'CarePlan' ? coordinator : gp;
    const created = await call(bearer, 'POST', type, example, `POST ${type} (official ${file})`);
    if (created.status === 201 && typeof created.body?.id === 'string')
      await call(
        bearer,
        'GET',
        `${type}/${created.body.id}`,
        undefined,
        `GET ${type} (official ${file}, read back)`,
      );
  }
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`conformance: ${line}\n`);
  log('starting the HL7 validator (its JVM loads the R4 definitions: tens of seconds) and the gateway');
  const [validatorStarted, gatewayStarted] = await Promise.allSettled([
    startHl7Validator({ log }),
    startGatewayProcess({ dataDirPrefix: 'carenet-conformance-', healthyWithinMs: 120_000 }),
  ]);
  if (validatorStarted.status === 'rejected' || gatewayStarted.status === 'rejected') {
    if (validatorStarted.status === 'fulfilled') await validatorStarted.value.stop();
    if (gatewayStarted.status === 'fulfilled') await gatewayStarted.value.stop();
    throw validatorStarted.status === 'rejected'
      ? validatorStarted.reason
      : (gatewayStarted as PromiseRejectedResult).reason;
  }
  const validator = validatorStarted.value;
  const gateway = gatewayStarted.value;
  try {
    const report = new Report(gateway, validator);
    await drive(report, gateway);
    print(report.rows);
  } finally {
    await Promise.allSettled([validator.stop(), gateway.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `conformance: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
