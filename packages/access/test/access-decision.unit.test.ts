// The access decision (issue 18, DOMAIN.md §4): each rule on its own, pure.
import { describe, expect, it } from '@jest/globals';
import {
  decideAccess,
  IDENTIFIER_SYSTEMS,
  LITERAL_REFERENCE_SYSTEM,
  NO_FACTS,
  type AccessRequest,
  type Party,
  type PatientAccessFacts,
  type ProfessionalActor,
} from '../src/index.js';

const patient = { system: IDENTIFIER_SYSTEMS.ins, value: '279035121518989' };
const nurse: ProfessionalActor = {
  kind: 'professional',
  identifier: { system: IDENTIFIER_SYSTEMS.idnps, value: '810000000002' },
  profession: {
    system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
    code: '60',
  },
  organization: { system: IDENTIFIER_SYSTEMS.finess, value: '330000001' },
  sector: 'primary-care',
};
const socialWorker: ProfessionalActor = {
  kind: 'professional',
  identifier: { system: IDENTIFIER_SYSTEMS.rpps, value: '10000000042' },
  profession: {
    system: 'https://carenet.example.org/fhir/CodeSystem/social-profession',
    code: 'assistant-social',
  },
  sector: 'social',
};
const nurseParty: Party = { kind: 'professional', identifier: nurse.identifier };
const socialWorkerParty: Party = { kind: 'professional', identifier: socialWorker.identifier };
const nursingHome: Party = {
  kind: 'organization',
  identifier: { system: IDENTIFIER_SYSTEMS.finess, value: '330000001' },
};

const request = (over: Partial<AccessRequest> = {}): AccessRequest => ({
  actor: nurse,
  patient,
  category: 'medical',
  purpose: 'treatment',
  at: '2026-06-10T10:00:00Z',
  ...over,
});
const facts = (over: Partial<PatientAccessFacts>): PatientAccessFacts => ({ ...NO_FACTS, ...over });
const member = (party: Party, period = {}) =>
  facts({ relations: [{ party, basis: 'care-team', source: 'CareTeam/ct-1', period }] });

