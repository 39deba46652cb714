import type { JsonObject, ValidationIssues } from '@carenet/eventsourcing';
import type { Communication } from 'fhir/r4.js';
import {
  COMMUNICATION_STATUSES,
  type CommunicationInformation,
  type CommunicationStatus,
} from '../../communication/index.js';
import type { NamedParty } from '../../shared/shared-information.js';
import { optional } from '../../shared/optional.js';
import { keptElementsOf, type KeptElements } from '../shared/kept-elements.js';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';
import {
  informationCategoryOf,
  informationSubjectOf,
  keptSubject,
  inlineBytes,
  namedPartyOf,
  requireInlineWithin,
} from '../shared/shared-information.js';

/** What a Communication body says, each part `undefined` when it had an issue. */
export interface CommunicationOfResource {
  readonly status: CommunicationStatus | undefined;
  readonly information: CommunicationInformation | undefined;
  readonly kept: KeptElements | undefined;
}

const MODELLED: ReadonlySet<string> = new Set([
  'status',
  'subject',
  'category',
  'sender',
  'recipient',
  'sent',
  'payload',
]);
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([RECORDED_BY_EXTENSION]);

/**
 * Reads a Communication body. Modelled: `status`, `subject` (the patient, by INS or NAM),
 * `category` (the shared-information category, `medical` when none), `sender` (the author: a
 * professional, organisation or system), `recipient` (professionals, organisations, care teams),
 * `sent`, `payload` (as given; inline attachments within `maxInlineBytes`, else 413). Every other
 * element is kept as given; `modifierExtension` and `implicitRules` are issues.
 */
export function communicationOfResource(
  resource: Communication,
  issues: ValidationIssues,
  options: { readonly maxInlineBytes: number },
): CommunicationOfResource {
  requireInlineWithin(
    inlineBytes((resource.payload ?? []).map((payload) => payload.contentAttachment)),
    options.maxInlineBytes,
    'Communication.payload',
  );
  const status = COMMUNICATION_STATUSES.find((candidate) => candidate === resource.status);
  if (status === undefined)
    issues.add('Communication.status', `is one of ${COMMUNICATION_STATUSES.join(', ')}`);
  const subject = informationSubjectOf(resource.subject, 'Communication.subject', issues);
  const category = informationCategoryOf(resource.category, 'Communication.category', issues);
  const sender =
    resource.sender === undefined
      ? (issues.add('Communication.sender', 'is required: who sends the information (its author)'), undefined)
      : namedPartyOf(resource.sender, 'Communication.sender', issues);
  const recipients = (resource.recipient ?? []).map((recipient, i) =>
    namedPartyOf(recipient, `Communication.recipient[${i}]`, issues),
  );
  const kept = keptElementsOf(resource, MODELLED, 'Communication', issues, KNOWN_EXTENSIONS);
  const information =
    subject === undefined ||
    resource.subject === undefined ||
    sender === undefined ||
    recipients.some((recipient) => recipient === undefined)
      ? undefined
      : {
          subject,
          subjectReference: keptSubject(resource.subject),
          category,
          sender,
          recipients: recipients as NamedParty[],
          ...optional('sent', resource.sent),
          payload: (resource.payload ?? []) as unknown as JsonObject[],
        };
  return { status, information, kept };
}
