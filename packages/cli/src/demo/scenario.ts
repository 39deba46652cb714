// What happens in the demo territory: each patient's care team, goals and PPCS, the Tasks the
// professionals exchange, the consents. Plain data and the FHIR bodies built from it; the loader
// (load-territory.ts) sends them and moves each resource to the status it should have.
import { DATA_CATEGORY_SYSTEM, FINESS, INS_NIR } from '@carenet/access';
import { carenetCodeSystem, carenetExtension } from '@carenet/fhir';
import {
  DEMO_IDENTIFIER_SYSTEM,
  PATIENTS,
  PROFESSIONALS,
  references,
  STRUCTURES,
  type DemoCalendar,
  type PatientKey,
  type ProfessionalKey,
  type Structure,
} from './territory.js';

/** A FHIR resource body, as sent. */
export type FhirBody = { readonly resourceType: string } & Readonly<Record<string, unknown>>;

/** The status a Task should reach, moved by its owner (or, for an organisation, who acts for it). */
export type TaskTarget = 'requested' | 'accepted' | 'in-progress' | 'on-hold' | 'completed' | 'rejected';

export interface TaskMoves {
  readonly status: TaskTarget;
  /** Who moves it: the owner, or a professional acting for the owning organisation. */
  readonly by: ProfessionalKey;
  /** Recorded with completion. */
  readonly output?: string;
  /** Recorded with a rejection or a hold. */
  readonly reason?: string;
}

export interface DemoCareTeam {
  readonly key: string;
  readonly patient: PatientKey;
  readonly body: FhirBody;
}

export interface DemoGoal {
  readonly key: string;
  readonly patient: PatientKey;
  readonly body: FhirBody;
  /** A goal that has moved on since it was set (on-hold, completed). */
  readonly then?: { readonly lifecycleStatus: 'on-hold' | 'completed'; readonly achieved?: boolean };
}

export interface DemoAction {
  readonly detail: Readonly<Record<string, unknown>>;
  /** Where its Task should be once the plan is active. */
  readonly task: TaskMoves;
}

export type PlanTarget = 'draft' | 'active' | 'on-hold' | 'completed';

export interface DemoPlan {
  readonly key: string;
  readonly patient: PatientKey;
  readonly careTeam: string;
  readonly goals: readonly string[];
  readonly target: PlanTarget;
  readonly actions: readonly DemoAction[];
  /** The body once the care team's and the goals' ids are known. */
  body(ids: { readonly careTeam: string; readonly goals: readonly string[] }): FhirBody;
}

export interface DemoTask {
  readonly key: string;
  readonly patient: PatientKey;
  readonly requester: ProfessionalKey;
  readonly body: FhirBody;
  readonly moves: TaskMoves;
  /** Handed over by its owner, for a period (a leave), to another professional. */
  readonly transfer?: { readonly to: ProfessionalKey; readonly untilDays: number; readonly reason: string };
}

export interface DemoConsent {
  readonly key: string;
  readonly patient: PatientKey;
  readonly body: FhirBody;
}

export interface DemoScenario {
  readonly patients: readonly { readonly key: PatientKey; readonly body: FhirBody }[];
  readonly careTeams: readonly DemoCareTeam[];
  readonly goals: readonly DemoGoal[];
  readonly plans: readonly DemoPlan[];
  readonly tasks: readonly DemoTask[];
  readonly consents: readonly DemoConsent[];
}

const identifier = (key: string) => [{ system: DEMO_IDENTIFIER_SYSTEM, value: key }];
const snomed = (code: string, display: string, text: string) => ({
  coding: [{ system: 'http://snomed.info/sct', code, display }],
  text,
});
const X = {
  reliability: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability',
  coordinator: carenetExtension('care-plan-coordinator'),
  medecinTraitant: carenetExtension('care-plan-medecin-traitant'),
  reviewDate: carenetExtension('care-plan-review-date'),
  situation: carenetExtension('care-plan-situation'),
  actionPriority: carenetExtension('care-plan-action-priority'),
  actionKind: carenetExtension('care-plan-action-kind'),
  actionExpectedResult: carenetExtension('care-plan-action-expected-result'),
  informationGiven: carenetExtension('consent-information-given'),
  recipientSector: carenetExtension('consent-recipient-sector'),
};

