import { describe, expect, it } from '@jest/globals';
import { fold } from '@carenet/eventsourcing';
import type { Task } from 'fhir/r4.js';
import {
  COOPERATION_MODE_SYSTEM,
  TASK_EXTENSIONS,
  taskResource,
  updateTaskCommands,
} from '../src/fhir/index.js';
import { taskDecider, TASK_RULES, type ExistingTask, type TaskStatus } from '../src/task/index.js';
import { businessRule, IDNPS, INS, stateAfter } from './support/fhir-task-fixtures.js';
import {
  createTask,
  DETAILS,
  GP,
  historyOf,
  LATER,
  NURSE_1,
  NURSE_2,
  party,
  run,
} from './support/task-fixtures.js';

const AT = '2026-05-22T08:00:00.000Z';

function stateOf(status: TaskStatus): ExistingTask {
  const state = fold(taskDecider, historyOf(status));
  if (!state.exists) throw new TypeError('no task');
  return state;
}

/** The resource of a task in `status`, as read, with changes. */
function edited(state: ExistingTask, changes: Partial<Task>): Task {
  return { ...taskResource(state, { versionId: '2', lastUpdated: LATER }), ...changes };
}

const N2_REFERENCE = {
  type: 'Practitioner',
  identifier: { system: IDNPS, value: '860000000002' },
  display: 'N2',
};

describe('updateTaskCommands: status moves', () => {
  it('requested → accepted by the owner is AcceptTask, and the decider takes it', () => {
    const state = stateOf('requested');
    const commands = updateTaskCommands(state, edited(state, { status: 'accepted' }), {
      actor: NURSE_1,
      now: AT,
    });
    expect(commands).toEqual([{ type: 'AcceptTask', actor: NURSE_1, now: AT }]);
    expect(stateAfter(commands, historyOf('requested')).status).toBe('accepted');
  });

  it('in-progress → completed carries the outputs', () => {
    const state = stateOf('in-progress');
    const output = [{ type: { text: 'report' }, valueString: 'dressing done, wound clean' }];
    expect(
      updateTaskCommands(state, edited(state, { status: 'completed', output }), { actor: NURSE_1, now: AT }),
    ).toEqual([{ type: 'CompleteTask', actor: NURSE_1, now: AT, outputs: output }]);
  });

  it('requested → rejected carries the statusReason', () => {
    const state = stateOf('requested');
    const statusReason = { text: 'not my area' };
    expect(
      updateTaskCommands(state, edited(state, { status: 'rejected', statusReason }), {
        actor: NURSE_1,
        now: AT,
      }),
    ).toEqual([{ type: 'RejectTask', actor: NURSE_1, now: AT, reason: statusReason }]);
  });

  it('an illegal move is task-illegal-transition', () => {
    const state = stateOf('requested');
    expect(
      businessRule(() =>
        updateTaskCommands(state, edited(state, { status: 'completed' }), { actor: NURSE_1, now: AT }),
      ).rule,
    ).toBe(TASK_RULES.illegalTransition);
  });

  it('a statusReason alone (status unchanged) is ignored', () => {
    const state = stateOf('requested');
    expect(
      updateTaskCommands(state, edited(state, { statusReason: { text: 'x' } }), { actor: GP, now: AT }),
    ).toEqual([]);
  });
});

