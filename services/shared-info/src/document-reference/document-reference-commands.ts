import type { Actor } from '@carenet/access';
import type { JsonObject } from '@carenet/eventsourcing';
import type { DocumentInformation, DocumentReferenceContent } from './document-reference-content.js';
import type { DocumentReferenceStatus } from './document-reference-values.js';

interface Issued {
  readonly actor: Actor;
  readonly now: string;
}

/** Records a document about a patient (create). */
export interface RecordDocumentReference extends Issued {
  readonly type: 'RecordDocumentReference';
  readonly documentReferenceId: string;
  readonly document: DocumentReferenceContent;
}

/** A FHIR update (PUT) of the whole DocumentReference, decided as a diff. */
export interface ReviseDocumentReference extends Issued {
  readonly type: 'ReviseDocumentReference';
  readonly status: DocumentReferenceStatus;
  readonly information: DocumentInformation;
  readonly kept?: JsonObject;
}

export type DocumentReferenceCommand = RecordDocumentReference | ReviseDocumentReference;
