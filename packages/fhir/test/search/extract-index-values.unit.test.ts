import { describe, expect, it } from '@jest/globals';
import {
  IndexExtractionError,
  IndexValueExtractor,
  type ParameterIndexValues,
  type ResourceIndexValues,
} from '../../src/search/index.js';
import { BASE_URL, carePlan, IDNPS, INS, patient, registry, RPPS, task } from './search-fixtures.js';

const extractor = new IndexValueExtractor(registry, { localBaseUrls: [`${BASE_URL}/`] });

function byParameter(result: ResourceIndexValues): Record<string, ParameterIndexValues['values']> {
  return Object.fromEntries(result.parameters.map((p) => [p.parameter, p.values]));
}

function valuesOf(resource: object, parameter: string): ParameterIndexValues['values'] | undefined {
  return byParameter(extractor.extract(resource))[parameter];
}

describe('index values of a realistic Task', () => {
  const result = extractor.extract(task);
  const values = byParameter(result);

  it('has one entry per supported parameter, sorted, typed', () => {
    expect(result.resourceType).toBe('Task');
    expect(result.id).toBe('task-1');
    expect(result.parameters.map((p) => p.parameter)).toEqual(
      registry.supportedParameters('Task').map((p) => p.code),
    );
    expect(result.parameters.find((p) => p.parameter === 'status')?.type).toBe('token');
    expect(result.skipped).toEqual([]);
  });

  it('tokens: code, CodeableConcept codings and text, Identifier', () => {
    expect(values.status).toEqual([{ code: 'requested' }]);
    expect(values.intent).toEqual([{ code: 'order' }]);
    expect(values.code).toEqual([
      {
        system: 'http://hl7.org/fhir/CodeSystem/task-code',
        code: 'fulfill',
        text: 'Fulfill the focal request',
        textNormalized: 'fulfill the focal request',
      },
      { text: 'Réaliser le pansement', textNormalized: 'realiser le pansement' },
    ]);
    expect(values.performer).toEqual([
      { system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: '60', text: 'Infirmier', textNormalized: 'infirmier' },
      { text: 'Infirmier diplômé d’État', textNormalized: 'infirmier diplome d’etat' },
    ]);
    expect(values.identifier).toEqual([
      { system: 'https://carenet.example.org/fhir/task-id', code: 'T-2026-0001' },
    ]);
    expect(values['group-identifier']).toEqual([
      { system: 'https://carenet.example.org/fhir/group', code: 'G-7' },
    ]);
    expect(values['business-status']).toEqual([
      { text: 'En attente de l’infirmière', textNormalized: 'en attente de l’infirmiere' },
    ]);
    expect(values._id).toEqual([{ code: 'task-1' }]);
    expect(values._tag).toEqual([
      { system: 'https://carenet.example.org/fhir/CodeSystem/tag', code: 'protocol' },
    ]);
    expect(values._security).toEqual([]);
  });

  it('references: logical by national identifier (INS, IDNPS), local, and absolute on our own base', () => {
    expect(values.subject).toEqual([
      { targetType: 'Patient', identifier: { system: INS, value: '1840572123456' } },
    ]);
    expect(values.patient).toEqual(values.subject);
    expect(values.owner).toEqual([
      { targetType: 'Practitioner', identifier: { system: IDNPS, value: '820009876543' } },
    ]);
    expect(values.requester).toEqual([
      { targetType: 'Practitioner', identifier: { system: IDNPS, value: '810001234567' } },
    ]);
    expect(values['based-on']).toEqual([
      { reference: 'CarePlan/ppcs-1', targetType: 'CarePlan', targetId: 'ppcs-1' },
    ]);
    expect(values['part-of']).toEqual([
      { reference: 'Task/parent-1', targetType: 'Task', targetId: 'parent-1' },
    ]);
    expect(values.focus).toEqual([
      { reference: 'ServiceRequest/sr-1', targetType: 'ServiceRequest', targetId: 'sr-1' },
    ]);
  });

  it('dates: instants at their precision, a Period from the start of its first day to the end of its last second', () => {
    expect(values['authored-on']).toEqual([
      { start: '2026-05-28T12:05:00.000Z', end: '2026-05-28T12:05:00.999Z' },
    ]);
    expect(values.modified).toEqual([{ start: '2026-05-29T09:00:00.000Z', end: '2026-05-29T09:00:00.999Z' }]);
    expect(values.period).toEqual([{ start: '2026-06-01T00:00:00.000Z', end: '2026-06-30T16:00:00.999Z' }]);
    expect(values._lastUpdated).toEqual([
      { start: '2026-06-01T08:30:00.123Z', end: '2026-06-01T08:30:00.123Z' },
    ]);
  });

  it('uris', () => {
    expect(values._profile).toEqual([
      { value: 'https://carenet.example.org/fhir/StructureDefinition/delegated-task' },
    ]);
    expect(values._source).toEqual([{ value: 'urn:carenet:gateway' }]);
  });

  it('does not change the resource', () => {
    const copy = structuredClone(task);
    extractor.extract(copy);
    expect(copy).toEqual(task);
  });
});