describe('updateTaskCommands: request and owner', () => {
  it('a changed request is ChangeTaskDetails with the full new details', () => {
    const state = stateOf('requested');
    const commands = updateTaskCommands(state, edited(state, { priority: 'stat', description: 'today' }), {
      actor: GP,
      now: AT,
    });
    expect(commands).toEqual([
      {
        type: 'ChangeTaskDetails',
        actor: GP,
        now: AT,
        details: { ...DETAILS, priority: 'stat', description: 'today' },
      },
    ]);
    const events = run(commands, historyOf('requested')).slice(historyOf('requested').length);
    expect(events.map((event) => event.type)).toEqual(['TaskDetailsChanged']);
  });

  it('a removed element is part of the new details (the decider records it removed)', () => {
    const state = stateOf('requested');
    const { restriction: _removed, ...resource } = edited(state, {});
    const [command] = updateTaskCommands(state, resource, { actor: GP, now: AT });
    expect(command?.type).toBe('ChangeTaskDetails');
    const events = run(command === undefined ? [] : [command], historyOf('requested'));
    expect(events.at(-1)).toMatchObject({
      type: 'TaskDetailsChanged',
      data: { removed: ['restrictionPeriod'] },
    });
  });

  it('a changed request after acceptance is refused by the decider (task-immutable-after-acceptance)', () => {
    const given = historyOf('accepted');
    const state = stateOf('accepted');
    const commands = updateTaskCommands(state, edited(state, { priority: 'stat' }), { actor: GP, now: AT });
    expect(businessRule(() => run(commands, given)).rule).toBe(TASK_RULES.immutableAfterAcceptance);
  });

  it('a new owner is ChangeTaskOwner', () => {
    const state = stateOf('requested');
    expect(updateTaskCommands(state, edited(state, { owner: N2_REFERENCE }), { actor: GP, now: AT })).toEqual(
      [{ type: 'ChangeTaskOwner', actor: GP, now: AT, owner: { ...party(NURSE_2), type: 'Practitioner' } }],
    );
  });

  it('another display of the same owner is no change of owner: the owner is restated, kept as given', () => {
    const state = stateOf('requested');
    const owner = {
      type: 'Practitioner',
      identifier: { system: IDNPS, value: '860000000001' },
      display: 'Nurse N1',
    };
    const commands = updateTaskCommands(state, edited(state, { owner }), { actor: GP, now: AT });
    expect(commands).toEqual([
      {
        type: 'ChangeTaskElements',
        actor: GP,
        now: AT,
        elements: {},
        restated: { owner: { ...party(NURSE_1), display: 'Nurse N1', type: 'Practitioner' } },
      },
    ]);
    const after = stateAfter(commands, historyOf('requested'));
    expect(after.owner?.display).toBe('Nurse N1');
  });

  it('another display of the same patient is no change of patient (samePatient): restated', () => {
    const state = stateOf('requested');
    const resource = edited(state, {});
    const commands = updateTaskCommands(
      state,
      { ...resource, for: { ...resource.for, display: 'Mme Y' } },
      { actor: GP, now: AT },
    );
    expect(commands).toMatchObject([{ type: 'ChangeTaskElements', restated: { for: { display: 'Mme Y' } } }]);
    expect(
      businessRule(() =>
        updateTaskCommands(
          state,
          { ...resource, for: { reference: 'Patient/other' } },
          { actor: GP, now: AT },
        ),
      ).rule,
    ).toBe(TASK_RULES.immutableElement);
  });

  it('a changed element kept as given is ChangeTaskElements, by the owner during execution', () => {
    const given = historyOf('in-progress');
    const state = stateOf('in-progress');
    const commands = updateTaskCommands(
      state,
      edited(state, { businessStatus: { text: 'waiting for specimen' } }),
      { actor: NURSE_1, now: AT },
    );
    expect(commands).toEqual([
      {
        type: 'ChangeTaskElements',
        actor: NURSE_1,
        now: AT,
        elements: { businessStatus: { text: 'waiting for specimen' } },
      },
    ]);
    const events = run(commands, given).slice(given.length);
    expect(events).toMatchObject([
      {
        type: 'TaskElementsChanged',
        data: { changed: { businessStatus: { text: 'waiting for specimen' } }, removed: [] },
      },
    ]);
    expect(stateAfter(commands, given).elements).toEqual({
      businessStatus: { text: 'waiting for specimen' },
    });
  });

  it('a changed executionPeriod or authoredOn is refused', () => {
    const state = stateOf('in-progress');
    expect(
      businessRule(() =>
        updateTaskCommands(state, edited(state, { executionPeriod: { start: '2020-01-01T00:00:00Z' } }), {
          actor: NURSE_1,
          now: AT,
        }),
      ).rule,
    ).toBe(TASK_RULES.recordedByMoves);
    expect(
      businessRule(() =>
        updateTaskCommands(state, edited(state, { authoredOn: '2020-01-01T00:00:00Z' }), {
          actor: NURSE_1,
          now: AT,
        }),
      ).message,
    ).toContain('Task.authoredOn');
  });

  it('removing the owner is refused (task-owner-required)', () => {
    const state = stateOf('requested');
    const { owner: _owner, ...resource } = edited(state, {});
    expect(businessRule(() => updateTaskCommands(state, resource as Task, { actor: GP, now: AT })).rule).toBe(
      TASK_RULES.ownerRequired,
    );
  });

  it('orders owner, details, then status: a draft gets its owner and is submitted in one PUT', () => {
    const { owner: _owner, ...draft } = createTask({ status: 'draft' });
    const given = run([draft]);
    const state = fold(taskDecider, given);
    if (!state.exists) throw new TypeError('no task');
    const commands = updateTaskCommands(
      state,
      edited(state, { owner: N2_REFERENCE, priority: 'urgent', status: 'requested' }),
      { actor: GP, now: AT },
    );
    expect(commands.map((command) => command.type)).toEqual([
      'ChangeTaskOwner',
      'ChangeTaskDetails',
      'SubmitTask',
    ]);
    expect(stateAfter(commands, given)).toMatchObject({
      status: 'requested',
      owner: party(NURSE_2),
      priority: 'urgent',
    });
  });
});

