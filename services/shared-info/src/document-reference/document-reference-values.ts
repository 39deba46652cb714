import type { JsonObject } from '@carenet/eventsourcing';

export type { InformationCategory, InformationSubject, NamedParty } from '../shared/shared-information.js';

/** `DocumentReference.status` (R4 document-reference-status). */
export type DocumentReferenceStatus = 'current' | 'superseded' | 'entered-in-error';

export const DOCUMENT_REFERENCE_STATUSES: readonly DocumentReferenceStatus[] = [
  'current',
  'superseded',
  'entered-in-error',
];

/**
 * The moves allowed: a current document is superseded (by a newer one) or entered in error; a
 * superseded one may still be marked entered-in-error; entered-in-error is terminal. A document is
 * recorded current.
 */
export const DOCUMENT_REFERENCE_TRANSITIONS: Readonly<
  Record<DocumentReferenceStatus, readonly DocumentReferenceStatus[]>
> = {
  current: ['superseded', 'entered-in-error'],
  superseded: ['entered-in-error'],
  'entered-in-error': [],
};

/** `DocumentReference.content` entries as given (attachment, format). */
export type DocumentContent = JsonObject;
