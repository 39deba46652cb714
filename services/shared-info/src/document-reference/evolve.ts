import { assertNever } from '@carenet/eventsourcing';
import type { DocumentReferenceEvent } from './document-reference-events.js';
import type { DocumentReferenceState, ExistingDocumentReference } from './document-reference-state.js';

function withoutKeys(
  document: ExistingDocumentReference,
  keys: readonly string[],
): ExistingDocumentReference {
  return Object.fromEntries(
    Object.entries(document).filter(([key]) => !keys.includes(key)),
  ) as ExistingDocumentReference;
}

/** Folds one event into the state. Events of a document that does not exist are ignored. */
export function evolve(state: DocumentReferenceState, event: DocumentReferenceEvent): DocumentReferenceState {
  if (event.type === 'DocumentReferenceRecorded') {
    return {
      ...event.data.document,
      exists: true,
      id: event.data.documentReferenceId,
      lastModified: event.data.at,
      lastModifiedBy: event.data.by,
    };
  }
  if (!state.exists) return state;
  const touched = { lastModified: event.data.at, lastModifiedBy: event.data.by };
  switch (event.type) {
    case 'DocumentReferenceRevised':
      return {
        ...withoutKeys(state, event.data.removed),
        ...(event.data.changed as Partial<ExistingDocumentReference>),
        ...touched,
      };
    case 'DocumentReferenceSuperseded':
      return { ...state, status: 'superseded', ...touched };
    case 'DocumentReferenceEnteredInError':
      return { ...state, status: 'entered-in-error', ...touched };
    default:
      return assertNever(event);
  }
}
