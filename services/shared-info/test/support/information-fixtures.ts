// Communications and documents shared by the shared-information tests.
import { DATA_CATEGORY_SYSTEM } from '@carenet/access';
import { fold } from '@carenet/eventsourcing';
import type { Communication, DocumentReference } from 'fhir/r4.js';
import {
  communicationDecider,
  type CommunicationCommand,
  type CommunicationContent,
  type CommunicationEvent,
  type CommunicationStatus,
  type ExistingCommunication,
  type RecordCommunication,
  type ReviseCommunication,
} from '../../src/communication/index.js';
import {
  documentReferenceDecider,
  type DocumentReferenceCommand,
  type DocumentReferenceContent,
  type DocumentReferenceEvent,
  type DocumentReferenceStatus,
  type ExistingDocumentReference,
  type RecordDocumentReference,
  type ReviseDocumentReference,
} from '../../src/document-reference/index.js';
import { COORDINATOR, GP, LATER, NURSE, PATIENT_INS, REGISTERED } from './actors.js';

export const COMMUNICATION_ID = 'communication-1';
export const DOCUMENT_ID = 'document-1';

export const informationCategory = (code: 'medical' | 'social' | 'medico-social') => ({
  coding: [{ system: DATA_CATEGORY_SYSTEM, code }],
});

const reference = (actor: typeof GP, display: string) => ({
  type: 'Practitioner',
  identifier: { system: actor.identifier.system, value: actor.identifier.value },
  display,
});
export const GP_REFERENCE = reference(GP, 'Dr B');
export const NURSE_REFERENCE = reference(NURSE, 'N');
export const COORDINATOR_REFERENCE = reference(COORDINATOR, 'C');
const named = (ref: typeof GP_REFERENCE) => ({
  reference: ref,
  party: {
    kind: 'professional' as const,
    identifier: ref.identifier,
    display: ref.display,
    type: 'Practitioner',
  },
});
export const SUBJECT_REFERENCE = { identifier: PATIENT_INS, display: 'Yvonne Martin' };

/** Dr B tells nurse N and coordinator C that Y's treatment changed (medical information). */
export const COMMUNICATION: CommunicationContent = {
  status: 'completed',
  subject: { ...PATIENT_INS, display: 'Yvonne Martin' },
  subjectReference: SUBJECT_REFERENCE,
  category: { codes: [informationCategory('medical')], category: 'medical' },
  sender: named(GP_REFERENCE),
  recipients: [named(NURSE_REFERENCE), named(COORDINATOR_REFERENCE)],
  sent: REGISTERED,
  payload: [{ contentString: 'Anticoagulant stopped on 20 May; INR check not needed any more.' }],
  kept: { priority: 'urgent' },
};

export function recordCommunication(
  content: Partial<CommunicationContent> = {},
  overrides: Partial<RecordCommunication> = {},
): RecordCommunication {
  return {
    type: 'RecordCommunication',
    communicationId: COMMUNICATION_ID,
    actor: GP,
    now: REGISTERED,
    communication: { ...COMMUNICATION, ...content },
    ...overrides,
  };
}

export function runCommunication(
  commands: readonly CommunicationCommand[],
  given: readonly CommunicationEvent[] = [],
): CommunicationEvent[] {
  const events = [...given];
  for (const command of commands)
    events.push(...communicationDecider.decide(command, fold(communicationDecider, events)));
  return events;
}

export function communicationState(events: readonly CommunicationEvent[]): ExistingCommunication {
  const state = fold(communicationDecider, events);
  if (!state.exists) throw new TypeError('no communication');
  return state;
}

/** The PUT of the communication as it stands, with another status or information. */
export function communicationRevision(
  events: readonly CommunicationEvent[],
  status?: CommunicationStatus,
  information: Partial<CommunicationContent> = {},
  now = LATER,
): ReviseCommunication {
  const {
    exists: _e,
    id: _i,
    lastModified: _m,
    lastModifiedBy: _b,
    status: current,
    kept,
    ...rest
  } = communicationState(events);
  return {
    type: 'ReviseCommunication',
    actor: GP,
    now,
    status: status ?? current,
    information: { ...rest, ...information },
    ...(kept === undefined ? {} : { kept }),
  };
}

