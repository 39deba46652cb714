import { samePatient } from '@carenet/access';
import { assertNever, BusinessRuleError, jsonEqual } from '@carenet/eventsourcing';
import { COMMUNICATION_INFORMATION_KEYS, type CommunicationInformation } from './communication-content.js';
import type {
  CommunicationCommand,
  RecordCommunication,
  ReviseCommunication,
} from './communication-commands.js';
import {
  COMMUNICATION_STATUS_EVENTS,
  type CommunicationEvent,
  type CommunicationRevised,
} from './communication-events.js';
import { requireValidInformation } from './communication-information-rules.js';
import { requireSender } from './communication-permissions.js';
import { COMMUNICATION_RULES } from './communication-rules.js';
import type { CommunicationState, ExistingCommunication } from './communication-state.js';
import {
  CLOSED_COMMUNICATION_STATUSES,
  COMMUNICATION_TRANSITIONS,
  INITIAL_COMMUNICATION_STATUSES,
  type InformationSubject,
} from './communication-values.js';

type RevisedKey = keyof CommunicationInformation | 'kept';

const patientKey = (subject: InformationSubject) => ({ system: subject.system, value: subject.value });

function fact(
  communication: ExistingCommunication,
  command: ReviseCommunication,
  category = communication.category,
) {
  return {
    communicationId: communication.id,
    patient: patientKey(communication.subject),
    category: category.category,
    by: command.actor,
    at: command.now,
  };
}

function recordCommunication(command: RecordCommunication, state: CommunicationState): CommunicationEvent[] {
  if (state.exists) {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.alreadyExists,
      `Communication/${state.id} exists already`,
    );
  }
  const { communication } = command;
  requireSender(command.actor, communication.sender);
  if (!INITIAL_COMMUNICATION_STATUSES.includes(communication.status)) {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.initialStatus,
      `a communication is not recorded ${communication.status}: record it, then mark it entered-in-error`,
    );
  }
  requireValidInformation(communication, communication.status, command.now);
  return [
    {
      type: 'CommunicationRecorded',
      data: {
        communicationId: command.communicationId,
        patient: patientKey(communication.subject),
        category: communication.category.category,
        by: command.actor,
        at: command.now,
        communication,
      },
    },
  ];
}

function reviseCommunication(
  command: ReviseCommunication,
  communication: ExistingCommunication,
): CommunicationEvent[] {
  const { information } = command;
  if (!samePatient(communication.subject, information.subject)) {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.immutableSubject,
      `Communication/${communication.id} is about another patient: Communication.subject does not change`,
    );
  }
  const changed: Partial<Record<RevisedKey, unknown>> = {};
  const removed: RevisedKey[] = [];
  const compare = (key: RevisedKey, before: unknown, after: unknown) => {
    if (jsonEqual(before, after)) return;
    if (after === undefined) removed.push(key);
    else changed[key] = after;
  };
  for (const key of COMMUNICATION_INFORMATION_KEYS) compare(key, communication[key], information[key]);
  compare('kept', communication.kept, command.kept);
  const statusMoves = command.status !== communication.status;
  if (removed.length === 0 && Object.keys(changed).length === 0 && !statusMoves) return [];
  if (communication.status === 'entered-in-error') {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.enteredInError,
      `Communication/${communication.id} is entered-in-error`,
    );
  }
  requireSender(command.actor, communication.sender);
  const informationChange = [...Object.keys(changed), ...removed].some((key) => key !== 'kept');
  if (informationChange) {
    if (CLOSED_COMMUNICATION_STATUSES.includes(communication.status)) {
      throw new BusinessRuleError(
        COMMUNICATION_RULES.informationFixed,
        `Communication/${communication.id} is ${communication.status}: what it says no longer changes (send a new Communication)`,
      );
    }
    // The sender may be corrected, by the one who records it.
    requireSender(command.actor, information.sender);
  }
  const events: CommunicationEvent[] = [];
  if (removed.length > 0 || Object.keys(changed).length > 0) {
    events.push({
      type: 'CommunicationRevised',
      data: {
        ...fact(communication, command, information.category),
        changed: changed as CommunicationRevised['data']['changed'],
        removed: removed,
      },
    });
  }
  const to = command.status;
  if (statusMoves) {
    if (
      !COMMUNICATION_TRANSITIONS[communication.status].includes(to) ||
      to === 'preparation' ||
      to === 'unknown'
    ) {
      throw new BusinessRuleError(
        COMMUNICATION_RULES.illegalTransition,
        `a communication cannot go from ${communication.status} to ${to}`,
      );
    }
  }
  if (to !== 'entered-in-error') requireValidInformation(information, to, command.now);
  if (statusMoves && to !== 'preparation' && to !== 'unknown') {
    events.push({
      type: COMMUNICATION_STATUS_EVENTS[to],
      data: {
        ...fact(communication, command, information.category),
        status: to,
        previousStatus: communication.status,
      },
    });
  }
  return events;
}

/** Decides what a command means for a Communication: the events, or a typed error. Pure. */
export function decide(command: CommunicationCommand, state: CommunicationState): CommunicationEvent[] {
  switch (command.type) {
    case 'RecordCommunication':
      return recordCommunication(command, state);
    case 'ReviseCommunication':
      if (!state.exists) {
        throw new BusinessRuleError(COMMUNICATION_RULES.notRecorded, 'the communication does not exist');
      }
      return reviseCommunication(command, state);
    default:
      return assertNever(command);
  }
}
