import type { JsonObject, Plain } from '@carenet/eventsourcing';
import type { Reference } from 'fhir/r4.js';
import type {
  CommunicationPayload,
  CommunicationStatus,
  InformationCategory,
  InformationSubject,
  NamedParty,
} from './communication-values.js';

/** The information a Communication carries: fixed once it was sent (completed), stopped or not done. */
export type CommunicationInformation = Readonly<{
  /** `Communication.subject` as given (served with `type` Patient), read as the patient's national identifier. */
  subject: InformationSubject;
  subjectReference: Plain<Reference>;
  category: InformationCategory;
  /** `Communication.sender`: the author. */
  sender: NamedParty;
  /** `Communication.recipient`, in order. */
  recipients: NamedParty[];
  /** `Communication.sent`: when it was sent. */
  sent?: string;
  /** `Communication.payload`, as given. */
  payload: CommunicationPayload[];
}>;

export const COMMUNICATION_INFORMATION_KEYS: readonly (keyof CommunicationInformation)[] = [
  'subject',
  'subjectReference',
  'category',
  'sender',
  'recipients',
  'sent',
  'payload',
];

/** Everything a Communication is recorded with: a consumer rebuilds it from CommunicationRecorded alone. */
export type CommunicationContent = CommunicationInformation &
  Readonly<{
    status: CommunicationStatus;
    /**
     * The R4 elements the domain does not model (`identifier`, `basedOn`, `partOf`, `inResponseTo`,
     * `topic`, `about`, `encounter`, `received`, `medium`, `reasonCode`, `note`, `priority`, `text`,
     * `contained`, other extensions…), as given: they may change in any status but entered-in-error.
     */
    kept?: JsonObject;
  }>;
