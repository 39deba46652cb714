import { actorReference } from '@carenet/access';
import type { CodeableConcept, DocumentReference, DocumentReferenceContent } from 'fhir/r4.js';
import type { ExistingDocumentReference } from '../../document-reference/index.js';
import { nonEmpty, optional } from '../../shared/optional.js';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';
import { keptElementsBut, keptExtensions, metaOf } from '../shared/kept-elements.js';
import { servedSubject } from '../shared/shared-information.js';

/** The FHIR R4 DocumentReference of a document's state, at a version: every element as given, recorded-by. */
export function documentReferenceResource(
  state: ExistingDocumentReference,
  version: { readonly versionId: string; readonly lastUpdated: string },
): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id: state.id,
    meta: metaOf(state.kept, version),
    ...keptElementsBut(state.kept),
    extension: [
      { url: RECORDED_BY_EXTENSION, valueReference: actorReference(state.lastModifiedBy) },
      ...keptExtensions(state.kept),
    ],
    status: state.status,
    ...optional('type', state.documentType as CodeableConcept | undefined),
    ...nonEmpty('category', state.category.codes as CodeableConcept[]),
    subject: servedSubject(state.subjectReference),
    ...optional('date', state.date),
    ...nonEmpty(
      'author',
      state.authors.map((author) => author.reference),
    ),
    content: state.content as unknown as DocumentReferenceContent[],
  };
}
