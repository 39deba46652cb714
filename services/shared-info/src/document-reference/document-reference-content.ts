import type { JsonObject, Plain } from '@carenet/eventsourcing';
import type { CodeableConcept, Reference } from 'fhir/r4.js';
import type {
  DocumentContent,
  DocumentReferenceStatus,
  InformationCategory,
  InformationSubject,
  NamedParty,
} from './document-reference-values.js';

/** What a DocumentReference says of the document: fixed once superseded. */
export type DocumentInformation = Readonly<{
  /** `DocumentReference.subject` as given (served with `type` Patient), read as the patient's national identifier. */
  subject: InformationSubject;
  subjectReference: Plain<Reference>;
  category: InformationCategory;
  /** `DocumentReference.type` as given. */
  documentType?: Plain<CodeableConcept>;
  /** `DocumentReference.date`: when the reference was created. */
  date?: string;
  /** `DocumentReference.author`, in order. */
  authors: NamedParty[];
  /** `DocumentReference.content` as given (the attachment inline up to the configured size, or by URL). */
  content: DocumentContent[];
}>;

export const DOCUMENT_INFORMATION_KEYS: readonly (keyof DocumentInformation)[] = [
  'subject',
  'subjectReference',
  'category',
  'documentType',
  'date',
  'authors',
  'content',
];

/** Everything a DocumentReference is recorded with. */
export type DocumentReferenceContent = DocumentInformation &
  Readonly<{
    status: DocumentReferenceStatus;
    /**
     * The R4 elements the domain does not model (`masterIdentifier`, `identifier`, `docStatus`,
     * `relatesTo`, `description`, `securityLabel`, `context`, `custodian`, `authenticator`, `text`,
     * `contained`, other extensions…), as given.
     */
    kept?: JsonObject;
  }>;
