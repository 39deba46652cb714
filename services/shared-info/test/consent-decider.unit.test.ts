import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  CONSENT_RULES,
  CONSENT_STATUS_EVENTS,
  CONSENT_STATUSES,
  CONSENT_TRANSITIONS,
  consentDecider,
  type ConsentStatus,
} from '../src/consent/index.js';
import {
  COORDINATOR,
  LATER,
  NURSE,
  OTHER_PATIENT_ACTOR,
  PATIENT_ACTOR,
  PATIENT_INS,
  REGISTERED,
} from './support/actors.js';
import {
  CONSENT_ID,
  IRCP,
  CONTENT,
  PERMIT,
  category,
  record,
  revisionOf,
  run,
  stateOf,
} from './support/consent-fixtures.js';

const spec = deciderSpecification(consentDecider);
const rule = (code: string) => [BusinessRuleError, { rule: code }] as const;
const fact = (at = LATER, by = COORDINATOR) => ({ consentId: CONSENT_ID, patient: PATIENT_INS, by, at });
const { informationGiven: _i, ...uninformed } = CONTENT;
/** A consent recorded without the information given. */
const recordUninformed = (extra: Partial<typeof uninformed> = {}) => ({
  ...record(),
  consent: { ...uninformed, ...extra },
});

/** Y objects to nurse N seeing her medical information (a Québec-style restriction). */
const OBJECTION = {
  type: 'deny' as const,
  actors: [{ role: IRCP, reference: { type: 'Practitioner', identifier: NURSE.identifier } }],
  recipients: [
    {
      kind: 'party' as const,
      party: { kind: 'professional' as const, identifier: NURSE.identifier, type: 'Practitioner' },
    },
  ],
  codes: [category('medical')],
  categories: ['medical' as const],
};

describe('recording a consent', () => {
  it('ConsentRecorded carries the full consent and names the patient by INS', () => {
    spec
      .given([])
      .when(record())
      .then([{ type: 'ConsentRecorded', data: { ...fact(REGISTERED), consent: CONTENT } }]);
    expect(stateOf(run([record()])).givenAt).toBe(REGISTERED);
  });

  it('is recorded draft, proposed, active or rejected', () => {
    for (const status of ['inactive', 'entered-in-error'] as const) {
      spec
        .given([])
        .when(record({ status }))
        .thenThrows(...rule(CONSENT_RULES.initialStatus));
    }
    for (const status of ['draft', 'proposed', 'rejected'] as const) {
      expect(stateOf(run([record({ status })]))).toMatchObject({ status });
    }
    spec
      .given(run([record()]))
      .when(record())
      .thenThrows(...rule(CONSENT_RULES.alreadyExists));
  });

  it('scope patient-privacy; a permit names recipients and categories; an objection names whom', () => {
    spec
      .given([])
      .when(record({ scope: { text: 'research' } }))
      .thenThrows(...rule(CONSENT_RULES.scopePatientPrivacy));
    spec
      .given([])
      .when(record({ provision: { ...PERMIT, actors: [], recipients: [] } }))
      .thenThrows(...rule(CONSENT_RULES.permitRecipientRequired));
    spec
      .given([])
      .when(record({ provision: { ...PERMIT, codes: [], categories: [] } }))
      .thenThrows(...rule(CONSENT_RULES.permitCategoryRequired));
    spec
      .given([])
      .when(record({ provision: { ...OBJECTION, actors: [], recipients: [] } }))
      .thenThrows(...rule(CONSENT_RULES.denyActorRequired));
  });

  it('a period ends after it starts (a date end covers its day)', () => {
    spec
      .given([])
      .when(record({ provision: { ...PERMIT, period: { start: '2026-06-01', end: '2026-05-31' } } }))
      .thenThrows(...rule(CONSENT_RULES.periodEndBeforeStart));
    expect(
      run([record({ provision: { ...PERMIT, period: { start: '2026-06-01', end: '2026-06-01' } } })]),
    ).toHaveLength(1);
  });

  it('a consent to share is given with the information given recorded, covering its categories, told beforehand', () => {
    spec
      .given([])
      .when(recordUninformed())
      .thenThrows(...rule(CONSENT_RULES.informationRequired));
    spec
      .given([])
      .when(record({ informationGiven: { ...CONTENT.informationGiven!, categories: ['social'] } }))
      .thenThrows(...rule(CONSENT_RULES.informationCategories));
    spec
      .given([])
      .when(record({ informationGiven: { ...CONTENT.informationGiven!, date: '2026-05-21T08:00:00.000Z' } }))
      .thenThrows(...rule(CONSENT_RULES.informationAfterConsent));
    // A draft waits for the information; an objection needs none.
    expect(run([recordUninformed({ status: 'draft' })])).toHaveLength(1);
    expect(run([recordUninformed({ provision: OBJECTION })])).toHaveLength(1);
  });

  it('the patient records their own consent, never another patient’s', () => {
    expect(run([record({}, { actor: PATIENT_ACTOR })])).toHaveLength(1);
    spec
      .given([])
      .when(record({}, { actor: OTHER_PATIENT_ACTOR }))
      .thenThrows(ForbiddenError);
  });
});