/** Y's discharge letter, by Dr B (medical). */
export const DOCUMENT: DocumentReferenceContent = {
  status: 'current',
  subject: { ...PATIENT_INS, display: 'Yvonne Martin' },
  subjectReference: SUBJECT_REFERENCE,
  category: { codes: [informationCategory('medical')], category: 'medical' },
  documentType: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }] },
  date: REGISTERED,
  authors: [named(GP_REFERENCE)],
  content: [{ attachment: { contentType: 'text/plain', data: 'RGlzY2hhcmdlIGxldHRlcg==' } }],
  kept: { docStatus: 'final' },
};

export function recordDocument(
  content: Partial<DocumentReferenceContent> = {},
  overrides: Partial<RecordDocumentReference> = {},
): RecordDocumentReference {
  return {
    type: 'RecordDocumentReference',
    documentReferenceId: DOCUMENT_ID,
    actor: GP,
    now: REGISTERED,
    document: { ...DOCUMENT, ...content },
    ...overrides,
  };
}

export function runDocument(
  commands: readonly DocumentReferenceCommand[],
  given: readonly DocumentReferenceEvent[] = [],
): DocumentReferenceEvent[] {
  const events = [...given];
  for (const command of commands)
    events.push(...documentReferenceDecider.decide(command, fold(documentReferenceDecider, events)));
  return events;
}

export function documentState(events: readonly DocumentReferenceEvent[]): ExistingDocumentReference {
  const state = fold(documentReferenceDecider, events);
  if (!state.exists) throw new TypeError('no document');
  return state;
}

export function documentRevision(
  events: readonly DocumentReferenceEvent[],
  status?: DocumentReferenceStatus,
  information: Partial<DocumentReferenceContent> = {},
  now = LATER,
): ReviseDocumentReference {
  const {
    exists: _e,
    id: _i,
    lastModified: _m,
    lastModifiedBy: _b,
    status: current,
    kept,
    ...rest
  } = documentState(events);
  return {
    type: 'ReviseDocumentReference',
    actor: GP,
    now,
    status: status ?? current,
    information: { ...rest, ...information },
    ...(kept === undefined ? {} : { kept }),
  };
}

/** A FHIR Communication body: Dr B's message, every kind of element. */
export function communicationBody(overrides: Partial<Communication> = {}): Communication {
  return {
    resourceType: 'Communication',
    meta: { profile: ['http://example.org/StructureDefinition/message'], tag: [{ code: 'demo' }] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Treatment change</div>' },
    extension: [{ url: 'http://example.org/ext', valueString: 'kept' }],
    identifier: [{ system: 'urn:ietf:rfc:3986', value: 'urn:uuid:7f0d3b5c-8f7e-4b0e-9b1a-0c4c1d5e6f70' }],
    status: 'completed',
    category: [
      informationCategory('medical'),
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification' },
        ],
      },
    ],
    priority: 'urgent',
    subject: { identifier: PATIENT_INS, display: 'Yvonne Martin' },
    sent: REGISTERED,
    recipient: [NURSE_REFERENCE, COORDINATOR_REFERENCE],
    sender: GP_REFERENCE,
    payload: [
      { contentString: 'Anticoagulant stopped on 20 May.' },
      { contentAttachment: { contentType: 'text/plain', data: 'SU5SIG5vdCBuZWVkZWQ=' } },
    ],
    note: [{ text: 'Call me if in doubt' }],
    ...overrides,
  };
}

/** A FHIR DocumentReference body: Dr B's discharge letter, inline. */
export function documentBody(overrides: Partial<DocumentReference> = {}): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.999.7.1' },
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }] },
    category: [informationCategory('medical')],
    subject: { identifier: PATIENT_INS },
    date: REGISTERED,
    author: [GP_REFERENCE],
    description: 'Discharge letter',
    content: [
      { attachment: { contentType: 'text/plain', data: 'RGlzY2hhcmdlIGxldHRlcg==', title: 'letter.txt' } },
    ],
    context: { period: { start: '2026-05-10' } },
    ...overrides,
  };
}
