import { describe, expect, it } from '@jest/globals';
import type { Actor, DataCategory } from '@carenet/access';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  COMMUNICATION_RULES,
  COMMUNICATION_TRANSITIONS,
  communicationDecider,
} from '../src/communication/index.js';
import {
  COORDINATOR,
  EHR,
  GP,
  LATER,
  NURSE,
  PATIENT_ACTOR,
  PATIENT_INS,
  REGISTERED,
} from './support/actors.js';
import {
  COMMUNICATION,
  COMMUNICATION_ID,
  communicationRevision,
  communicationState,
  informationCategory,
  recordCommunication,
  runCommunication,
} from './support/information-fixtures.js';

const spec = deciderSpecification(communicationDecider);
const rule = (code: string) => [BusinessRuleError, { rule: code }] as const;
const fact = (at = LATER, by: Actor = GP, category: DataCategory = 'medical') => ({
  communicationId: COMMUNICATION_ID,
  patient: PATIENT_INS,
  category,
  by,
  at,
});
const draft = () => runCommunication([recordCommunication({ status: 'preparation' })]);
const sent = () => runCommunication([recordCommunication()]);

describe('recording a communication', () => {
  it('CommunicationRecorded carries the whole communication, its patient by INS and its category', () => {
    spec
      .given([])
      .when(recordCommunication())
      .then([{ type: 'CommunicationRecorded', data: { ...fact(REGISTERED), communication: COMMUNICATION } }]);
  });

  it('is recorded once, in any status but entered-in-error', () => {
    spec
      .given(sent())
      .when(recordCommunication())
      .thenThrows(...rule(COMMUNICATION_RULES.alreadyExists));
    spec
      .given([])
      .when(recordCommunication({ status: 'entered-in-error' }))
      .thenThrows(...rule(COMMUNICATION_RULES.initialStatus));
  });

  it('is sent to recipients, with a payload', () => {
    spec
      .given([])
      .when(recordCommunication({ recipients: [] }))
      .thenThrows(...rule(COMMUNICATION_RULES.recipientRequired));
    spec
      .given([])
      .when(recordCommunication({ payload: [] }))
      .thenThrows(...rule(COMMUNICATION_RULES.payloadRequired));
  });

  it('a sent communication says when, not in the future', () => {
    const { sent: _sent, ...unsent } = COMMUNICATION;
    spec
      .given([])
      .when({ ...recordCommunication(), communication: unsent })
      .thenThrows(...rule(COMMUNICATION_RULES.sentRequired));
    spec
      .given([])
      .when(recordCommunication({ sent: LATER }))
      .thenThrows(...rule(COMMUNICATION_RULES.sentInFuture));
    // In preparation, no `sent` yet.
    expect(
      communicationState(
        runCommunication([{ ...recordCommunication(), communication: { ...unsent, status: 'preparation' } }]),
      ).status,
    ).toBe('preparation');
  });

  it('the sender is the author: a professional sends in their own name or their organisation’s; a system for whom it names; never a patient', () => {
    spec
      .given([])
      .when(recordCommunication({}, { actor: NURSE }))
      .thenThrows(ForbiddenError);
    spec
      .given([])
      .when(recordCommunication({}, { actor: PATIENT_ACTOR }))
      .thenThrows(ForbiddenError);
    expect(runCommunication([recordCommunication({}, { actor: EHR })])).toHaveLength(1);
    const organisation = {
      reference: { type: 'Organization', identifier: COORDINATOR.organization! },
      party: { kind: 'organization' as const, identifier: COORDINATOR.organization!, type: 'Organization' },
    };
    expect(
      runCommunication([recordCommunication({ sender: organisation }, { actor: COORDINATOR })]),
    ).toHaveLength(1);
  });
});

