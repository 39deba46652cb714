import {
  samePatient,
  type FactPeriod,
  type Objection,
  type PatientIdentifier,
  type SharingConsent,
} from '@carenet/access';
import {
  consentDecider,
  type ConsentEvent,
  type ConsentPeriod,
  type ConsentState,
  type ExistingConsent,
} from '../consent/index.js';

/** The consents and objections of one patient, as the access decision takes them. */
export type ConsentAccessFacts = Readonly<{
  consents: readonly SharingConsent[];
  objections: readonly Objection[];
}>;

/** An instant of a FHIR date or dateTime: a date's end bound is the start of the next day. */
function boundInstant(value: string, end: boolean): string {
  if (value.length > 10) return new Date(Date.parse(value)).toISOString();
  const day = Date.parse(`${value.padEnd(10, '-01').slice(0, 10)}T00:00:00.000Z`);
  if (!end) return new Date(day).toISOString();
  // YYYY and YYYY-MM end with their year or month; YYYY-MM-DD with its day.
  const next = new Date(day);
  if (value.length === 4) next.setUTCFullYear(next.getUTCFullYear() + 1);
  else if (value.length === 7) next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString();
}

function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/**
 * When a given consent holds: from `provision.period.start` (else from when it was given) to the
 * earlier of `provision.period.end` and its withdrawal.
 */
function periodOf(consent: ExistingConsent & { givenAt: string }): FactPeriod {
  const period: ConsentPeriod = consent.provision.period ?? {};
  const start = period.start === undefined ? consent.givenAt : boundInstant(period.start, false);
  const end = earlier(
    period.end === undefined ? undefined : boundInstant(period.end, true),
    consent.withdrawnAt,
  );
  return { start, ...(end !== undefined && { end }) };
}

/** What one consent's state says for the access decision, without its `source`. */
export type ConsentStateFacts = Readonly<{
  consents: readonly Omit<SharingConsent, 'source'>[];
  objections: readonly Omit<Objection, 'source'>[];
}>;

/**
 * The facts one consent states (see consentAccessFacts): a given permit is one SharingConsent, a
 * given deny one Objection per actor named, over the period it held; nothing for a draft, a
 * proposal, a refusal or a consent entered in error.
 */
export function consentStateFacts(state: ConsentState): ConsentStateFacts {
  if (!state.exists || state.givenAt === undefined || state.status === 'entered-in-error') {
    return { consents: [], objections: [] };
  }
  const period = periodOf({ ...state, givenAt: state.givenAt });
  const { provision } = state;
  if (provision.type === 'permit') {
    return {
      consents: [{ recipients: provision.recipients, categories: provision.categories, period }],
      objections: [],
    };
  }
  return {
    consents: [],
    objections: provision.recipients.map((against) => ({
      against,
      ...(provision.categories.length > 0 && { categories: provision.categories }),
      period,
    })),
  };
}

/**
 * Folds the Consent events of a patient (any order of streams; each stream's events in order)
 * into the facts of the access decision (@carenet/access `decideAccess`): every consent that was
 * given becomes a SharingConsent (`permit`) or one Objection per actor named (`deny`), with the
 * period it held — a withdrawal ends it at its instant, so a decision about an earlier instant
 * still sees it. Drafts, proposals, refusals and consents entered in error give no fact. Pure:
 * the services build these facts from the `carenet.shared-info` topic. `patient`, when given,
 * keeps only that patient's consents.
 */
export function consentAccessFacts(
  events: readonly ConsentEvent[],
  patient?: PatientIdentifier,
): ConsentAccessFacts {
  const byConsent = new Map<string, ConsentEvent[]>();
  for (const event of events) {
    if (patient !== undefined && !samePatient(event.data.patient, patient)) continue;
    byConsent.set(event.data.consentId, [...(byConsent.get(event.data.consentId) ?? []), event]);
  }
  const consents: SharingConsent[] = [];
  const objections: Objection[] = [];
  for (const [id, stream] of byConsent) {
    const state = stream.reduce(
      (folded, event) => consentDecider.evolve(folded, event),
      consentDecider.initialState(),
    );
    const source = `Consent/${id}`;
    const facts = consentStateFacts(state);
    consents.push(...facts.consents.map((consent) => ({ source, ...consent })));
    objections.push(...facts.objections.map((objection) => ({ source, ...objection })));
  }
  return { consents, objections };
}
