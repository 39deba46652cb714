import { SearchParameterRegistry } from '../../src/search/index.js';

/** Shared by the search tests: the registry of the types carenet serves, and realistic resources. */
export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const RPPS = 'https://rpps.esante.gouv.fr';
export const BASE_URL = 'https://carenet.example.org/fhir';

export const registry = SearchParameterRegistry.r4({
  supported: {
    Task: 'all',
    CarePlan: 'all',
    Patient: 'all',
    Practitioner: 'all',
    Observation: ['code', 'value-quantity', 'subject', 'patient', 'date', 'status', 'combo-code'],
    Provenance: ['target', 'agent'],
    Organization: ['name', 'identifier'],
  },
});

export const NOW = new Date('2026-06-15T12:00:00.000Z');

export const task = {
  resourceType: 'Task',
  id: 'task-1',
  meta: {
    lastUpdated: '2026-06-01T08:30:00.123Z',
    profile: ['https://carenet.example.org/fhir/StructureDefinition/delegated-task'],
    tag: [{ system: 'https://carenet.example.org/fhir/CodeSystem/tag', code: 'protocol' }],
    source: 'urn:carenet:gateway',
  },
  identifier: [{ system: 'https://carenet.example.org/fhir/task-id', value: 'T-2026-0001' }],
  groupIdentifier: { system: 'https://carenet.example.org/fhir/group', value: 'G-7' },
  basedOn: [{ reference: 'CarePlan/ppcs-1' }],
  partOf: [{ reference: `${BASE_URL}/Task/parent-1` }],
  status: 'requested',
  businessStatus: { text: 'En attente de l’infirmière' },
  intent: 'order',
  priority: 'urgent',
  code: {
    coding: [
      {
        system: 'http://hl7.org/fhir/CodeSystem/task-code',
        code: 'fulfill',
        display: 'Fulfill the focal request',
      },
    ],
    text: 'Réaliser le pansement',
  },
  focus: { reference: 'ServiceRequest/sr-1' },
  for: {
    identifier: { system: INS, value: '1840572123456' },
    type: 'Patient',
    display: 'Hélène Dupré',
  },
  encounter: { reference: 'Encounter/enc-1' },
  executionPeriod: { start: '2026-06-01', end: '2026-06-30T18:00:00+02:00' },
  authoredOn: '2026-05-28T14:05:00+02:00',
  lastModified: '2026-05-29T09:00:00Z',
  requester: { identifier: { system: IDNPS, value: '810001234567' }, type: 'Practitioner' },
  performerType: [
    {
      coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: '60', display: 'Infirmier' }],
      text: 'Infirmier diplômé d’État',
    },
  ],
  owner: { identifier: { system: IDNPS, value: '820009876543' }, type: 'Practitioner' },
};

export const carePlan = {
  resourceType: 'CarePlan',
  id: 'ppcs-1',
  identifier: [{ system: 'https://carenet.example.org/fhir/ppcs', value: 'PPCS-42' }],
  instantiatesCanonical: ['https://carenet.example.org/fhir/PlanDefinition/ppcs-diabete|1.2'],
  instantiatesUri: ['https://has-sante.fr/ppcs/diabete'],
  basedOn: [{ reference: 'CarePlan/ppcs-0' }],
  replaces: [{ reference: 'CarePlan/ppcs-old' }],
  partOf: [{ reference: 'CarePlan/parent' }],
  status: 'active',
  intent: 'plan',
  category: [{ coding: [{ system: 'http://loinc.org', code: '18776-5', display: 'Plan of care note' }] }],
  subject: { reference: 'Patient/pat-1', identifier: { system: INS, value: '1840572123456' } },
  encounter: { reference: 'Encounter/enc-1' },
  period: { start: '2026-06-01' },
  careTeam: [{ reference: 'CareTeam/ct-1' }],
  addresses: [{ reference: 'Condition/diabete' }],
  goal: [{ reference: 'Goal/hba1c' }],
  activity: [
    {
      reference: { reference: 'Task/task-1' },
    },
    {
      detail: {
        status: 'scheduled',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }] },
        scheduledTiming: {
          event: ['2026-06-03T09:00:00+02:00'],
          repeat: {
            boundsPeriod: { start: '2026-06-01', end: '2026-06-30' },
            frequency: 1,
            period: 1,
            periodUnit: 'd',
          },
        },
        performer: [{ identifier: { system: RPPS, value: '10001234567' }, type: 'Practitioner' }],
      },
    },
    { detail: { status: 'not-started', scheduledPeriod: { start: '2026-07-01' } } },
    { detail: { status: 'not-started', scheduledString: 'tous les matins' } },
  ],
};

export const patient = {
  resourceType: 'Patient',
  id: 'pat-1',
  identifier: [{ system: INS, value: '1840572123456' }],
  active: true,
  name: [{ use: 'official', family: 'Dupré', given: ['Hélène', 'Marie'], prefix: ['Mme'] }],
  telecom: [{ system: 'phone', value: '+33612345678' }],
  gender: 'female',
  birthDate: '1984-05',
  address: [{ line: ['12 rue de l’Œuvre'], city: 'Saint-Étienne', postalCode: '42000', country: 'FR' }],
  generalPractitioner: [{ identifier: { system: RPPS, value: '10001234567' }, type: 'Practitioner' }],
};