function patientBody(key: PatientKey): FhirBody {
  const p = PATIENTS[key];
  return {
    resourceType: 'Patient',
    extension: [
      {
        url: X.reliability,
        extension: [
          {
            url: 'identityStatus',
            valueCoding: {
              system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445',
              code: 'QUAL',
            },
          },
        ],
      },
    ],
    identifier: [{ system: INS_NIR, value: p.nir }],
    active: true,
    name: [{ use: 'official', family: p.family, given: [p.given] }],
    gender: p.gender,
    birthDate: p.birthDate,
    address: [{ city: p.city, country: 'FR' }],
    generalPractitioner: [references.professional('gp')],
  };
}

const CARE_TEAM_ROLE = carenetCodeSystem('care-team-role');
const role = (code: string, text: string) => [{ coding: [{ system: CARE_TEAM_ROLE, code }], text }];
type Member = Readonly<Record<string, unknown>>;
const member = {
  coordinator: (): Member => ({
    role: role('coordinator', 'Coordinatrice de parcours (référente)'),
    member: references.professional('coordinator'),
    onBehalfOf: references.structure(STRUCTURES.dac),
  }),
  gp: (): Member => ({
    role: role('attending-physician', 'Médecin traitant'),
    member: references.professional('gp'),
    onBehalfOf: references.structure(STRUCTURES.msp),
  }),
  nurse: (key: 'nurse' | 'secondNurse'): Member => ({
    role: role('nurse', 'Infirmier(e) libéral(e)'),
    member: references.professional(key),
    onBehalfOf: references.structure(STRUCTURES.msp),
  }),
  pharmacist: (): Member => ({
    role: role('pharmacist', 'Pharmacienne'),
    member: references.professional('pharmacist'),
    onBehalfOf: references.structure(STRUCTURES.pharmacy),
  }),
  structure: (structure: Structure, text: string): Member => ({
    role: [{ text }],
    member: references.structure(structure),
  }),
  caregiver: (display: string): Member => ({
    role: role('caregiver', 'Aidante'),
    member: {
      extension: [
        {
          url: carenetExtension('related-person-relationship'),
          valueCodeableConcept: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'DAU' }],
          },
        },
      ],
      type: 'RelatedPerson',
      display,
    },
  }),
};

function careTeam(
  key: string,
  patient: PatientKey,
  participants: readonly Member[],
  start: string,
): DemoCareTeam {
  const p = PATIENTS[patient];
  return {
    key,
    patient,
    body: {
      resourceType: 'CareTeam',
      identifier: identifier(key),
      status: 'active',
      category: [
        {
          coding: [
            {
              system: 'http://loinc.org',
              code: 'LA28865-6',
              display: 'Longitudinal care-coordination focused care team',
            },
          ],
        },
      ],
      name: `Équipe de soins de ${p.given} ${p.family}`,
      subject: references.patient(patient),
      period: { start },
      participant: participants.map((m) => ({ ...m, period: { start } })),
      managingOrganization: [references.structure(STRUCTURES.dac)],
    },
  };
}

function goal(
  key: string,
  patient: PatientKey,
  text: string,
  lifecycleStatus: 'proposed' | 'active',
  dueDate: string,
  then?: DemoGoal['then'],
): DemoGoal {
  return {
    key,
    patient,
    body: {
      resourceType: 'Goal',
      identifier: identifier(key),
      lifecycleStatus,
      description: { text },
      subject: references.patient(patient),
      expressedBy: references.patient(patient),
      target: [{ dueDate }],
    },
    ...(then !== undefined && { then }),
  };
}

interface ActionOf {
  readonly code: Readonly<Record<string, unknown>>;
  readonly performer: Readonly<Record<string, unknown>>;
  readonly kind: 'prevention' | 'care' | 'medication' | 'social' | 'education' | 'coordination';
  readonly priority?: 'routine' | 'urgent' | 'asap';
  readonly expected: string;
  readonly when: Readonly<Record<string, unknown>>;
  readonly task: TaskMoves;
}

function action(a: ActionOf): DemoAction {
  return {
    task: a.task,
    detail: {
      extension: [
        { url: X.actionPriority, valueCode: a.priority ?? 'routine' },
        {
          url: X.actionKind,
          valueCoding: { system: carenetCodeSystem('care-plan-action-kind'), code: a.kind },
        },
        { url: X.actionExpectedResult, valueString: a.expected },
      ],
      kind: 'Task',
      code: a.code,
      status: 'not-started',
      ...a.when,
      performer: [a.performer],
    },
  };
}