describe('Task.patient without a server (resolve() rewritten)', () => {
  it.each([
    [{ reference: 'Patient/p1' }, [{ reference: 'Patient/p1', targetType: 'Patient', targetId: 'p1' }]],
    [
      { reference: 'https://other.example/fhir/Patient/p1/_history/3' },
      [{ reference: 'https://other.example/fhir/Patient/p1', targetType: 'Patient', targetId: 'p1' }],
    ],
    [
      { reference: `${BASE_URL}/Patient/p1` },
      [{ reference: 'Patient/p1', targetType: 'Patient', targetId: 'p1' }],
    ],
    [
      { identifier: { system: INS, value: '2' }, type: 'http://hl7.org/fhir/StructureDefinition/Patient' },
      [{ targetType: 'Patient', identifier: { system: INS, value: '2' } }],
    ],
    [{ reference: 'Group/g1' }, []],
    [{ reference: 'Practitioner/pr1' }, []],
    [{ identifier: { system: INS, value: '2' } }, []],
  ])('for = %j', (reference, expected) => {
    expect(
      valuesOf({ resourceType: 'Task', status: 'draft', intent: 'order', for: reference }, 'patient'),
    ).toEqual(expected);
  });

  it('subject keeps any target, patient only patients', () => {
    const values = byParameter(
      extractor.extract({
        resourceType: 'Task',
        status: 'draft',
        intent: 'order',
        for: { reference: 'Group/g1' },
      }),
    );
    expect(values.subject).toEqual([{ reference: 'Group/g1', targetType: 'Group', targetId: 'g1' }]);
    expect(values.patient).toEqual([]);
  });
});

describe('index values of a realistic CarePlan (PPCS)', () => {
  const result = extractor.extract(carePlan);
  const values = byParameter(result);

  it('date is CarePlan.period, open end as infinity', () => {
    expect(values.date).toEqual([{ start: '2026-06-01T00:00:00.000Z', end: 'infinity' }]);
  });

  it('activity-date covers scheduled[x]: Timing events and bounds, Period; a scheduledString is reported as skipped', () => {
    expect(values['activity-date']).toEqual([
      { start: '2026-06-03T07:00:00.000Z', end: '2026-06-03T07:00:00.999Z' },
      { start: '2026-06-01T00:00:00.000Z', end: '2026-06-30T23:59:59.999Z' },
      { start: '2026-07-01T00:00:00.000Z', end: 'infinity' },
    ]);
    expect(result.skipped).toEqual([
      { parameter: 'activity-date', valueType: 'string', reason: 'not a date type' },
    ]);
  });

  it('references: subject with both reference and identifier; performer by RPPS; canonical with version', () => {
    const subject = {
      reference: 'Patient/pat-1',
      targetType: 'Patient',
      targetId: 'pat-1',
      identifier: { system: INS, value: '1840572123456' },
    };
    expect(values.subject).toEqual([subject]);
    expect(values.patient).toEqual([subject]);
    expect(values.performer).toEqual([
      { targetType: 'Practitioner', identifier: { system: RPPS, value: '10001234567' } },
    ]);
    expect(values['activity-reference']).toEqual([
      { reference: 'Task/task-1', targetType: 'Task', targetId: 'task-1' },
    ]);
    expect(values['instantiates-canonical']).toEqual([
      {
        reference: 'PlanDefinition/ppcs-diabete',
        targetType: 'PlanDefinition',
        targetId: 'ppcs-diabete',
        version: '1.2',
      },
    ]);
    expect(values.condition).toEqual([
      { reference: 'Condition/diabete', targetType: 'Condition', targetId: 'diabete' },
    ]);
  });

  it('tokens and uris', () => {
    expect(values['activity-code']).toEqual([
      {
        system: 'http://snomed.info/sct',
        code: '225358003',
        text: 'Wound care',
        textNormalized: 'wound care',
      },
    ]);
    expect(values.category).toEqual([
      {
        system: 'http://loinc.org',
        code: '18776-5',
        text: 'Plan of care note',
        textNormalized: 'plan of care note',
      },
    ]);
    expect(values['instantiates-uri']).toEqual([{ value: 'https://has-sante.fr/ppcs/diabete' }]);
    expect(values.identifier).toEqual([{ system: 'https://carenet.example.org/fhir/ppcs', code: 'PPCS-42' }]);
  });

  it('a canonical elsewhere stays a URL', () => {
    expect(
      valuesOf(
        {
          ...carePlan,
          instantiatesCanonical: ['http://example.org/fhir/PlanDefinition/x|2', 'urn:uuid:1234'],
        },
        'instantiates-canonical',
      ),
    ).toEqual([
      {
        reference: 'http://example.org/fhir/PlanDefinition/x',
        targetType: 'PlanDefinition',
        targetId: 'x',
        version: '2',
      },
      { reference: 'urn:uuid:1234' },
    ]);
  });
});

