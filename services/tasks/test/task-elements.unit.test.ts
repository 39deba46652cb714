// The elements a Task keeps as given (issue 15): who may change them and when (the decider), and
// how the mapping splits a body into owned and kept elements and merges them back.
import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import type { Task } from 'fhir/r4.js';
import { TASK_EXTENSIONS } from '../src/fhir/index.js';
import { keptElementsOf, withKeptElements } from '../src/fhir/task-elements.js';
import { taskDecider, TASK_RULES, type ChangeTaskElements } from '../src/task/index.js';
import {
  ADMIN,
  createTask,
  EHR,
  GP,
  historyOf,
  LATER,
  NURSE_1,
  NURSE_2,
  party,
  PATIENT,
  run,
  TASK_ID,
} from './support/task-fixtures.js';

const spec = deciderSpecification(taskDecider);

const change = (overrides: Partial<ChangeTaskElements> = {}): ChangeTaskElements => ({
  type: 'ChangeTaskElements',
  actor: NURSE_1,
  now: LATER,
  elements: { businessStatus: { text: 'waiting for the patient' } },
  ...overrides,
});

describe('ChangeTaskElements', () => {
  it('the owner changes businessStatus during execution: TaskElementsChanged', () => {
    spec
      .given(historyOf('in-progress'))
      .when(change())
      .then([
        {
          type: 'TaskElementsChanged',
          data: {
            taskId: TASK_ID,
            by: NURSE_1,
            at: LATER,
            changed: { businessStatus: { text: 'waiting for the patient' } },
            removed: [],
          },
        },
      ]);
  });

  it('records what was removed, and nothing when nothing changed', () => {
    const given = run([
      createTask({ elements: { encounter: { reference: 'Encounter/e1' }, language: 'fr' } }),
    ]);
    spec
      .given(given)
      .when(change({ actor: GP, elements: { language: 'fr' } }))
      .then([
        {
          type: 'TaskElementsChanged',
          data: { taskId: TASK_ID, by: GP, at: LATER, changed: {}, removed: ['encounter'] },
        },
      ]);
    spec
      .given(given)
      .when(change({ actor: GP, elements: { language: 'fr', encounter: { reference: 'Encounter/e1' } } }))
      .then([]);
  });

  it('the requester, the owner, an accountable party or the creating system may; others may not', () => {
    const accepted = historyOf('accepted');
    for (const actor of [GP, NURSE_1]) {
      expect(run([change({ actor })], accepted).slice(accepted.length)).toMatchObject([
        { type: 'TaskElementsChanged', data: { by: actor } },
      ]);
    }
    const bySystem = run([createTask({ actor: EHR })]);
    expect(run([change({ actor: EHR })], bySystem).slice(bySystem.length)).toHaveLength(1);
    for (const actor of [NURSE_2, ADMIN]) {
      spec.given(historyOf('accepted')).when(change({ actor })).thenThrows(ForbiddenError);
    }
  });

  it.each(['completed', 'cancelled', 'rejected', 'entered-in-error'] as const)(
    'is refused once the task is %s (task-finished)',
    (status) => {
      spec
        .given(historyOf(status))
        .when(change({ actor: GP }))
        .thenThrows(BusinessRuleError, { rule: TASK_RULES.finished });
    },
  );

  it('restates the same patient or party with another display; refuses another one', () => {
    const given = historyOf('requested');
    const events = run(
      [
        change({
          elements: {},
          restated: {
            for: { ...PATIENT, display: 'Mme Y' },
            owner: { ...party(NURSE_1), display: 'Infirmière N1' },
          },
        }),
      ],
      given,
    ).slice(given.length);
    expect(events).toMatchObject([
      {
        type: 'TaskElementsChanged',
        data: { restated: { for: { display: 'Mme Y' }, owner: { display: 'Infirmière N1' } } },
      },
    ]);
    spec
      .given(given)
      .when(change({ elements: {}, restated: { owner: party(NURSE_2) } }))
      .thenThrows(BusinessRuleError, { rule: TASK_RULES.immutableElement });
    spec
      .given(given)
      .when(change({ elements: {}, restated: { for: { system: PATIENT.system, value: '100000000000000' } } }))
      .thenThrows(BusinessRuleError, { rule: TASK_RULES.immutableElement });
  });
});

describe('kept elements in the mapping', () => {
  const body = {
    resourceType: 'Task',
    meta: { versionId: '2', lastUpdated: LATER, tag: [{ code: 't' }] },
    extension: [
      { url: TASK_EXTENSIONS.cooperationMode, valueCoding: { code: 'delegation' } },
      { url: 'https://example.org/other', valueString: 'x' },
      { url: TASK_EXTENSIONS.recordedBy, valueReference: { display: 'x' } },
    ],
    status: 'requested',
    intent: 'order',
    businessStatus: { text: 'b' },
    restriction: { repetitions: 1, period: { end: LATER } },
    _intent: { id: 'i1' },
  } as unknown as Task;

  it('keeps what the domain does not own, restriction without period, extensions not carenet’s', () => {
    expect(keptElementsOf(body)).toEqual({
      meta: { tag: [{ code: 't' }] },
      extension: [{ url: 'https://example.org/other', valueString: 'x' }],
      businessStatus: { text: 'b' },
      restriction: { repetitions: 1 },
      _intent: { id: 'i1' },
    });
  });

  it('merges them back in R4 order, the owned elements winning', () => {
    const owned = {
      resourceType: 'Task',
      id: 't',
      meta: { versionId: '3', lastUpdated: LATER },
      extension: [{ url: TASK_EXTENSIONS.cooperationMode, valueCoding: { code: 'delegation' } }],
      status: 'requested',
      intent: 'order',
      restriction: { period: { end: LATER } },
    } as Task;
    const merged = withKeptElements(owned, keptElementsOf(body));
    expect(Object.keys(merged)).toEqual([
      'resourceType',
      'id',
      'meta',
      'extension',
      'status',
      'businessStatus',
      'intent',
      '_intent',
      'restriction',
    ]);
    expect(merged.meta).toEqual({ tag: [{ code: 't' }], versionId: '3', lastUpdated: LATER });
    expect(merged.extension?.map((e) => e.url)).toEqual([
      'https://example.org/other',
      TASK_EXTENSIONS.cooperationMode,
    ]);
    expect(merged.restriction).toEqual({ repetitions: 1, period: { end: LATER } });
  });
});