const situation = (
  kind: 'problem' | 'need',
  dimension: 'medical' | 'psychological' | 'social' | 'environmental',
  text: string,
) => ({
  url: X.situation,
  extension: [
    { url: 'kind', valueCode: kind },
    {
      url: 'dimension',
      valueCoding: { system: carenetCodeSystem('ppcs-dimension'), code: dimension },
    },
    { url: 'text', valueString: text },
  ],
});

interface PlanOf {
  readonly key: string;
  readonly patient: PatientKey;
  readonly title: string;
  readonly description: string;
  readonly target: PlanTarget;
  readonly start: string;
  readonly reviewDate: string;
  readonly situation: readonly Readonly<Record<string, unknown>>[];
  readonly careTeam: string;
  readonly goals: readonly string[];
  readonly actions: readonly DemoAction[];
}

function plan(p: PlanOf): DemoPlan {
  return {
    key: p.key,
    patient: p.patient,
    careTeam: p.careTeam,
    goals: p.goals,
    target: p.target,
    actions: p.actions,
    body: (ids) => ({
      resourceType: 'CarePlan',
      identifier: identifier(p.key),
      extension: [
        { url: X.coordinator, valueReference: references.professional('coordinator') },
        { url: X.medecinTraitant, valueReference: references.professional('gp') },
        { url: X.reviewDate, valueDate: p.reviewDate },
        ...p.situation,
      ],
      status: 'draft',
      intent: 'plan',
      category: [
        {
          coding: [{ system: carenetCodeSystem('care-plan-category'), code: 'ppcs' }],
          text: 'Plan personnalisé de coordination en santé (PPCS)',
        },
      ],
      title: p.title,
      description: p.description,
      subject: references.patient(p.patient),
      period: { start: p.start },
      careTeam: [{ reference: `CareTeam/${ids.careTeam}`, type: 'CareTeam' }],
      goal: ids.goals.map((id) => ({ reference: `Goal/${id}`, type: 'Goal' })),
      activity: p.actions.map((a) => ({ detail: a.detail })),
    }),
  };
}

interface TaskOf {
  readonly key: string;
  readonly patient: PatientKey;
  readonly requester: ProfessionalKey;
  readonly owner: ProfessionalKey;
  readonly code: Readonly<Record<string, unknown>>;
  readonly description: string;
  readonly priority: 'routine' | 'urgent' | 'asap';
  readonly authoredOn: string;
  readonly due: string;
  readonly moves: Omit<TaskMoves, 'by'>;
  readonly transfer?: DemoTask['transfer'];
}

function task(t: TaskOf): DemoTask {
  return {
    key: t.key,
    patient: t.patient,
    requester: t.requester,
    moves: { ...t.moves, by: t.owner },
    ...(t.transfer !== undefined && { transfer: t.transfer }),
    body: {
      resourceType: 'Task',
      identifier: identifier(t.key),
      status: 'requested',
      intent: 'order',
      priority: t.priority,
      code: t.code,
      description: t.description,
      for: references.patient(t.patient),
      authoredOn: t.authoredOn,
      requester: references.professional(t.requester),
      owner: references.professional(t.owner),
      restriction: { period: { end: t.due } },
    },
  };
}

const CONSENT_COMMON = {
  resourceType: 'Consent',
  scope: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
  },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
} as const;

