import { describe, expect, it } from '@jest/globals';
import { joinSealed, loadContractRegistry } from '@carenet/contracts';
import { fold } from '@carenet/eventsourcing';
import {
  TASK_EVENT_TYPES,
  TASK_STATUSES,
  taskDecider,
  type TaskCommand,
  type TaskEvent,
} from '../src/task/index.js';
import {
  CLOCK,
  COORDINATOR,
  createTask,
  DETAILS,
  GP,
  historyOf,
  LATER,
  AFTER_DUE,
  NURSE_1,
  NURSE_2,
  party,
  PHARMACIST,
  run,
  SSIAD,
  transition,
} from './support/task-fixtures.js';

const contracts = loadContractRegistry();

/** Events of every kind, as the decider produces them in the scenarios of the other tests. */
function producedEvents(): TaskEvent[] {
  const later = (command: TaskCommand, given: TaskEvent[]) => run([command], given).slice(given.length);
  const transferred = run([
    createTask({ mode: 'sharing', coOwner: party(NURSE_1), owner: party(NURSE_1) }),
    {
      type: 'TransferTask',
      actor: NURSE_1,
      now: LATER,
      to: party(NURSE_2),
      reason: { text: 'leave' },
      responsibilityMoves: true,
      period: { start: '2026-06-01T00:00:00.000Z', end: '2026-06-16T00:00:00.000Z' },
    },
  ]);
  const { owner: _owner, ...withoutOwner } = createTask({
    status: 'draft',
    mode: 'transfer',
    responsibilityMoves: true,
  });
  const draft = run([withoutOwner]);
  return [
    ...TASK_STATUSES.flatMap((status) => historyOf(status)),
    ...run(
      [{ type: 'ChangeTaskDetails', actor: GP, now: LATER, details: { ...DETAILS, priority: 'stat' } }],
      historyOf('requested'),
    ),
    ...later({ type: 'ChangeTaskOwner', actor: GP, now: LATER, owner: party(NURSE_1) }, draft),
    ...later(transition('ResumeTask'), historyOf('on-hold')),
    ...later({ type: 'MarkTaskOverdue', actor: CLOCK, now: AFTER_DUE }, historyOf('on-hold')),
    ...transferred,
    ...run([
      createTask({
        actor: COORDINATOR,
        requester: party(COORDINATOR),
        owner: SSIAD,
        mode: 'distribution',
        partOf: 'ppcs-actions',
        details: {
          ...DETAILS,
          focus: { reference: 'MedicationRequest/mr-1' },
          instantiatesCanonical: 'https://carenet.example.org/fhir/PlanDefinition/p|1',
          notes: [{ text: 'ring twice', time: LATER }],
          inputs: [{ type: { text: 'dose' }, valueString: '1 tablet' }],
        },
      }),
    ]),
    ...run([createTask({ mode: 'transfer', responsibilityMoves: false, owner: party(PHARMACIST) })]),
    // Issue 15: literal references, client dates and the elements kept as given, and their change.
    ...literalAndKept(),
  ];
}

const LITERAL = 'https://carenet.example.org/fhir/NamingSystem/literal-reference';

function literalAndKept(): TaskEvent[] {
  const owner = {
    kind: 'organization',
    identifier: { system: LITERAL, value: 'Organization/lab' },
    reference: 'Organization/lab',
    display: 'Lab',
  } as const;
  const created = run([
    createTask({
      for: { system: LITERAL, value: 'Patient/f001', reference: 'Patient/f001', display: 'P. Chalmers' },
      owner,
      authoredOn: '2016-03-10T22:39:32-04:00',
      lastModified: '2016-03-10T22:39:32-04:00',
      details: { ...DETAILS, priorityGiven: false },
      elements: {
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
        businessStatus: { text: 'waiting for specimen' },
        restriction: { repetitions: 1 },
      },
    }),
  ]);
  return [
    ...created,
    ...run(
      [
        {
          type: 'ChangeTaskElements',
          actor: GP,
          now: LATER,
          elements: { businessStatus: { text: 'specimen received' } },
          restated: { owner: { ...owner, display: 'Clinical laboratory' } },
        },
        { type: 'ChangeTaskDetails', actor: GP, now: LATER, details: { ...DETAILS, priority: 'asap' } },
      ],
      created,
    ).slice(created.length),
  ];
}

describe('a priority given where none was', () => {
  it('is priorityGiven: true in TaskDetailsChanged, and the state forgets the flag', () => {
    const created = run([createTask({ details: { ...DETAILS, priorityGiven: false } })]);
    const events = run(
      [{ type: 'ChangeTaskDetails', actor: GP, now: LATER, details: { ...DETAILS, priority: 'asap' } }],
      created,
    ).slice(created.length);
    expect(events).toMatchObject([
      {
        type: 'TaskDetailsChanged',
        data: { changed: { priority: 'asap', priorityGiven: true }, removed: [] },
      },
    ]);
    const state = fold(taskDecider, [...created, ...events]);
    expect(state.exists).toBe(true);
    expect(state).not.toHaveProperty('priorityGiven');
  });
});

describe('every Task event validates against its contract', () => {
  const events = producedEvents();

  it('the scenarios produce every event type', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(TASK_EVENT_TYPES));
  });

  it.each(TASK_EVENT_TYPES)('%s.v1 has a contract', (type) => {
    expect(contracts.get(`carenet.tasks.${type}.v1`)).toBeDefined();
  });

  it('each produced event is valid', () => {
    for (const event of events) {
      expect({
        type: event.type,
        result: contracts.validate(`carenet.tasks.${event.type}.v1`, event.data),
      }).toEqual({
        type: event.type,
        result: { ok: true },
      });
    }
  });

  it('what each event publishes in clear (its sealed personal data out) is valid too, and the sealed values restore it', () => {
    for (const event of events) {
      const ceType = `carenet.tasks.${event.type}.v1`;
      const { clear, sealed } = contracts.splitSealed(ceType, event.data);
      expect({ type: event.type, result: contracts.validate(ceType, clear) }).toEqual({
        type: event.type,
        result: { ok: true },
      });
      expect(joinSealed(clear, sealed)).toEqual(event.data);
    }
  });

  it('a contract refuses data that misses what the fact needs', () => {
    const rejected = events.find((event) => event.type === 'TaskRejected');
    const { reason: _reason, ...withoutReason } = rejected!.data as Record<string, unknown>;
    expect(contracts.validate('carenet.tasks.TaskRejected.v1', withoutReason).ok).toBe(false);
  });
});
