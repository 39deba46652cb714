import { describe, expect, it } from '@jest/globals';
import type { Consent } from 'fhir/r4.js';
import { CONSENT_RULES, consentDecider, type ExistingConsent } from '../src/consent/index.js';
import {
  CONSENT_EXTENSIONS,
  consentResource,
  recordConsentCommand,
  updateConsentCommands,
} from '../src/fhir/consent/index.js';
import {
  COORDINATOR,
  LATER,
  NURSE,
  PATIENT_INS,
  PROFESSION,
  REGISTERED,
  SOCIAL_WORKER,
} from './support/actors.js';
import { category, IRCP, run, stateOf } from './support/consent-fixtures.js';
import {
  businessRule,
  consentBody,
  expectValidR4,
  validationIssues,
  withoutServerOwned,
} from './support/fhir-fixtures.js';

const VERSION = { versionId: '1', lastUpdated: REGISTERED };
const input = { consentId: 'consent-1', actor: COORDINATOR, now: REGISTERED };
const record = (body: Consent) => recordConsentCommand(body, input);
const stateFor = (body: Consent): ExistingConsent => stateOf(run([record(body)]));
const paths = (body: Consent) => validationIssues(() => record(body)).map((issue) => issue.path);

describe('a FHIR Consent round trip (POST → record → decide → render)', () => {
  const body = consentBody();
  const state = stateFor(body);
  const rendered = consentResource(state, VERSION);

  it('reads the provision: permit, the recipient, the categories; the information given', () => {
    expect(state.provision).toMatchObject({
      type: 'permit',
      recipients: [{ kind: 'party', party: { kind: 'professional', identifier: SOCIAL_WORKER.identifier } }],
      categories: ['social', 'medico-social'],
    });
    expect(state.informationGiven).toMatchObject({
      date: '2026-05-20T07:30:00.000Z',
      categories: ['social', 'medico-social'],
    });
    expect(state.patient).toEqual({ ...PATIENT_INS, display: 'Yvonne Martin' });
  });

  it('gives back every element the client sent, besides the server-owned ones', () => {
    expect(withoutServerOwned(rendered)).toEqual(body);
  });

  it('is valid R4', () => {
    expectValidR4(rendered);
    expect(rendered).toMatchObject({ id: 'consent-1', meta: VERSION });
  });

  it('PUT back unchanged is no event; status inactive is the withdrawal', () => {
    expect(
      consentDecider.decide(
        updateConsentCommands(state, rendered, { actor: COORDINATOR, now: LATER })[0]!,
        state,
      ),
    ).toEqual([]);
    const withdrawal = updateConsentCommands(
      state,
      { ...rendered, status: 'inactive' },
      { actor: COORDINATOR, now: LATER },
    );
    expect(consentDecider.decide(withdrawal[0]!, state).map((e) => e.type)).toEqual(['ConsentWithdrawn']);
  });
});

describe('recipients and objections', () => {
  it('a profession or a sector as recipient (extensions on the actor reference)', () => {
    const body = consentBody({
      provision: {
        ...consentBody().provision,
        actor: [
          {
            role: IRCP,
            reference: {
              extension: [
                {
                  url: CONSENT_EXTENSIONS.recipientProfession,
                  valueCoding: { system: PROFESSION, code: '21' },
                },
              ],
              display: 'Pharmacists',
            },
          },
          {
            role: IRCP,
            reference: {
              extension: [{ url: CONSENT_EXTENSIONS.recipientSector, valueCode: 'social' }],
              display: 'Social sector',
            },
          },
        ],
      },
    });
    const state = stateFor(body);
    expect(state.provision.recipients).toEqual([
      { kind: 'profession', system: PROFESSION, code: '21' },
      { kind: 'sector', sector: 'social' },
    ]);
    const rendered = consentResource(state, VERSION);
    expect(withoutServerOwned(rendered)).toEqual(body);
    expectValidR4(rendered);
  });

  it('an objection (deny) to a care-team member, for the medical category', () => {
    const body = consentBody({
      extension: [],
      policyRule: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }],
      },
      provision: {
        type: 'deny',
        actor: [
          { role: IRCP, reference: { type: 'Practitioner', identifier: NURSE.identifier, display: 'N' } },
        ],
        code: [category('medical')],
      },
    });
    const { extension: _e, ...withoutExtension } = body;
    const state = stateFor(withoutExtension);
    expect(state.provision).toMatchObject({ type: 'deny', categories: ['medical'] });
    expect(withoutServerOwned(consentResource(state, VERSION))).toEqual(withoutExtension);
  });
});

describe('what a Consent body may say', () => {
  it('names the refused elements: a patient without national identifier, a nested provision, a foreign code, a modifier', () => {
    expect(
      paths(
        consentBody({
          patient: { reference: 'Patient/p1' },
          modifierExtension: [{ url: 'urn:x', valueBoolean: true }],
          provision: {
            type: 'permit',
            actor: [{ role: IRCP, reference: { identifier: { system: 'urn:x', value: '1' } } }],
            code: [{ coding: [{ system: 'http://loinc.org', code: '11506-3' }] }],
            provision: [{ type: 'deny' }],
          },
        }),
      ),
    ).toEqual([
      'Consent.patient.identifier',
      'Consent.provision.provision',
      'Consent.provision.actor[0].reference.identifier.system',
      'Consent.provision.code[0].coding[0].system',
      'Consent.modifierExtension',
    ]);
  });

  it('ppc-1: a policy or a policyRule; the information given has its date', () => {
    const { policyRule: _p, ...withoutPolicy } = consentBody();
    expect(paths(withoutPolicy)).toEqual(['Consent.policyRule']);
    expect(
      paths(
        consentBody({
          extension: [
            { url: CONSENT_EXTENSIONS.informationGiven, extension: [{ url: 'purpose', valueString: 'x' }] },
          ],
        }),
      ),
    ).toEqual([`Consent.extension('${CONSENT_EXTENSIONS.informationGiven}').extension('date')`]);
  });

  it('a consent given without the information given: 422 naming the rule', () => {
    expect(businessRule(() => run([record(consentBody({ extension: [] }))]))).toBe(
      CONSENT_RULES.informationRequired,
    );
  });

  it('scope other than patient-privacy: 422 naming the rule', () => {
    expect(
      businessRule(() =>
        run([
          record(
            consentBody({
              scope: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }],
              },
            }),
          ),
        ]),
      ),
    ).toBe(CONSENT_RULES.scopePatientPrivacy);
  });
});