describe('updateTaskCommands: refused changes', () => {
  const state = stateOf('requested');
  const refused = (changes: Partial<Task>) =>
    businessRule(() => updateTaskCommands(state, edited(state, changes), { actor: GP, now: AT }));

  it.each<[string, Partial<Task>]>([
    ['Task.for', { for: { type: 'Patient', identifier: { system: INS, value: '100000000000000' } } }],
    ['Task.intent', { intent: 'plan' }],
    ['Task.requester', { requester: N2_REFERENCE }],
    ['Task.partOf', { partOf: [{ reference: 'Task/other' }] }],
    ['Task.identifier', { identifier: [{ system: 'urn:x', value: '1' }] }],
    [
      `Task.extension('${TASK_EXTENSIONS.cooperationMode}')`,
      {
        extension: [
          {
            url: TASK_EXTENSIONS.cooperationMode,
            valueCoding: { system: COOPERATION_MODE_SYSTEM, code: 'sharing' },
          },
        ],
      },
    ],
  ])('%s is immutable (task-immutable-element)', (element, changes) => {
    const error = refused(changes);
    expect(error.rule).toBe(TASK_RULES.immutableElement);
    expect(error.message).toContain(element);
  });

  it('names every immutable element changed', () => {
    expect(refused({ intent: 'plan', partOf: [{ reference: 'Task/other' }] }).message).toMatch(
      /^Task.intent, Task.partOf are set/,
    );
  });

  it('leaving out the mode extension (or the requester) keeps them', () => {
    const { requester: _requester, ...resource } = edited(state, { extension: [] });
    expect(updateTaskCommands(state, resource as Task, { actor: GP, now: AT })).toEqual([]);
  });

  it('outputs without completion are refused (task-output-without-completion)', () => {
    const inProgress = stateOf('in-progress');
    const output = [{ type: { text: 'report' }, valueString: 'half done' }];
    expect(
      businessRule(() =>
        updateTaskCommands(inProgress, edited(inProgress, { output }), { actor: NURSE_1, now: AT }),
      ).rule,
    ).toBe(TASK_RULES.outputWithoutCompletion);
    const completed = stateOf('completed');
    expect(
      businessRule(() =>
        updateTaskCommands(completed, edited(completed, { output }), { actor: NURSE_1, now: AT }),
      ).rule,
    ).toBe(TASK_RULES.outputWithoutCompletion);
  });

  it('nothing changed (server-owned elements aside) is no command', () => {
    expect(
      updateTaskCommands(
        state,
        edited(state, {
          meta: { versionId: '1' },
          lastModified: '2020-01-01T00:00:00Z',
        }),
        { actor: GP, now: AT },
      ),
    ).toEqual([]);
  });
});
