import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { fold } from '@carenet/eventsourcing';
import type { Task } from 'fhir/r4.js';
import {
  COOPERATION_MODE_SYSTEM,
  createTaskCommand,
  TASK_EXTENSIONS,
  taskResource,
  updateTaskCommands,
} from '../src/fhir/index.js';
import {
  CLIENT_ID_SYSTEM,
  TASK_STATUSES,
  taskDecider,
  type ExistingTask,
  type TaskStatus,
} from '../src/task/index.js';
import { delegationBody, expectValidR4, IDNPS, INS, stateAfter } from './support/fhir-task-fixtures.js';
import {
  CREATED,
  createTask,
  EHR,
  GP,
  historyOf,
  LATER,
  NURSE_1,
  NURSE_2,
  party,
  transition,
} from './support/task-fixtures.js';

const VERSION = { versionId: '1', lastUpdated: CREATED };

function stateOf(status: TaskStatus): ExistingTask {
  const state = fold(taskDecider, historyOf(status));
  if (!state.exists) throw new TypeError('no task');
  return state;
}
const SERVER_OWNED = ['id', 'meta', 'authoredOn', 'lastModified', 'extension'] as const;

function withoutServerOwned(resource: Task): Partial<Task> {
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => !(SERVER_OWNED as readonly string[]).includes(key)),
  );
}

function urls(resource: Task): string[] {
  return (resource.extension ?? []).map((extension) => extension.url);
}

describe('a FHIR Task round trip (create → decide → render)', () => {
  const body = delegationBody();
  const command = createTaskCommand(body, { taskId: 't-1', actor: GP, now: CREATED });
  const state = stateAfter([command]);
  const rendered = taskResource(state, VERSION);

  it('gives back every element the client sent, besides the server-owned ones', () => {
    expect(withoutServerOwned(rendered)).toEqual(withoutServerOwned(body));
  });

  it('is valid R4', () => {
    expectValidR4(rendered);
  });

  it('sets id, meta, authoredOn and lastModified from the server', () => {
    expect(rendered).toMatchObject({
      id: 't-1',
      meta: { versionId: '1', lastUpdated: CREATED },
      authoredOn: CREATED,
      lastModified: CREATED,
    });
  });

  it('references the patient by INS with type Patient (for patient= searches)', () => {
    expect(rendered.for).toEqual({ type: 'Patient', identifier: { system: INS, value: '279035121518989' } });
  });

  it('carries the cooperation mode and who recorded the last change', () => {
    expect(rendered.extension).toEqual([
      {
        url: TASK_EXTENSIONS.cooperationMode,
        valueCoding: { system: COOPERATION_MODE_SYSTEM, code: 'delegation', display: 'Delegation' },
      },
      {
        url: TASK_EXTENSIONS.recordedBy,
        valueReference: {
          type: 'Practitioner',
          identifier: { system: IDNPS, value: '810000000001' },
          display: 'Dr A',
        },
      },
    ]);
  });

  it('PUT back unchanged is no command', () => {
    expect(updateTaskCommands(state, rendered, { actor: GP, now: LATER })).toEqual([]);
  });
});

