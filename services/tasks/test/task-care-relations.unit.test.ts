// What a Task tells the access decision (issue 18): its requester, and each responsibility holder
// over the period the ledger gives them; a reassignment ends the former owner's relation, a
// temporary transfer gives the replacement its period and leaves the original holder's alone.
import { describe, expect, it } from '@jest/globals';
import { decideAccess, type Actor } from '@carenet/access';
import { fold } from '@carenet/eventsourcing';
import { taskCareRelations } from '../src/projections/task-care-relations.js';
import { taskDecider, type ExistingTask, type TaskEvent } from '../src/task/index.js';
import {
  createTask,
  CREATED,
  GP,
  LATER,
  NURSE_1,
  NURSE_2,
  party,
  PATIENT,
  PHARMACIST,
  run,
} from './support/task-fixtures.js';

const stateOf = (events: readonly TaskEvent[]) => fold(taskDecider, events) as ExistingTask;
const mayRead = (events: readonly TaskEvent[], actor: Actor, at: string) => {
  const facts = taskCareRelations(stateOf(events));
  const decision = decideAccess(
    { actor, patient: PATIENT, category: 'medical', purpose: 'treatment', at },
    {
      relations: facts.relations?.map((r) => ({ ...r, source: 'Task/task-1' })) ?? [],
      consents: [],
      objections: [],
    },
  );
  return decision.permit;
};

describe('the care relations of a Task', () => {
  it('the requester and the owner, from the creation on; nobody else', () => {
    const events = run([createTask()]);
    expect(taskCareRelations(stateOf(events)).patient).toEqual(PATIENT);
    expect(mayRead(events, GP, LATER)).toBe(true);
    expect(mayRead(events, NURSE_1, LATER)).toBe(true);
    expect(mayRead(events, PHARMACIST, LATER)).toBe(false);
    expect(mayRead(events, NURSE_1, '2026-05-19T00:00:00.000Z')).toBe(false);
  });

  it("a reassignment ends the former owner's relation when the new owner takes over", () => {
    const events = run([
      createTask(),
      { type: 'ChangeTaskOwner', actor: GP, now: LATER, owner: party(NURSE_2) },
    ]);
    expect(mayRead(events, NURSE_2, LATER)).toBe(true);
    expect(mayRead(events, NURSE_1, CREATED)).toBe(true);
    expect(mayRead(events, NURSE_1, '2026-05-22T00:00:00.000Z')).toBe(false);
  });

  it('a transfer for a period gives the replacement that period only', () => {
    const events = run([
      createTask(),
      { type: 'AcceptTask', actor: NURSE_1, now: LATER },
      {
        type: 'TransferTask',
        actor: NURSE_1,
        now: LATER,
        to: party(NURSE_2),
        reason: { text: 'leave' },
        responsibilityMoves: false,
        period: { start: '2026-06-01T00:00:00.000Z', end: '2026-06-15T00:00:00.000Z' },
      },
    ]);
    expect(mayRead(events, NURSE_2, '2026-06-05T00:00:00.000Z')).toBe(true);
    expect(mayRead(events, NURSE_2, '2026-06-20T00:00:00.000Z')).toBe(false);
    expect(mayRead(events, NURSE_1, '2026-06-20T00:00:00.000Z')).toBe(true);
  });
});
