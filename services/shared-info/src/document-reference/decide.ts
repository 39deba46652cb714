import { samePatient } from '@carenet/access';
import { assertNever, BusinessRuleError, jsonEqual } from '@carenet/eventsourcing';
import { DOCUMENT_INFORMATION_KEYS, type DocumentInformation } from './document-reference-content.js';
import type {
  DocumentReferenceCommand,
  RecordDocumentReference,
  ReviseDocumentReference,
} from './document-reference-commands.js';
import type { DocumentReferenceEvent, DocumentReferenceRevised } from './document-reference-events.js';
import { requireDocumentKeeper } from './document-reference-permissions.js';
import { DOCUMENT_REFERENCE_RULES } from './document-reference-rules.js';
import type { DocumentReferenceState, ExistingDocumentReference } from './document-reference-state.js';
import { DOCUMENT_REFERENCE_TRANSITIONS, type InformationSubject } from './document-reference-values.js';

type RevisedKey = keyof DocumentInformation | 'kept';

const patientKey = (subject: InformationSubject) => ({ system: subject.system, value: subject.value });

function requireDateNotInFuture(information: DocumentInformation, now: string): void {
  if (information.date !== undefined && Date.parse(information.date) > Date.parse(now)) {
    throw new BusinessRuleError(
      DOCUMENT_REFERENCE_RULES.dateInFuture,
      `DocumentReference.date (${information.date}) is after now (${now})`,
    );
  }
}

function recordDocument(
  command: RecordDocumentReference,
  state: DocumentReferenceState,
): DocumentReferenceEvent[] {
  if (state.exists) {
    throw new BusinessRuleError(
      DOCUMENT_REFERENCE_RULES.alreadyExists,
      `DocumentReference/${state.id} exists already`,
    );
  }
  const { document } = command;
  requireDocumentKeeper(command.actor, 'records a document');
  if (document.status !== 'current') {
    throw new BusinessRuleError(
      DOCUMENT_REFERENCE_RULES.initialStatus,
      `a document is recorded current, not ${document.status}`,
    );
  }
  requireDateNotInFuture(document, command.now);
  return [
    {
      type: 'DocumentReferenceRecorded',
      data: {
        documentReferenceId: command.documentReferenceId,
        patient: patientKey(document.subject),
        category: document.category.category,
        by: command.actor,
        at: command.now,
        document,
      },
    },
  ];
}

function reviseDocument(
  command: ReviseDocumentReference,
  document: ExistingDocumentReference,
): DocumentReferenceEvent[] {
  const { information } = command;
  if (!samePatient(document.subject, information.subject)) {
    throw new BusinessRuleError(
      DOCUMENT_REFERENCE_RULES.immutableSubject,
      `DocumentReference/${document.id} is about another patient: DocumentReference.subject does not change`,
    );
  }
  const changed: Partial<Record<RevisedKey, unknown>> = {};
  const removed: RevisedKey[] = [];
  const compare = (key: RevisedKey, before: unknown, after: unknown) => {
    if (jsonEqual(before, after)) return;
    if (after === undefined) removed.push(key);
    else changed[key] = after;
  };
  for (const key of DOCUMENT_INFORMATION_KEYS) compare(key, document[key], information[key]);
  compare('kept', document.kept, command.kept);
  const statusMoves = command.status !== document.status;
  if (removed.length === 0 && Object.keys(changed).length === 0 && !statusMoves) return [];
  if (document.status === 'entered-in-error') {
    throw new BusinessRuleError(
      DOCUMENT_REFERENCE_RULES.enteredInError,
      `DocumentReference/${document.id} is entered-in-error`,
    );
  }
  requireDocumentKeeper(command.actor, 'changes a document');
  const informationChange = [...Object.keys(changed), ...removed].some((key) => key !== 'kept');
  if (informationChange && document.status !== 'current') {
    throw new BusinessRuleError(
      DOCUMENT_REFERENCE_RULES.informationFixed,
      `DocumentReference/${document.id} is ${document.status}: what it says no longer changes`,
    );
  }
  if (informationChange) requireDateNotInFuture(information, command.now);
  const fact = {
    documentReferenceId: document.id,
    patient: patientKey(document.subject),
    category: information.category.category,
    by: command.actor,
    at: command.now,
  };
  const events: DocumentReferenceEvent[] = [];
  if (removed.length > 0 || Object.keys(changed).length > 0) {
    events.push({
      type: 'DocumentReferenceRevised',
      data: {
        ...fact,
        changed: changed as DocumentReferenceRevised['data']['changed'],
        removed: removed,
      },
    });
  }
  if (statusMoves) {
    const to = command.status;
    if (!DOCUMENT_REFERENCE_TRANSITIONS[document.status].includes(to) || to === 'current') {
      throw new BusinessRuleError(
        DOCUMENT_REFERENCE_RULES.illegalTransition,
        `a document cannot go from ${document.status} to ${to}`,
      );
    }
    events.push({
      type: to === 'superseded' ? 'DocumentReferenceSuperseded' : 'DocumentReferenceEnteredInError',
      data: { ...fact, previousStatus: document.status },
    });
  }
  return events;
}

/** Decides what a command means for a DocumentReference: the events, or a typed error. Pure. */
export function decide(
  command: DocumentReferenceCommand,
  state: DocumentReferenceState,
): DocumentReferenceEvent[] {
  switch (command.type) {
    case 'RecordDocumentReference':
      return recordDocument(command, state);
    case 'ReviseDocumentReference':
      if (!state.exists) {
        throw new BusinessRuleError(DOCUMENT_REFERENCE_RULES.notRecorded, 'the document does not exist');
      }
      return reviseDocument(command, state);
    default:
      return assertNever(command);
  }
}
