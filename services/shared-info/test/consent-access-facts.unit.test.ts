// The facts of the access decision, folded from Consent events: scenario S3 (consent gate) and a
// Québec-style restriction, decided by @carenet/access decideAccess.
import { describe, expect, it } from '@jest/globals';
import { decideAccess, type AccessRequest, type CareRelation } from '@carenet/access';
import { consentAccessFacts } from '../src/access-facts/index.js';
import type { ConsentEvent } from '../src/consent/index.js';
import { LATER, MUCH_LATER, NURSE, PATIENT_INS, REGISTERED, SOCIAL_WORKER } from './support/actors.js';
import { CONSENT_ID, IRCP, PERMIT, category, record, revisionOf, run } from './support/consent-fixtures.js';

const given = run([record()]);
const withdrawn = run([revisionOf(given, 'inactive', MUCH_LATER)], given);
const DURING = '2026-06-01T10:00:00.000Z';
const AFTER_WITHDRAWAL = '2026-06-20T10:00:00.000Z';

const objection: ConsentEvent[] = run([
  {
    ...record({
      provision: {
        type: 'deny',
        actors: [{ role: IRCP, reference: { type: 'Practitioner', identifier: NURSE.identifier } }],
        recipients: [{ kind: 'party', party: { kind: 'professional', identifier: NURSE.identifier } }],
        codes: [category('medical')],
        categories: ['medical'],
      },
    }),
    consentId: 'objection-1',
  },
]);

/** Nurse N is in the care team (a CareTeam membership, from the care-plans events). */
const NURSE_IN_TEAM: CareRelation = {
  party: { kind: 'professional', identifier: NURSE.identifier },
  basis: 'care-team',
  source: 'CareTeam/ct-1',
  period: { start: REGISTERED },
};

function request(
  actor: AccessRequest['actor'],
  category: AccessRequest['category'],
  at: string,
): AccessRequest {
  return { actor, patient: PATIENT_INS, category, purpose: 'coordination', at };
}

describe('consentAccessFacts', () => {
  it('a given consent to share is a SharingConsent over its provision period', () => {
    expect(consentAccessFacts(given)).toEqual({
      consents: [
        {
          source: `Consent/${CONSENT_ID}`,
          recipients: PERMIT.recipients,
          categories: ['social', 'medico-social'],
          period: { start: '2026-05-20T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
        },
      ],
      objections: [],
    });
  });

  it('the withdrawal ends the period at its instant; without a period start, the consent holds from when it was given', () => {
    expect(consentAccessFacts(withdrawn).consents[0]?.period).toEqual({
      start: '2026-05-20T00:00:00.000Z',
      end: MUCH_LATER,
    });
    const { period: _p, ...openEnded } = PERMIT;
    const events = run([record({ provision: openEnded })]);
    expect(consentAccessFacts(events).consents[0]?.period).toEqual({ start: REGISTERED });
  });

  it('a deny provision is one Objection per actor named, limited to its categories', () => {
    expect(consentAccessFacts(objection)).toEqual({
      consents: [],
      objections: [
        {
          source: 'Consent/objection-1',
          against: { kind: 'party', party: { kind: 'professional', identifier: NURSE.identifier } },
          categories: ['medical'],
          period: { start: REGISTERED },
        },
      ],
    });
  });

  it('drafts, proposals, refusals and consents entered in error give no fact', () => {
    for (const status of ['draft', 'proposed', 'rejected'] as const) {
      expect(consentAccessFacts(run([record({ status })]))).toEqual({ consents: [], objections: [] });
    }
    const error = run([revisionOf(given, 'entered-in-error', LATER)], given);
    expect(consentAccessFacts(error)).toEqual({ consents: [], objections: [] });
  });

  it('keeps the named patient’s consents only', () => {
    expect(consentAccessFacts(given, { system: PATIENT_INS.system, value: 'another' }).consents).toEqual([]);
    expect(consentAccessFacts(given, PATIENT_INS).consents).toHaveLength(1);
  });

  it('each consent is folded from its own events, whatever the interleaving of streams', () => {
    const facts = consentAccessFacts([...objection, ...given]);
    expect(facts.consents.map((c) => c.source)).toEqual([`Consent/${CONSENT_ID}`]);
    expect(facts.objections.map((o) => o.source)).toEqual(['Consent/objection-1']);
  });
});

describe('the access decision on these facts (S3)', () => {
  const facts = (events: readonly ConsentEvent[]) => ({
    relations: [NURSE_IN_TEAM],
    ...consentAccessFacts(events),
  });

  it('the social worker outside the team is denied without consent', () => {
    expect(decideAccess(request(SOCIAL_WORKER, 'social', DURING), facts([]))).toMatchObject({
      permit: false,
      denied: 'no-care-relation',
    });
  });

  it('with the consent, sees the permitted categories only', () => {
    expect(decideAccess(request(SOCIAL_WORKER, 'social', DURING), facts(given))).toMatchObject({
      permit: true,
      basis: 'consent',
      source: `Consent/${CONSENT_ID}`,
    });
    expect(decideAccess(request(SOCIAL_WORKER, 'medical', DURING), facts(given))).toMatchObject({
      permit: false,
    });
  });

  it('once withdrawn, is denied again (and a decision about an earlier instant still sees the consent)', () => {
    expect(decideAccess(request(SOCIAL_WORKER, 'social', AFTER_WITHDRAWAL), facts(withdrawn))).toMatchObject({
      permit: false,
      denied: 'no-care-relation',
    });
    expect(decideAccess(request(SOCIAL_WORKER, 'social', DURING), facts(withdrawn))).toMatchObject({
      permit: true,
    });
  });

  it('an objection denies a care-team member the category objected to, not the others', () => {
    expect(decideAccess(request(NURSE, 'medical', DURING), facts(objection))).toMatchObject({
      permit: false,
      denied: 'objection',
      source: 'Consent/objection-1',
    });
    expect(decideAccess(request(NURSE, 'social', DURING), facts(objection))).toMatchObject({
      permit: true,
      basis: 'care-team',
    });
  });
});