describe('the life of a consent', () => {
  const pairs = CONSENT_STATUSES.flatMap((from) =>
    CONSENT_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const),
  );
  const inStatus = (status: ConsentStatus) => {
    const initial = status === 'inactive' || status === 'entered-in-error' ? 'active' : status;
    const events = run([record({ status: initial })]);
    return initial === status ? events : run([revisionOf(events, status, LATER)], events);
  };

  it.each(pairs)('%s → %s', (from, to) => {
    const given = inStatus(from);
    const command = revisionOf(given, to, '2026-05-22T08:00:00.000Z');
    if (from === 'entered-in-error') {
      spec
        .given(given)
        .when(command)
        .thenThrows(...rule(CONSENT_RULES.enteredInError));
    } else if (from === 'inactive' && to === 'active') {
      spec
        .given(given)
        .when(command)
        .thenThrows(...rule(CONSENT_RULES.withdrawn));
    } else if (CONSENT_TRANSITIONS[from].includes(to) && to !== 'draft') {
      spec
        .given(given)
        .when(command)
        .then([
          {
            type: CONSENT_STATUS_EVENTS[to],
            data: { ...fact('2026-05-22T08:00:00.000Z'), previousStatus: from },
          },
        ]);
    } else {
      spec
        .given(given)
        .when(command)
        .thenThrows(...rule(CONSENT_RULES.illegalTransition));
    }
  });

  it('the withdrawal is an event at its instant', () => {
    const given = run([record()]);
    spec
      .given(given)
      .when(revisionOf(given, 'inactive', LATER))
      .then([{ type: 'ConsentWithdrawn', data: { ...fact(), previousStatus: 'active' } }]);
    expect(stateOf(run([revisionOf(given, 'inactive', LATER)], given))).toMatchObject({
      status: 'inactive',
      givenAt: REGISTERED,
      withdrawnAt: LATER,
    });
  });

  it('a proposed consent is given once the patient was informed', () => {
    const proposed = run([recordUninformed({ status: 'proposed' })]);
    spec
      .given(proposed)
      .when(revisionOf(proposed, 'active'))
      .thenThrows(...rule(CONSENT_RULES.informationRequired));
    const informed = revisionOf(proposed, 'active');
    const events = run(
      [{ ...informed, terms: { ...informed.terms, informationGiven: CONTENT.informationGiven! } }],
      proposed,
    );
    expect(events.slice(proposed.length).map((e) => e.type)).toEqual(['ConsentRevised', 'ConsentGiven']);
    expect(stateOf(events).givenAt).toBe(LATER);
  });

  it('the terms of a given consent are fixed; kept elements may change; the patient never changes', () => {
    const given = run([record()]);
    const revision = revisionOf(given);
    spec
      .given(given)
      .when({
        ...revision,
        terms: {
          ...revision.terms,
          provision: { ...PERMIT, categories: ['social'], codes: [category('social')] },
        },
      })
      .thenThrows(...rule(CONSENT_RULES.termsFixed));
    spec
      .given(given)
      .when({ ...revision, kept: { ...CONTENT.kept, identifier: [{ value: 'form-12' }] } })
      .then([
        {
          type: 'ConsentRevised',
          data: {
            ...fact(),
            changed: { kept: { ...CONTENT.kept, identifier: [{ value: 'form-12' }] } },
            removed: [],
          },
        },
      ]);
    spec
      .given(given)
      .when({ ...revision, patient: OTHER_PATIENT_ACTOR.identifier })
      .thenThrows(...rule(CONSENT_RULES.immutablePatient));
    spec.given(given).when(revision).then([]);
  });

  it('the patient withdraws their own consent', () => {
    const given = run([record()]);
    expect(run([{ ...revisionOf(given, 'inactive'), actor: PATIENT_ACTOR }], given).at(-1)?.type).toBe(
      'ConsentWithdrawn',
    );
    spec
      .given(given)
      .when({ ...revisionOf(given, 'inactive'), actor: OTHER_PATIENT_ACTOR })
      .thenThrows(ForbiddenError);
  });
});