describe('strings, ContactPoint, booleans, partial dates (Patient)', () => {
  const values = byParameter(extractor.extract(patient));

  it('HumanName expands to its parts, normalised (case, accents)', () => {
    expect(values.name).toEqual([
      { value: 'Dupré', normalized: 'dupre' },
      { value: 'Hélène', normalized: 'helene' },
      { value: 'Marie', normalized: 'marie' },
      { value: 'Mme', normalized: 'mme' },
    ]);
    expect(values.family).toEqual([{ value: 'Dupré', normalized: 'dupre' }]);
  });

  it('Address expands to its parts (œ folded to oe)', () => {
    expect(values.address).toEqual([
      { value: '12 rue de l’Œuvre', normalized: '12 rue de l’oeuvre' },
      { value: 'Saint-Étienne', normalized: 'saint-etienne' },
      { value: '42000', normalized: '42000' },
      { value: 'FR', normalized: 'fr' },
    ]);
    expect(values['address-city']).toEqual([{ value: 'Saint-Étienne', normalized: 'saint-etienne' }]);
  });

  it('ContactPoint: value as code, its system as system; boolean as true/false', () => {
    expect(values.phone).toEqual([{ system: 'phone', code: '+33612345678' }]);
    expect(values.email).toEqual([]);
    expect(values.active).toEqual([{ code: 'true' }]);
    expect(values.gender).toEqual([{ code: 'female' }]);
  });

  it('a partial birthDate covers the whole month', () => {
    expect(values.birthdate).toEqual([
      { start: '1984-05-01T00:00:00.000Z', end: '1984-05-31T23:59:59.999Z' },
    ]);
  });
});

describe('quantities and choice types (Observation)', () => {
  const observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] },
    subject: { reference: 'Patient/pat-1' },
    effectivePeriod: { end: '2026-06-02' },
    valueQuantity: { value: 7.2, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    component: [{ code: { coding: [{ system: 'http://loinc.org', code: '17856-6' }] } }],
  };
  const values = byParameter(extractor.extract(observation));

  it('Quantity: value, system, code, unit', () => {
    expect(values['value-quantity']).toEqual([
      { value: 7.2, system: 'http://unitsofmeasure.org', code: '%', unit: '%' },
    ]);
  });

  it('a Period without start opens at -infinity', () => {
    expect(values.date).toEqual([{ start: '-infinity', end: '2026-06-02T23:59:59.999Z' }]);
  });

  it('a union over members (combo-code) collects from each', () => {
    expect(values['combo-code']).toEqual([
      { system: 'http://loinc.org', code: '4548-4' },
      { system: 'http://loinc.org', code: '17856-6' },
    ]);
  });

  it('patient (resolve() rewritten on Observation.subject)', () => {
    expect(values.patient).toEqual([
      { reference: 'Patient/pat-1', targetType: 'Patient', targetId: 'pat-1' },
    ]);
  });
});

describe('robustness', () => {
  it('malformed values are skipped and reported, not thrown', () => {
    const result = extractor.extract({
      resourceType: 'Task',
      status: 'draft',
      intent: 'order',
      authoredOn: '2026-13-45',
      executionPeriod: { start: 'yesterday' },
      for: { reference: 'not a reference' },
    });
    const values = byParameter(result);
    expect(values['authored-on']).toEqual([]);
    expect(values.period).toEqual([]);
    expect(values.subject).toEqual([]);
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { parameter: 'authored-on', valueType: 'dateTime', reason: 'malformed date' },
        { parameter: 'period', valueType: 'Period', reason: 'malformed date in period' },
        { parameter: 'subject', valueType: 'Reference', reason: 'malformed reference "not a reference"' },
      ]),
    );
  });

  it('duplicates are indexed once; empty elements not at all', () => {
    const values = byParameter(
      extractor.extract({
        resourceType: 'Task',
        status: 'draft',
        intent: 'order',
        identifier: [{ system: 's', value: 'v' }, { system: 's', value: 'v' }, {}],
        code: { coding: [{}] },
      }),
    );
    expect(values.identifier).toEqual(
      [{ system: 's', value: 'v' }].map(({ system, value }) => ({ system, code: value })),
    );
    expect(values.code).toEqual([]);
  });

  it('a contained reference keeps its #id', () => {
    expect(
      valuesOf(
        { resourceType: 'Task', status: 'draft', intent: 'order', focus: { reference: '#sr' } },
        'focus',
      ),
    ).toEqual([{ reference: '#sr' }]);
  });

  it.each([
    [null, 'not-a-resource'],
    ['Task', 'not-a-resource'],
    [{ status: 'draft' }, 'not-a-resource'],
    [{ resourceType: 'Account' }, 'unsupported-resource-type'],
  ])('%j → IndexExtractionError %s', (resource, reason) => {
    let caught: unknown;
    try {
      extractor.extract(resource);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IndexExtractionError);
    expect(caught).toMatchObject({ reason });
  });

  it('extracts thousands of Tasks per second (all 25 supported parameters)', () => {
    const n = 2000;
    const started = performance.now();
    for (let i = 0; i < n; i++) extractor.extract(task);
    const perSecond = n / ((performance.now() - started) / 1000);
    expect(perSecond).toBeGreaterThan(1000);
  });
});
