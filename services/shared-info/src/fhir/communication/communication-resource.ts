import { actorReference } from '@carenet/access';
import type { Communication, CommunicationPayload } from 'fhir/r4.js';
import type { ExistingCommunication } from '../../communication/index.js';
import { nonEmpty, optional } from '../../shared/optional.js';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';
import { keptElementsBut, keptExtensions, metaOf } from '../shared/kept-elements.js';
import { servedSubject } from '../shared/shared-information.js';

/**
 * The FHIR R4 Communication of a communication's state, at a version: every element as given
 * (the subject with `type` Patient), recorded-by.
 */
export function communicationResource(
  state: ExistingCommunication,
  version: { readonly versionId: string; readonly lastUpdated: string },
): Communication {
  return {
    resourceType: 'Communication',
    id: state.id,
    meta: metaOf(state.kept, version),
    ...keptElementsBut(state.kept),
    extension: [
      { url: RECORDED_BY_EXTENSION, valueReference: actorReference(state.lastModifiedBy) },
      ...keptExtensions(state.kept),
    ],
    status: state.status,
    ...nonEmpty('category', state.category.codes),
    subject: servedSubject(state.subjectReference),
    ...optional('sent', state.sent),
    ...nonEmpty(
      'recipient',
      state.recipients.map((recipient) => recipient.reference),
    ),
    sender: state.sender.reference,
    ...nonEmpty('payload', state.payload as unknown as CommunicationPayload[]),
  };
}
