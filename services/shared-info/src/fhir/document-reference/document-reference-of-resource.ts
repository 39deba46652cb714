import type { JsonObject, Plain, ValidationIssues } from '@carenet/eventsourcing';
import type { CodeableConcept, DocumentReference, DocumentReferenceContent } from 'fhir/r4.js';
import type { NamedParty } from '../../shared/shared-information.js';
import {
  DOCUMENT_REFERENCE_STATUSES,
  type DocumentInformation,
  type DocumentReferenceStatus,
} from '../../document-reference/index.js';
import { optional } from '../../shared/optional.js';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';
import { keptElementsOf, type KeptElements } from '../shared/kept-elements.js';
import {
  informationCategoryOf,
  informationSubjectOf,
  keptSubject,
  inlineBytes,
  namedPartyOf,
  requireInlineWithin,
} from '../shared/shared-information.js';

export interface DocumentReferenceOfResource {
  readonly status: DocumentReferenceStatus | undefined;
  readonly information: DocumentInformation | undefined;
  readonly kept: KeptElements | undefined;
}

const MODELLED: ReadonlySet<string> = new Set([
  'status',
  'subject',
  'category',
  'type',
  'date',
  'author',
  'content',
]);
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([RECORDED_BY_EXTENSION]);

/**
 * Reads a DocumentReference body. Modelled: `status`, `subject` (the patient, by INS or NAM),
 * `category` (the shared-information category, `medical` when none), `type`, `date`, `author`
 * (professionals, organisations, systems), `content` (required; inline `attachment.data` within
 * `maxInlineBytes` altogether, else 413). Every other element (`docStatus`, `description`,
 * `relatesTo`, `context`, `securityLabel`…) is kept as given; `modifierExtension` and
 * `implicitRules` are issues.
 */
export function documentReferenceOfResource(
  resource: DocumentReference,
  issues: ValidationIssues,
  options: { readonly maxInlineBytes: number },
): DocumentReferenceOfResource {
  // Required in R4, but a body may lack it: refused below, naming it.
  const content = (resource.content as DocumentReferenceContent[] | undefined) ?? [];
  requireInlineWithin(
    inlineBytes(content.map((content) => content.attachment)),
    options.maxInlineBytes,
    'DocumentReference.content',
  );
  const status = DOCUMENT_REFERENCE_STATUSES.find((candidate) => candidate === resource.status);
  if (status === undefined) {
    issues.add('DocumentReference.status', `is one of ${DOCUMENT_REFERENCE_STATUSES.join(', ')}`);
  }
  const subject = informationSubjectOf(resource.subject, 'DocumentReference.subject', issues);
  const category = informationCategoryOf(resource.category, 'DocumentReference.category', issues);
  const authors = (resource.author ?? []).map((author, i) =>
    namedPartyOf(author, `DocumentReference.author[${i}]`, issues),
  );
  if (content.length === 0)
    issues.add('DocumentReference.content', 'is required: the document (an attachment)');
  const kept = keptElementsOf(resource, MODELLED, 'DocumentReference', issues, KNOWN_EXTENSIONS);
  const information =
    subject === undefined ||
    resource.subject === undefined ||
    authors.some((author) => author === undefined) ||
    content.length === 0
      ? undefined
      : {
          subject,
          subjectReference: keptSubject(resource.subject),
          category,
          ...optional('documentType', resource.type as Plain<CodeableConcept> | undefined),
          ...optional('date', resource.date),
          authors: authors as NamedParty[],
          content: content as unknown as JsonObject[],
        };
  return { status, information, kept };
}