describe('changing a communication', () => {
  it('sending a prepared one: CommunicationSent, with the information revised before', () => {
    const events = draft();
    spec
      .given(events)
      .when(
        communicationRevision(events, 'completed', { sent: LATER, payload: [{ contentString: 'Updated' }] }),
      )
      .then([
        {
          type: 'CommunicationRevised',
          data: { ...fact(), changed: { sent: LATER, payload: [{ contentString: 'Updated' }] }, removed: [] },
        },
        {
          type: 'CommunicationSent',
          data: { ...fact(), status: 'completed', previousStatus: 'preparation' },
        },
      ]);
  });

  it('each status has its event: started, suspended, stopped', () => {
    const events = draft();
    spec
      .given(events)
      .when(communicationRevision(events, 'in-progress'))
      .then([
        {
          type: 'CommunicationStarted',
          data: { ...fact(), status: 'in-progress', previousStatus: 'preparation' },
        },
      ]);
    spec
      .given(events)
      .when(communicationRevision(events, 'on-hold'))
      .then([
        {
          type: 'CommunicationSuspended',
          data: { ...fact(), status: 'on-hold', previousStatus: 'preparation' },
        },
      ]);
    spec
      .given(events)
      .when(communicationRevision(events, 'not-done'))
      .then([
        {
          type: 'CommunicationStopped',
          data: { ...fact(), status: 'not-done', previousStatus: 'preparation' },
        },
      ]);
  });

  it('only the moves of COMMUNICATION_TRANSITIONS: a sent one is closed, preparation is initial only', () => {
    const events = sent();
    spec
      .given(events)
      .when(communicationRevision(events, 'in-progress'))
      .thenThrows(...rule(COMMUNICATION_RULES.illegalTransition));
    const started = runCommunication([communicationRevision(draft(), 'in-progress')], draft());
    spec
      .given(started)
      .when(communicationRevision(started, 'preparation'))
      .thenThrows(...rule(COMMUNICATION_RULES.illegalTransition));
    expect(COMMUNICATION_TRANSITIONS.completed).toEqual(['entered-in-error']);
  });

  it('what a sent communication says is fixed; its kept elements may change', () => {
    const events = sent();
    spec
      .given(events)
      .when(communicationRevision(events, undefined, { payload: [{ contentString: 'Other' }] }))
      .thenThrows(...rule(COMMUNICATION_RULES.informationFixed));
    spec
      .given(events)
      .when({ ...communicationRevision(events), kept: { priority: 'routine' } })
      .then([
        {
          type: 'CommunicationRevised',
          data: { ...fact(), changed: { kept: { priority: 'routine' } }, removed: [] },
        },
      ]);
  });

  it('the subject never changes', () => {
    const events = draft();
    spec
      .given(events)
      .when(
        communicationRevision(events, undefined, {
          subject: { system: PATIENT_INS.system, value: '180012A00100143' },
        }),
      )
      .thenThrows(...rule(COMMUNICATION_RULES.immutableSubject));
  });

  it('the category may change before it is sent, and the events carry the new one', () => {
    const events = draft();
    const social = { codes: [informationCategory('social')], category: 'social' as const };
    const [revised] = communicationDecider.decide(
      communicationRevision(events, undefined, { category: social }),
      communicationState(events),
    );
    expect(revised).toMatchObject({
      type: 'CommunicationRevised',
      data: { category: 'social', changed: { category: social } },
    });
  });

  it('an entered-in-error communication no longer changes; nothing changed is no event', () => {
    const events = runCommunication([communicationRevision(sent(), 'entered-in-error')], sent());
    expect(events.at(-1)).toMatchObject({ type: 'CommunicationEnteredInError' });
    spec
      .given(events)
      .when({ ...communicationRevision(events), kept: { priority: 'routine' } })
      .thenThrows(...rule(COMMUNICATION_RULES.enteredInError));
    spec.given(sent()).when(communicationRevision(sent())).then([]);
  });

  it('another professional does not change it; nor does a revision of a communication not recorded', () => {
    const events = draft();
    spec
      .given(events)
      .when({ ...communicationRevision(events, 'completed'), actor: NURSE })
      .thenThrows(ForbiddenError);
    spec
      .given([])
      .when(communicationRevision(events))
      .thenThrows(...rule(COMMUNICATION_RULES.notRecorded));
  });
});
