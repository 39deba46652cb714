// Conformance report (`pnpm conformance`): starts the gateway as a process (embedded mode, PGlite
// in a temp data dir) and the official HL7 FHIR R4 validator, sends a set of FHIR requests, and
// validates every response body. Prints a table (request, status, errors, warnings), the error
// messages grouped by kind, and totals. A report, not a test: it exits 0 whatever it finds (1 only
// when it cannot run). Not part of `npm test` until it reaches zero errors (issue 15).
import { devToken, type RunningGateway } from '@carenet/testing';
import {
  OFFICIAL_EXAMPLES,
  officialExample,
  operationDefinitionIds,
  startConformanceServers,
  ValidatedClient,
} from './validated-client.js';
import { printRows } from './validation-summary.js';

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

async function drive(report: ValidatedClient, gateway: RunningGateway): Promise<void> {
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
  const servers = await startConformanceServers({ log });
  try {
    const report = new ValidatedClient(servers.gateway, servers.validator);
    await drive(report, servers.gateway);
    await report.settled();
    printRows(report.rows, (line = '') => process.stdout.write(`${line}\n`));
  } finally {
    await servers.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `conformance: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