describe('the access decision', () => {
  it('permits a member of the care team, naming the CareTeam that makes them one', () => {
    expect(decideAccess(request(), member(nurseParty, { start: '2026-01-01' }))).toMatchObject({
      permit: true,
      basis: 'care-team',
      source: 'CareTeam/ct-1',
      flagged: false,
    });
  });

  it('permits a professional acting for an organisation of the care team', () => {
    expect(decideAccess(request(), member(nursingHome))).toMatchObject({ permit: true, basis: 'care-team' });
  });

  it('denies a former member once the period has ended (the end instant excluded), not before', () => {
    const former = member(nurseParty, { start: '2026-01-01', end: '2026-06-01T00:00:00Z' });
    expect(decideAccess(request({ at: '2026-05-31T23:59:59Z' }), former).permit).toBe(true);
    expect(decideAccess(request({ at: '2026-06-01T00:00:00Z' }), former)).toMatchObject({
      permit: false,
      denied: 'no-care-relation',
    });
  });

  it('denies a member the patient objected to, for the categories objected to only', () => {
    const objected = facts({
      ...member(nurseParty),
      objections: [
        {
          source: 'Consent/o-1',
          against: { kind: 'party', party: nurseParty },
          categories: ['social'],
          period: {},
        },
      ],
    });
    expect(decideAccess(request({ category: 'social' }), objected)).toMatchObject({
      permit: false,
      denied: 'objection',
      source: 'Consent/o-1',
    });
    expect(decideAccess(request({ category: 'medical' }), objected).permit).toBe(true);
  });

  it('permits someone outside the team under a consent, for the consented categories only', () => {
    const consented = facts({
      consents: [
        {
          source: 'Consent/c-1',
          recipients: [{ kind: 'sector', sector: 'social' }],
          categories: ['social', 'medico-social'],
          period: { start: '2026-06-01' },
        },
      ],
    });
    const asked = (category: 'social' | 'medical') =>
      decideAccess(request({ actor: socialWorker, category }), consented);
    expect(asked('social')).toMatchObject({ permit: true, basis: 'consent', source: 'Consent/c-1' });
    expect(asked('medical')).toMatchObject({ permit: false, denied: 'no-care-relation' });
    expect(
      decideAccess(
        request({ actor: socialWorker, category: 'social', at: '2026-05-01T00:00:00Z' }),
        consented,
      ).permit,
    ).toBe(false);
  });

  it('denies again once the consent is withdrawn', () => {
    const withdrawn = facts({
      consents: [
        {
          source: 'Consent/c-1',
          recipients: [{ kind: 'party', party: socialWorkerParty }],
          categories: ['social'],
          period: { start: '2026-06-01', end: '2026-06-05T09:00:00Z' },
        },
      ],
    });
    expect(
      decideAccess(
        request({ actor: socialWorker, category: 'social', at: '2026-06-02T00:00:00Z' }),
        withdrawn,
      ).permit,
    ).toBe(true);
    expect(decideAccess(request({ actor: socialWorker, category: 'social' }), withdrawn)).toMatchObject({
      permit: false,
      denied: 'no-care-relation',
    });
  });

  it('permits break-glass with a declared reason, flagged; refuses it without one or against an objection', () => {
    expect(
      decideAccess(request({ breakGlass: { reason: 'unconscious at the emergency room' } }), NO_FACTS),
    ).toMatchObject({
      permit: true,
      basis: 'break-glass',
      flagged: true,
    });
    expect(decideAccess(request({ breakGlass: { reason: ' ' } }), NO_FACTS)).toMatchObject({
      permit: false,
      denied: 'break-glass-without-reason',
    });
    const objected = facts({
      objections: [
        { source: 'Consent/o-2', against: { kind: 'profession', ...nurse.profession }, period: {} },
      ],
    });
    expect(decideAccess(request({ breakGlass: { reason: 'emergency' } }), objected)).toMatchObject({
      denied: 'objection',
    });
  });

  it('lets a patient token see its own record only, whatever the facts', () => {
    const self = { kind: 'patient' as const, identifier: patient };
    expect(decideAccess(request({ actor: self }), NO_FACTS)).toMatchObject({
      permit: true,
      basis: 'own-record',
    });
    const other = { kind: 'patient' as const, identifier: { ...patient, value: '180000000000001' } };
    expect(decideAccess(request({ actor: other }), member(nurseParty))).toMatchObject({
      permit: false,
      denied: 'other-patient',
    });
    // A patient named by a literal reference only cannot be proven to be the token's patient.
    const literal = { system: LITERAL_REFERENCE_SYSTEM, value: 'Patient/f001' };
    expect(
      decideAccess(request({ actor: { kind: 'patient', identifier: literal }, patient: literal }), NO_FACTS)
        .permit,
    ).toBe(false);
  });

  it('denies a professional with no relation, no consent and no emergency, saying why', () => {
    const decision = decideAccess(request({ actor: socialWorker }), member(nurseParty));
    expect(decision).toMatchObject({ permit: false, denied: 'no-care-relation' });
    expect(decision.reason).toMatch(/not in the patient's care team/);
  });

  it('permits an administrator system, a plain system only through a relation of its organisation', () => {
    const admin = { kind: 'system' as const, clientId: 'ops', administrator: true };
    expect(decideAccess(request({ actor: admin }), NO_FACTS)).toMatchObject({
      permit: true,
      basis: 'administration',
    });
    const ehr = { kind: 'system' as const, clientId: 'ehr', organization: nursingHome.identifier };
    expect(decideAccess(request({ actor: ehr }), NO_FACTS).permit).toBe(false);
    expect(decideAccess(request({ actor: ehr }), member(nursingHome)).permit).toBe(true);
  });
});
