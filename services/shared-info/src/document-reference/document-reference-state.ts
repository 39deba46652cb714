import type { Actor } from '@carenet/access';
import type { Plain } from '@carenet/eventsourcing';
import type { DocumentReferenceContent } from './document-reference-content.js';

export interface NoDocumentReference {
  readonly exists: false;
}

export type ExistingDocumentReference = DocumentReferenceContent & {
  readonly exists: true;
  readonly id: string;
  readonly lastModified: string;
  readonly lastModifiedBy: Plain<Actor>;
};

export type DocumentReferenceState = NoDocumentReference | ExistingDocumentReference;

export function initialState(): DocumentReferenceState {
  return { exists: false };
}
