// Consents shared by the Consent decider, access facts and mapping tests.
import { DATA_CATEGORY_SYSTEM } from '@carenet/access';
import { fold } from '@carenet/eventsourcing';
import {
  consentDecider,
  type ConsentCommand,
  type ConsentContent,
  type ConsentEvent,
  type ConsentProvision,
  type ConsentStatus,
  type ExistingConsent,
  type RecordConsent,
  type ReviseConsent,
} from '../../src/consent/index.js';
import { COORDINATOR, LATER, PATIENT_INS, REGISTERED, SOCIAL_WORKER } from './actors.js';

export const CONSENT_ID = 'consent-1';
const INFORMATION_GIVEN = 'https://carenet.example.org/fhir/StructureDefinition/consent-information-given';

export const SCOPE = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
};
export const LOINC_CONSENT = [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }];
export const SOCIAL_WORKER_REFERENCE = {
  type: 'Practitioner',
  identifier: { system: SOCIAL_WORKER.identifier.system, value: SOCIAL_WORKER.identifier.value },
  display: 'S',
};
export const category = (code: 'medical' | 'social' | 'medico-social') => ({
  coding: [{ system: DATA_CATEGORY_SYSTEM, code }],
});

export function informationGiven(
  codes: readonly ('medical' | 'social' | 'medico-social')[],
  date = REGISTERED,
) {
  return {
    url: INFORMATION_GIVEN,
    extension: [
      { url: 'date', valueDateTime: date },
      ...codes.map((code) => ({ url: 'category', valueCoding: { system: DATA_CATEGORY_SYSTEM, code } })),
      { url: 'recipients', valueString: 'the social worker of the département (S)' },
      { url: 'purpose', valueString: 'social follow-up at home' },
    ],
  };
}

/** The recipient role (v3 ParticipationType IRCP, information recipient). */
export const IRCP = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }],
};

/** Y consents to share social and medico-social information with social worker S. */
export const PERMIT: ConsentProvision = {
  type: 'permit',
  period: { start: '2026-05-20', end: '2026-12-31' },
  actors: [{ role: IRCP, reference: SOCIAL_WORKER_REFERENCE }],
  recipients: [
    {
      kind: 'party',
      party: {
        kind: 'professional',
        identifier: { system: SOCIAL_WORKER.identifier.system, value: SOCIAL_WORKER.identifier.value },
        display: 'S',
        type: 'Practitioner',
      },
    },
  ],
  codes: [category('social'), category('medico-social')],
  categories: ['social', 'medico-social'],
};

export const CONTENT: ConsentContent = {
  status: 'active',
  patient: PATIENT_INS,
  scope: SCOPE,
  category: LOINC_CONSENT,
  dateTime: REGISTERED,
  provision: PERMIT,
  informationGiven: {
    date: REGISTERED,
    categories: ['social', 'medico-social'],
    extension: informationGiven(['social', 'medico-social']),
  },
  kept: {
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
  },
};

export function record(
  content: Partial<ConsentContent> = {},
  overrides: Partial<RecordConsent> = {},
): RecordConsent {
  return {
    type: 'RecordConsent',
    consentId: CONSENT_ID,
    actor: COORDINATOR,
    now: REGISTERED,
    consent: { ...CONTENT, ...content },
    ...overrides,
  };
}

export function run(
  commands: readonly ConsentCommand[],
  given: readonly ConsentEvent[] = [],
): ConsentEvent[] {
  const events = [...given];
  for (const command of commands)
    events.push(...consentDecider.decide(command, fold(consentDecider, events)));
  return events;
}

export function stateOf(events: readonly ConsentEvent[]): ExistingConsent {
  const state = fold(consentDecider, events);
  if (!state.exists) throw new TypeError('no consent');
  return state;
}

/** The PUT of the consent as it stands, with another status (the withdrawal: inactive). */
export function revisionOf(
  events: readonly ConsentEvent[],
  status?: ConsentStatus,
  now = LATER,
): ReviseConsent {
  const c = stateOf(events);
  return {
    type: 'ReviseConsent',
    actor: COORDINATOR,
    now,
    patient: c.patient,
    status: status ?? c.status,
    terms: {
      scope: c.scope,
      category: c.category,
      provision: c.provision,
      ...(c.dateTime === undefined ? {} : { dateTime: c.dateTime }),
      ...(c.informationGiven === undefined ? {} : { informationGiven: c.informationGiven }),
    },
    ...(c.kept === undefined ? {} : { kept: c.kept }),
  };
}
