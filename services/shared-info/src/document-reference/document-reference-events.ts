import type { Actor, DataCategory } from '@carenet/access';
import type { DomainEvent, JsonObject, Plain } from '@carenet/eventsourcing';
import type { DocumentInformation, DocumentReferenceContent } from './document-reference-content.js';
import type { DocumentReferenceStatus } from './document-reference-values.js';

/** What every DocumentReference event records: which document, whose, its category, who, when. */
type Fact = Readonly<{
  documentReferenceId: string;
  patient: Readonly<{ system: string; value: string }>;
  category: DataCategory;
  by: Plain<Actor>;
  at: string;
}>;

/** The document was recorded: its full content (the attachment inline, up to the configured size). */
export type DocumentReferenceRecorded = DomainEvent<
  'DocumentReferenceRecorded',
  Fact & { readonly document: DocumentReferenceContent }
>;

/** Its information (while current) or kept elements changed: the new values, and what was removed. */
export type DocumentReferenceRevised = DomainEvent<
  'DocumentReferenceRevised',
  Fact & {
    readonly changed: Partial<DocumentInformation & { kept: JsonObject }>;
    readonly removed: (keyof DocumentInformation | 'kept')[];
  }
>;

type StatusFact = Fact & { readonly previousStatus: DocumentReferenceStatus };

/** A newer document replaces it (→ superseded). */
export type DocumentReferenceSuperseded = DomainEvent<'DocumentReferenceSuperseded', StatusFact>;
/** Recorded by mistake. */
export type DocumentReferenceEnteredInError = DomainEvent<'DocumentReferenceEnteredInError', StatusFact>;

export type DocumentReferenceEvent =
  | DocumentReferenceRecorded
  | DocumentReferenceRevised
  | DocumentReferenceSuperseded
  | DocumentReferenceEnteredInError;
export type DocumentReferenceEventType = DocumentReferenceEvent['type'];

export const DOCUMENT_REFERENCE_EVENT_TYPES: readonly DocumentReferenceEventType[] = [
  'DocumentReferenceRecorded',
  'DocumentReferenceRevised',
  'DocumentReferenceSuperseded',
  'DocumentReferenceEnteredInError',
];