describe('taskResource', () => {
  it.each(TASK_STATUSES)('renders a %s task as valid R4, and PUT back unchanged is no command', (status) => {
    const state = stateOf(status);
    const rendered = taskResource(state, { versionId: '3', lastUpdated: LATER });
    expectValidR4(rendered);
    expect(rendered.status).toBe(status);
    expect(updateTaskCommands(state, rendered, { actor: GP, now: LATER })).toEqual([]);
  });

  it('renders the statusReason, the outputs and the execution period', () => {
    const completed = taskResource(stateOf('completed'), VERSION);
    expect(completed.output).toEqual([{ type: { text: 'report' }, valueString: 'done' }]);
    expect(completed.executionPeriod).toEqual({ start: LATER, end: LATER });
    const rejected = taskResource(stateOf('rejected'), VERSION);
    expect(rejected.statusReason).toEqual({ text: 'patient hospitalised' });
    expect(rejected.executionPeriod).toBeUndefined();
  });

  it('names the actor of the latest change in recordedBy: the nurse after she accepts', () => {
    const accepted = taskResource(stateOf('accepted'), VERSION);
    expect(accepted.extension?.find((e) => e.url === TASK_EXTENSIONS.recordedBy)?.valueReference).toEqual({
      type: 'Practitioner',
      identifier: { system: IDNPS, value: '860000000001' },
      display: 'N1',
    });
  });

  it('references a system actor as a Device by client id', () => {
    const state = stateAfter([createTask({ actor: EHR })]);
    expect(
      taskResource(state, VERSION).extension?.find((e) => e.url === TASK_EXTENSIONS.recordedBy)
        ?.valueReference,
    ).toEqual({ type: 'Device', identifier: { system: CLIENT_ID_SYSTEM, value: 'ehr-msp' } });
  });

  it('renders sharing with its co-owner and transfer with responsibilityMoves, valid R4', () => {
    const sharing = taskResource(
      stateAfter([createTask({ mode: 'sharing', coOwner: party(NURSE_2) })]),
      VERSION,
    );
    expect(urls(sharing)).toEqual([
      TASK_EXTENSIONS.cooperationMode,
      TASK_EXTENSIONS.coOwner,
      TASK_EXTENSIONS.recordedBy,
    ]);
    expect(sharing.extension?.[1]?.valueReference).toEqual({
      type: 'Practitioner',
      identifier: { system: IDNPS, value: '860000000002' },
      display: 'N2',
    });
    expectValidR4(sharing);
    const transfer = taskResource(
      stateAfter([createTask({ mode: 'transfer', responsibilityMoves: false })]),
      VERSION,
    );
    expect(transfer.extension?.[1]).toEqual({
      url: TASK_EXTENSIONS.responsibilityMoves,
      valueBoolean: false,
    });
    expectValidR4(transfer);
  });

  it('renders an organisation owner and a distribution part (partOf)', () => {
    const state = stateAfter([
      createTask({
        mode: 'distribution',
        partOf: 'parent-1',
        owner: {
          kind: 'organization',
          identifier: { system: 'https://finess.esante.gouv.fr', value: '330000001' },
          display: 'SSIAD',
        },
      }),
    ]);
    const rendered = taskResource(state, VERSION);
    expect(rendered.owner).toEqual({
      type: 'Organization',
      identifier: { system: 'https://finess.esante.gouv.fr', value: '330000001' },
      display: 'SSIAD',
    });
    expect(rendered.partOf).toEqual([{ reference: 'Task/parent-1', type: 'Task' }]);
    expectValidR4(rendered);
  });

  it('renders the owner a task was transferred to', () => {
    const state = stateAfter([
      createTask(),
      transition('AcceptTask'),
      {
        type: 'TransferTask',
        actor: NURSE_1,
        now: LATER,
        to: party(NURSE_2),
        reason: { text: 'leave' },
        responsibilityMoves: true,
      },
    ]);
    expect(taskResource(state, VERSION).owner?.identifier?.value).toBe('860000000002');
  });
});

describe('a consumer builds the Task from its creation event alone (issue 15)', () => {
  const example = (n: 1 | 2 | 3): Task =>
    JSON.parse(
      readFileSync(
        new URL(`../../../packages/fhir/test/validation/fixtures/task-example${n}.json`, import.meta.url),
        'utf8',
      ),
    ) as Task;

  it.each([
    [
      'example1, requested',
      (): Task => {
        const { id: _id, executionPeriod: _e, ...task } = example(1);
        return { ...task, status: 'requested' };
      },
    ],
    [
      'example3, a PractitionerRole requester',
      (): Task => {
        const { id: _id, ...task } = example(3);
        return { ...task, requester: { reference: 'PractitionerRole/example' } };
      },
    ],
  ])('%s: the event, as sent on Kafka, folds into the Task as given', (_name, adapted) => {
    const sent = adapted();
    const command = createTaskCommand(sent, { taskId: 't-1', actor: EHR, now: CREATED });
    const events = taskDecider.decide(command, taskDecider.initialState());
    expect(events).toHaveLength(1);
    const onTheWire = JSON.parse(JSON.stringify(events)) as typeof events;
    const state = fold(taskDecider, onTheWire);
    if (!state.exists) throw new TypeError('no task');
    const { id, meta, extension, ...served } = taskResource(state, VERSION);
    expect({ id, meta }).toEqual({ id: 't-1', meta: { versionId: '1', lastUpdated: CREATED } });
    const own = (extension ?? []).filter((e) => !e.url.startsWith('https://carenet.example.org/'));
    expect(own.length === 0 ? served : { ...served, extension: own }).toEqual(sent);
    expectValidR4(taskResource(state, VERSION));
  });
});
