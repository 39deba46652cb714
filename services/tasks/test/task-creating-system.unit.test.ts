// A system that created a Task on someone's behalf (for a PPCS action) may cancel it, reassign it
// or change its request as the plan changes; no other system may, and the requester still may.
import { describe, expect, it } from '@jest/globals';
import type { SystemActor } from '@carenet/access';
import { ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import { taskDecider } from '../src/task/index.js';
import { createTask, EHR, GP, LATER, NURSE_2, party, REASON, run } from './support/task-fixtures.js';

const CARE_PLANS: SystemActor = { kind: 'system', clientId: 'carenet-care-plans' };
const spec = deciderSpecification(taskDecider);

describe('cancelling a Task created by a system', () => {
  const created = run([createTask({ actor: CARE_PLANS })]);

  it('lets the creating system cancel it', () => {
    const events = run([{ type: 'CancelTask', actor: CARE_PLANS, now: LATER, reason: REASON }], created);
    expect(events.at(-1)?.type).toBe('TaskCancelled');
  });

  it('refuses another system', () => {
    spec
      .given(created)
      .when({ type: 'CancelTask', actor: EHR, now: LATER, reason: REASON })
      .thenThrows(ForbiddenError);
  });

  it('lets the creating system reassign it and change its request, not another system', () => {
    const reassigned = run(
      [{ type: 'ChangeTaskOwner', actor: CARE_PLANS, now: LATER, owner: party(NURSE_2) }],
      created,
    );
    expect(reassigned.at(-1)?.type).toBe('TaskOwnerChanged');
    spec
      .given(created)
      .when({ type: 'ChangeTaskOwner', actor: EHR, now: LATER, owner: party(NURSE_2) })
      .thenThrows(ForbiddenError);
  });

  it('still lets the requester cancel it', () => {
    const events = run([{ type: 'CancelTask', actor: GP, now: LATER, reason: REASON }], created);
    expect(events.at(-1)?.type).toBe('TaskCancelled');
  });
});