/** The whole territory, dated from `calendar`'s today. */
export function demoScenario(calendar: DemoCalendar): DemoScenario {
  const { day, at } = calendar;
  const nurse = PROFESSIONALS.nurse.actor.name;
  return {
    patients: (Object.keys(PATIENTS) as PatientKey[]).map((key) => ({ key, body: patientBody(key) })),

    careTeams: [
      careTeam(
        'care-team-dubois',
        'dubois',
        [
          member.coordinator(),
          member.gp(),
          member.nurse('nurse'),
          member.pharmacist(),
          member.structure(STRUCTURES.ssiad, 'Service de soins infirmiers à domicile'),
        ],
        day(-3),
      ),
      careTeam(
        'care-team-lefevre',
        'lefevre',
        [member.coordinator(), member.gp(), member.nurse('secondNurse'), member.pharmacist()],
        day(-20),
      ),
      careTeam(
        'care-team-garnier',
        'garnier',
        [
          member.coordinator(),
          member.gp(),
          member.nurse('nurse'),
          member.structure(STRUCTURES.ssiad, 'Service de soins infirmiers à domicile'),
          member.caregiver('Martine Garnier (fille)'),
        ],
        day(-1),
      ),
      careTeam(
        'care-team-bernard',
        'bernard',
        [member.coordinator(), member.gp(), member.nurse('secondNurse')],
        day(-45),
      ),
      careTeam(
        'care-team-roux',
        'roux',
        [member.coordinator(), member.gp(), member.nurse('nurse')],
        day(-30),
      ),
    ],

    goals: [
      goal(
        'goal-dubois-walk',
        'dubois',
        'Marcher jusqu’à la boulangerie avec une canne d’ici six semaines',
        'active',
        day(42),
      ),
      goal('goal-dubois-falls', 'dubois', 'Aucune chute à domicile pendant trois mois', 'active', day(90)),
      goal('goal-lefevre-hba1c', 'lefevre', 'HbA1c sous 8 % au prochain bilan', 'active', day(60)),
      goal('goal-lefevre-weight', 'lefevre', 'Poids stable à ± 2 kg', 'active', day(60)),
      goal(
        'goal-garnier-home',
        'garnier',
        'Rester à domicile avec l’aide de sa fille et du SSIAD',
        'proposed',
        day(180),
      ),
      goal('goal-bernard-ulcer', 'bernard', 'Cicatrisation de l’ulcère de jambe', 'active', day(30), {
        lifecycleStatus: 'on-hold',
      }),
      goal('goal-roux-walk', 'roux', 'Remarcher sans aide après la prothèse de genou', 'active', day(0), {
        lifecycleStatus: 'completed',
        achieved: true,
      }),
    ],

    plans: [
      plan({
        key: 'ppcs-dubois',
        patient: 'dubois',
        title: 'PPCS de Jeanne Dubois, retour à domicile après fracture du col du fémur',
        description: 'Sortie du CH du Val de Dordogne après ostéosynthèse; vit seule, à l’étage.',
        target: 'active',
        start: day(-3),
        reviewDate: day(30),
        situation: [
          situation('problem', 'medical', 'Fracture du col du fémur opérée, plaie à surveiller'),
          situation('problem', 'environmental', 'Logement à l’étage, sans ascenseur'),
          situation('need', 'social', 'Aide quotidienne pour la toilette'),
        ],
        careTeam: 'care-team-dubois',
        goals: ['goal-dubois-walk', 'goal-dubois-falls'],
        actions: [
          action({
            code: snomed('225358003', 'Wound care', 'Soins de plaie'),
            performer: references.professional('nurse'),
            kind: 'care',
            expected: 'Plaie cicatrisée sans infection',
            when: {
              scheduledTiming: {
                repeat: {
                  boundsPeriod: { start: day(-2), end: day(19) },
                  frequency: 3,
                  period: 1,
                  periodUnit: 'wk',
                },
              },
            },
            task: { status: 'in-progress', by: 'nurse' },
          }),
          action({
            code: snomed('430193006', 'Medication reconciliation', 'Conciliation médicamenteuse'),
            performer: references.professional('pharmacist'),
            kind: 'medication',
            priority: 'asap',
            expected: 'Traitement de sortie et traitement de ville concordants',
            when: { scheduledPeriod: { start: day(0), end: day(2) } },
            task: { status: 'requested', by: 'pharmacist' },
          }),
          action({
            code: { text: 'Aide à la toilette' },
            performer: references.structure(STRUCTURES.ssiad),
            kind: 'care',
            expected: 'Toilette assurée chaque matin',
            when: {
              scheduledTiming: {
                repeat: {
                  boundsPeriod: { start: day(0), end: day(30) },
                  frequency: 1,
                  period: 1,
                  periodUnit: 'd',
                },
              },
            },
            task: { status: 'accepted', by: 'ssiadNurse' },
          }),
        ],
      }),
      plan({
        key: 'ppcs-lefevre',
        patient: 'lefevre',
        title: 'PPCS de Marcel Lefèvre, diabète et insuffisance cardiaque',
        description: 'Deux hospitalisations pour décompensation cardiaque cette année.',
        target: 'active',
        start: day(-20),
        reviewDate: day(40),
        situation: [
          situation('problem', 'medical', 'Diabète de type 2 déséquilibré, insuffisance cardiaque'),
          situation('need', 'psychological', 'Comprendre les signes d’alerte de décompensation'),
        ],
        careTeam: 'care-team-lefevre',
        goals: ['goal-lefevre-hba1c', 'goal-lefevre-weight'],
        actions: [
          action({
            code: { text: 'Suivi hebdomadaire du poids et de la glycémie' },
            performer: references.professional('secondNurse'),
            kind: 'prevention',
            expected: 'Alerte au médecin si prise de 2 kg en 3 jours',
            when: {
              scheduledTiming: {
                repeat: {
                  boundsPeriod: { start: day(0), end: day(56) },
                  frequency: 1,
                  period: 1,
                  periodUnit: 'wk',
                },
              },
            },
            task: { status: 'accepted', by: 'secondNurse' },
          }),
          action({
            code: { text: 'Consultation de réévaluation du traitement' },
            performer: references.professional('gp'),
            kind: 'medication',
            expected: 'Traitement adapté aux résultats du bilan',
            when: { scheduledPeriod: { start: day(14), end: day(21) } },
            task: { status: 'requested', by: 'gp' },
          }),
        ],
      }),
      plan({
        key: 'ppcs-garnier',
        patient: 'garnier',
        title: 'PPCS d’Odette Garnier, maintien à domicile',
        description: 'Troubles cognitifs débutants; sa fille passe chaque soir. En préparation.',
        target: 'draft',
        start: day(0),
        reviewDate: day(45),
        situation: [
          situation('problem', 'psychological', 'Troubles cognitifs débutants, oublis de traitement'),
          situation('need', 'social', 'Dossier d’allocation personnalisée d’autonomie (APA)'),
        ],
        careTeam: 'care-team-garnier',
        goals: ['goal-garnier-home'],
        actions: [
          action({
            code: { text: 'Préparation hebdomadaire du pilulier' },
            performer: references.professional('nurse'),
            kind: 'medication',
            expected: 'Aucun oubli de traitement',
            when: {
              scheduledTiming: {
                repeat: {
                  boundsPeriod: { start: day(7), end: day(97) },
                  frequency: 1,
                  period: 1,
                  periodUnit: 'wk',
                },
              },
            },
            task: { status: 'requested', by: 'nurse' },
          }),
        ],
      }),
      plan({
        key: 'ppcs-bernard',
        patient: 'bernard',
        title: 'PPCS de Lucien Bernard, ulcère veineux et diabète',
        description: 'Suspendu pendant son hospitalisation au CH du Val de Dordogne.',
        target: 'on-hold',
        start: day(-45),
        reviewDate: day(15),
        situation: [situation('problem', 'medical', 'Ulcère veineux de jambe, diabète insulino-traité')],
        careTeam: 'care-team-bernard',
        goals: ['goal-bernard-ulcer'],
        actions: [
          action({
            code: { text: 'Injection d’insuline matin et soir' },
            performer: references.professional('secondNurse'),
            kind: 'care',
            expected: 'Glycémies entre 0,8 et 1,8 g/l',
            when: {
              scheduledTiming: {
                repeat: {
                  boundsPeriod: { start: day(0), end: day(60) },
                  frequency: 2,
                  period: 1,
                  periodUnit: 'd',
                },
              },
            },
            task: { status: 'requested', by: 'secondNurse' },
          }),
        ],
      }),
      plan({
        key: 'ppcs-roux',
        patient: 'roux',
        title: 'PPCS de Paulette Roux, rééducation après prothèse de genou',
        description: 'Objectifs atteints: plan terminé.',
        target: 'completed',
        start: day(-30),
        reviewDate: day(1),
        situation: [situation('problem', 'medical', 'Prothèse totale de genou')],
        careTeam: 'care-team-roux',
        goals: ['goal-roux-walk'],
        actions: [
          action({
            code: snomed('30549001', 'Removal of suture', 'Ablation des fils et soins de plaie'),
            performer: references.professional('nurse'),
            kind: 'care',
            expected: 'Cicatrice fermée',
            when: { scheduledPeriod: { start: day(-16), end: day(1) } },
            task: { status: 'completed', by: 'nurse', output: 'Fils retirés, cicatrice propre' },
          }),
        ],
      }),
    ],

    tasks: [
      task({
        key: 'task-dubois-post-op',
        patient: 'dubois',
        requester: 'hospitalPhysician',
        owner: 'nurse',
        code: { text: 'Surveillance post-opératoire au premier passage' },
        description: 'Vérifier la plaie, la douleur et l’appui au premier passage; m’appeler si fièvre.',
        priority: 'urgent',
        authoredOn: at(-1, 16),
        due: at(1, 18),
        moves: { status: 'requested' },
      }),
      task({
        key: 'task-garnier-blood-pressure',
        patient: 'garnier',
        requester: 'gp',
        owner: 'nurse',
        code: snomed('46973005', 'Blood pressure taking', 'Prise de tension'),
        description: 'Tension matin et soir pendant 5 jours après le changement de traitement.',
        priority: 'routine',
        authoredOn: at(-1, 11),
        due: at(5, 18),
        moves: { status: 'accepted' },
      }),
      task({
        key: 'task-lefevre-inr',
        patient: 'lefevre',
        requester: 'gp',
        owner: 'secondNurse',
        code: snomed('82078001', 'Collection of blood specimen for laboratory', 'Prise de sang (INR)'),
        description: 'INR à jeun; résultats au cabinet.',
        priority: 'asap',
        authoredOn: at(-1, 9),
        due: at(2, 12),
        moves: { status: 'requested' },
        transfer: { to: 'nurse', untilDays: 10, reason: `Congés de Julien Petit, relayé par ${nurse}` },
      }),
      task({
        key: 'task-roux-flu-vaccine',
        patient: 'roux',
        requester: 'gp',
        owner: 'nurse',
        code: snomed('86198006', 'Influenza vaccination', 'Vaccination antigrippale'),
        description: 'Vaccin antigrippal à domicile.',
        priority: 'routine',
        authoredOn: at(-6, 10),
        due: at(3, 18),
        moves: { status: 'completed', output: 'Vaccin administré, lot noté dans le carnet' },
      }),
      task({
        key: 'task-bernard-ulcer-dressing',
        patient: 'bernard',
        requester: 'gp',
        owner: 'secondNurse',
        code: snomed('225358003', 'Wound care', 'Pansement d’ulcère de jambe'),
        description: 'Pansement tous les deux jours.',
        priority: 'routine',
        authoredOn: at(-10, 10),
        due: at(20, 18),
        moves: { status: 'on-hold', reason: 'Patient hospitalisé' },
      }),
      task({
        key: 'task-roux-suture-removal',
        patient: 'roux',
        requester: 'gp',
        owner: 'secondNurse',
        code: snomed('30549001', 'Removal of suture', 'Ablation des fils'),
        description: 'Ablation des fils à J15.',
        priority: 'routine',
        authoredOn: at(-4, 10),
        due: at(2, 18),
        moves: { status: 'rejected', reason: `Déjà fait par ${nurse} dans le cadre du PPCS` },
      }),
    ],

    consents: [
      {
        key: 'consent-garnier-social',
        patient: 'garnier',
        body: {
          ...CONSENT_COMMON,
          identifier: identifier('consent-garnier-social'),
          extension: [
            {
              url: X.informationGiven,
              extension: [
                { url: 'date', valueDateTime: at(-1, 10) },
                { url: 'category', valueCoding: { system: DATA_CATEGORY_SYSTEM, code: 'medico-social' } },
                { url: 'recipients', valueString: 'Les travailleurs sociaux du département (dossier APA)' },
                { url: 'informedBy', valueReference: references.professional('coordinator') },
              ],
            },
          ],
          status: 'active',
          patient: references.patient('garnier'),
          dateTime: at(-1, 11),
          performer: [references.patient('garnier')],
          policyRule: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
          },
          provision: {
            type: 'permit',
            period: { start: day(-1), end: day(364) },
            actor: [
              {
                role: {
                  coding: [
                    { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' },
                  ],
                },
                reference: {
                  extension: [{ url: X.recipientSector, valueCode: 'social' }],
                  display: 'Secteur social (travailleurs sociaux du département)',
                },
              },
            ],
            code: [{ coding: [{ system: DATA_CATEGORY_SYSTEM, code: 'medico-social' }] }],
          },
        },
      },
      {
        key: 'consent-bernard-objection',
        patient: 'bernard',
        body: {
          ...CONSENT_COMMON,
          identifier: identifier('consent-bernard-objection'),
          status: 'active',
          patient: references.patient('bernard'),
          dateTime: at(-30, 15),
          performer: [references.patient('bernard')],
          policyRule: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }],
          },
          provision: {
            type: 'deny',
            actor: [
              {
                role: {
                  coding: [
                    { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' },
                  ],
                },
                reference: {
                  type: 'Organization',
                  identifier: { system: FINESS, value: STRUCTURES.pharmacy.finess },
                  display: STRUCTURES.pharmacy.name,
                },
              },
            ],
          },
        },
      },
    ],
  };
}
