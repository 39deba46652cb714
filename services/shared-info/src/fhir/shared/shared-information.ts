import {
  DATA_CATEGORIES,
  DATA_CATEGORY_SYSTEM,
  hasNationalIdentifier,
  partyOfReference,
  patientOfReference,
  type DataCategory,
} from '@carenet/access';
import type { Plain, ValidationIssues } from '@carenet/eventsourcing';
import { payloadTooLarge } from '@carenet/fhir';
import type { Attachment, CodeableConcept, Reference } from 'fhir/r4.js';
import type { InformationCategory, InformationSubject, NamedParty } from '../../shared/shared-information.js';

/**
 * The category of shared information a resource states (`category`, R4 0..*): the one code of
 * the shared-information-category system (`medical`, `social`, `medico-social`) among its
 * codings, else `medical`, the most protected. The whole element is kept as given. Two
 * categories of that system, or a code outside it, are issues: one resource is one category of
 * information, the category the access decision is made on.
 */
export function informationCategoryOf(
  codes: readonly CodeableConcept[] | undefined,
  path: string,
  issues: ValidationIssues,
): InformationCategory {
  const found = new Set<DataCategory>();
  (codes ?? []).forEach((concept, i) => {
    (concept.coding ?? []).forEach((coding, j) => {
      if (coding.system !== DATA_CATEGORY_SYSTEM) return;
      const category = DATA_CATEGORIES.find((candidate) => candidate === coding.code);
      if (category === undefined) {
        issues.add(`${path}[${i}].coding[${j}].code`, `is one of ${DATA_CATEGORIES.join(', ')}`);
      } else found.add(category);
    });
  });
  if (found.size > 1) {
    issues.add(
      path,
      `names one category of shared information (${[...found].join(', ')} given): the access decision is made on it; share each category as its own resource`,
    );
  }
  return { codes: [...(codes ?? [])] as Plain<CodeableConcept>[], category: [...found][0] ?? 'medical' };
}

/** The data category a stored resource's `category` states (`medical` when none): the access gate's. */
export function dataCategoryOfCodes(codes: readonly CodeableConcept[] | undefined): DataCategory {
  for (const concept of codes ?? []) {
    for (const coding of concept.coding ?? []) {
      const category = DATA_CATEGORIES.find((candidate) => candidate === coding.code);
      if (coding.system === DATA_CATEGORY_SYSTEM && category !== undefined) return category;
    }
  }
  return 'medical';
}

/**
 * The patient information is about, by national identifier (INS or NAM): every event names the
 * patient by it, and the access decision's facts are keyed by it. A literal reference alone is an
 * issue at `<path>.identifier`.
 */
export function informationSubjectOf(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
): InformationSubject | undefined {
  const subject = patientOfReference(reference, path, issues);
  if (subject !== undefined && !hasNationalIdentifier(subject)) {
    issues.add(
      `${path}.identifier`,
      'the patient is named by national identifier (INS, or the Québec NAM), so that every service of the network applies the access decision to it',
    );
    return;
  }
  if (subject?.type !== 'Patient') return subject;
  const { type: _type, ...rest } = subject;
  return rest;
}

/**
 * The subject reference as kept: as given, but `type` Patient, which the server renders anyway
 * (servedSubject), so that a body read back and PUT states the same subject.
 */
export function keptSubject(reference: Reference): Plain<Reference> {
  if (reference.type !== 'Patient') return reference;
  const { type: _type, ...rest } = reference;
  return rest;
}

/** The subject as served: as given, with `type` Patient when absent (so `patient=` searches match it). */
export function servedSubject(reference: Plain<Reference>): Reference {
  return { ...reference, type: reference.type ?? 'Patient' };
}

/** A professional, organisation or system named by a Reference: the Reference as given and the party. */
export function namedPartyOf(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
): NamedParty | undefined {
  const party = partyOfReference(reference, path, issues);
  if (party === undefined || reference === undefined) return;
  return { reference: reference, party };
}

/** The bytes of base64 data once decoded (whitespace ignored). */
export function base64Bytes(data: string): number {
  const text = data.replace(/\s+/g, '');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((text.length * 3) / 4) - padding);
}

/** The inline bytes of attachments (their `data`, decoded). */
export function inlineBytes(attachments: readonly (Attachment | undefined)[]): number {
  return attachments.reduce(
    (sum, attachment) => sum + (attachment?.data === undefined ? 0 : base64Bytes(attachment.data)),
    0,
  );
}

/**
 * The inline attachments of a resource fit the configured size (`maxInlineBytes`, decoded), or
 * the request is refused with a 413 OperationOutcome: a larger document is referenced by
 * `attachment.url` (a document repository), not carried in the events.
 */
export function requireInlineWithin(bytes: number, maxInlineBytes: number, what: string): void {
  if (bytes > maxInlineBytes) {
    throw payloadTooLarge(
      `${what} carries ${bytes} bytes of inline attachment data (attachment.data, decoded); this server keeps at most ${maxInlineBytes} (CARENET_DOCUMENT_MAX_INLINE_BYTES): reference the document by attachment.url instead`,
    );
  }
}
