import { assertNever, BusinessRuleError, jsonEqual } from '@carenet/eventsourcing';
import { CONSENT_TERM_KEYS, type ConsentTerms } from './consent-content.js';
import type { ConsentCommand, RecordConsent, ReviseConsent } from './consent-commands.js';
import { CONSENT_STATUS_EVENTS, type ConsentEvent, type ConsentRevised } from './consent-events.js';

type RevisedKey = keyof ConsentTerms | 'patient' | 'kept';
import { requireConsentKeeper } from './consent-permissions.js';
import { CONSENT_RULES } from './consent-rules.js';
import type { ConsentState, ExistingConsent } from './consent-state.js';
import { requireInformedConsent, requireValidTerms } from './consent-terms-rules.js';
import {
  CONSENT_TRANSITIONS,
  INITIAL_CONSENT_STATUSES,
  OPEN_CONSENT_STATUSES,
  type ConsentPatient,
} from './consent-values.js';

const patientKey = (patient: ConsentPatient) => ({ system: patient.system, value: patient.value });

function fact(consent: ExistingConsent, command: ReviseConsent) {
  return { consentId: consent.id, patient: patientKey(consent.patient), by: command.actor, at: command.now };
}

function recordConsent(command: RecordConsent, state: ConsentState): ConsentEvent[] {
  if (state.exists)
    throw new BusinessRuleError(CONSENT_RULES.alreadyExists, `Consent/${state.id} exists already`);
  const { consent } = command;
  requireConsentKeeper(command.actor, consent.patient, 'records a consent');
  if (!(INITIAL_CONSENT_STATUSES as readonly string[]).includes(consent.status)) {
    throw new BusinessRuleError(
      CONSENT_RULES.initialStatus,
      `a consent is recorded draft, proposed, active or rejected, not ${consent.status}`,
    );
  }
  requireValidTerms(consent);
  if (consent.status === 'active') requireInformedConsent(consent, command.now);
  return [
    {
      type: 'ConsentRecorded',
      data: {
        consentId: command.consentId,
        patient: patientKey(consent.patient),
        by: command.actor,
        at: command.now,
        consent,
      },
    },
  ];
}

function reviseConsent(command: ReviseConsent, consent: ExistingConsent): ConsentEvent[] {
  if (consent.patient.system !== command.patient.system || consent.patient.value !== command.patient.value) {
    throw new BusinessRuleError(
      CONSENT_RULES.immutablePatient,
      `Consent/${consent.id} is the consent of another patient: Consent.patient does not change`,
    );
  }
  const changed: Partial<Record<RevisedKey, unknown>> = {};
  const removed: RevisedKey[] = [];
  const compare = (key: RevisedKey, before: unknown, after: unknown) => {
    if (jsonEqual(before, after)) return;
    if (after === undefined) removed.push(key);
    else changed[key] = after;
  };
  for (const key of CONSENT_TERM_KEYS) compare(key, consent[key], command.terms[key]);
  // The same patient, with another reference or display as given.
  compare('patient', consent.patient, command.patient);
  compare('kept', consent.kept, command.kept);
  const statusMoves = command.status !== consent.status;
  if (removed.length === 0 && Object.keys(changed).length === 0 && !statusMoves) return [];
  if (consent.status === 'entered-in-error') {
    throw new BusinessRuleError(CONSENT_RULES.enteredInError, `Consent/${consent.id} is entered-in-error`);
  }
  requireConsentKeeper(command.actor, consent.patient, 'changes a consent');
  const termsChange = [...Object.keys(changed), ...removed].some((key) => key !== 'kept');
  if (termsChange && !OPEN_CONSENT_STATUSES.includes(consent.status)) {
    throw new BusinessRuleError(
      CONSENT_RULES.termsFixed,
      `Consent/${consent.id} is ${consent.status}: its terms no longer change (withdraw it and record a new Consent)`,
    );
  }
  const events: ConsentEvent[] = [];
  if (removed.length > 0 || Object.keys(changed).length > 0) {
    requireValidTerms(command.terms);
    events.push({
      type: 'ConsentRevised',
      data: {
        ...fact(consent, command),
        changed: changed as ConsentRevised['data']['changed'],
        removed: removed as ConsentRevised['data']['removed'],
      },
    });
  }
  if (statusMoves) {
    const to = command.status;
    if (consent.status === 'inactive' && to === 'active') {
      throw new BusinessRuleError(
        CONSENT_RULES.withdrawn,
        `Consent/${consent.id} was withdrawn: a new consent of the patient is a new Consent, recorded with the information given`,
      );
    }
    if (!CONSENT_TRANSITIONS[consent.status].includes(to) || to === 'draft') {
      throw new BusinessRuleError(
        CONSENT_RULES.illegalTransition,
        `a consent cannot go from ${consent.status} to ${to}`,
      );
    }
    if (to === 'active') requireInformedConsent(command.terms, command.now);
    events.push({
      type: CONSENT_STATUS_EVENTS[to],
      data: { ...fact(consent, command), previousStatus: consent.status },
    });
  }
  return events;
}

/** Decides what a command means for a Consent: the events, or a typed error. Pure. */
export function decide(command: ConsentCommand, state: ConsentState): ConsentEvent[] {
  switch (command.type) {
    case 'RecordConsent':
      return recordConsent(command, state);
    case 'ReviseConsent':
      if (!state.exists) throw new BusinessRuleError(CONSENT_RULES.notRecorded, 'the consent does not exist');
      return reviseConsent(command, state);
    default:
      return assertNever(command);
  }
}
