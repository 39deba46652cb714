import { describe, expect, it } from '@jest/globals';
import { LITERAL_REFERENCE_SYSTEM, type PatientActor } from '@carenet/access';
import type { Task } from 'fhir/r4.js';
import { COOPERATION_MODE_SYSTEM, createTaskCommand, TASK_EXTENSIONS } from '../src/fhir/index.js';
import { CLIENT_ID_SYSTEM, taskDecider, TASK_RULES } from '../src/task/index.js';
import {
  businessRule,
  delegationBody,
  FINESS,
  IDNPS,
  INS,
  stateAfter,
  validationIssues,
} from './support/fhir-task-fixtures.js';
import { CREATED, EHR, GP, NURSE_2, party } from './support/task-fixtures.js';

const input = { taskId: 't-1', actor: GP, now: CREATED };
const create = (body: Task) => createTaskCommand(body, input);
const paths = (body: Task) => validationIssues(() => create(body)).map((issue) => issue.path);

function without(key: keyof Task, overrides: Partial<Task> = {}): Task {
  const { [key]: _removed, ...rest } = delegationBody(overrides);
  return rest as Task;
}

describe('createTaskCommand', () => {
  it('maps a delegation from the GP to the nurse', () => {
    expect(create(delegationBody())).toEqual({
      type: 'CreateTask',
      taskId: 't-1',
      actor: GP,
      now: CREATED,
      status: 'requested',
      intent: 'order',
      mode: 'delegation',
      for: { system: INS, value: '279035121518989', type: 'Patient' },
      requester: {
        kind: 'professional',
        identifier: { system: IDNPS, value: '810000000001' },
        display: 'Dr A',
        type: 'Practitioner',
      },
      owner: {
        kind: 'professional',
        identifier: { system: IDNPS, value: '860000000001' },
        display: 'N1',
        type: 'Practitioner',
      },
      identifiers: [{ system: 'urn:oid:1.2.3.4.5', value: 'ehr-task-42' }],
      details: {
        code: { coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }] },
        description: 'Daily dressing of the left leg ulcer',
        focus: { reference: 'MedicationRequest/mr-1' },
        basedOn: [{ reference: 'CarePlan/ppcs-1' }],
        instantiatesCanonical: 'https://carenet.example.org/fhir/PlanDefinition/protocol-wounds|1',
        restrictionPeriod: { start: '2026-05-20T08:00:00.000Z', end: '2026-05-31T18:00:00.000Z' },
        priority: 'urgent',
        notes: [{ text: 'Patient allergic to latex' }],
        inputs: [{ type: { text: 'wound photo' }, valueString: 'see DMP' }],
      },
    });
  });

  it('defaults: mode delegation, requester = the acting party, priority routine, no lists', () => {
    const command = create({
      resourceType: 'Task',
      status: 'draft',
      intent: 'proposal',
      code: { text: 'Wound care' },
      for: { identifier: { system: INS, value: '279035121518989' } },
    });
    expect(command).toMatchObject({
      mode: 'delegation',
      requester: party(GP),
      details: { priority: 'routine', basedOn: [], notes: [], inputs: [] },
    });
    expect(command.owner).toBeUndefined();
    expect(taskDecider.decide(command, taskDecider.initialState())[0]?.type).toBe('TaskDrafted');
  });

  it('ignores id and meta; keeps authoredOn and lastModified as given (now when absent)', () => {
    const command = create(
      delegationBody({
        id: 'client-id',
        meta: { versionId: '7' },
        authoredOn: '2016-03-10T22:39:32-04:00',
        lastModified: '2016-03-11T09:00:00+01:00',
      }),
    );
    expect(command).toEqual({
      ...create(delegationBody()),
      authoredOn: '2016-03-10T22:39:32-04:00',
      lastModified: '2016-03-11T09:00:00+01:00',
    });
    expect(stateAfter([command])).toMatchObject({
      authoredOn: '2016-03-10T22:39:32-04:00',
      lastModified: '2016-03-11T09:00:00+01:00',
    });
    expect(stateAfter([create(delegationBody())])).toMatchObject({
      authoredOn: CREATED,
      lastModified: CREATED,
    });
  });

  it('refuses a date alone as a due date (the events record instants)', () => {
    expect(paths(delegationBody({ restriction: { period: { end: '2026-05-31' } } }))).toEqual([
      'Task.restriction.period.end',
    ]);
  });

  it('refuses a date alone as authoredOn or lastModified (the events record instants)', () => {
    expect(paths(delegationBody({ authoredOn: '2020-01-01', lastModified: '2020-01' }))).toEqual([
      'Task.authoredOn',
      'Task.lastModified',
    ]);
  });

  it.each<[string, Partial<Task>]>([
    ['statusReason', { statusReason: { text: 'x' } }],
    ['output', { output: [{ type: { text: 'report' }, valueString: 'done' }] }],
    ['executionPeriod', { executionPeriod: { start: '2020-01-01T00:00:00Z' } }],
  ])('refuses %s at creation: recorded by the moves of the task (422)', (element, body) => {
    const error = businessRule(() => create(delegationBody(body)));
    expect(error.rule).toBe(TASK_RULES.recordedByMoves);
    expect(error.message).toContain(`Task.${element}`);
  });

  it('refuses modifierExtension and implicitRules, naming them (422)', () => {
    expect(
      paths(
        delegationBody({
          implicitRules: 'https://example.org/rules',
          modifierExtension: [{ url: 'https://example.org/m', valueBoolean: true }],
          input: [
            {
              type: { text: 'x' },
              valueString: 'y',
              modifierExtension: [{ url: 'https://example.org/m', valueBoolean: true }],
            },
          ],
        }),
      ),
    ).toEqual(['Task.implicitRules', 'Task.modifierExtension', 'Task.input[0].modifierExtension']);
  });

  it('keeps every element the domain does not model as given', () => {
    const kept = {
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
      contained: [{ resourceType: 'Patient', id: 'p1' }],
      groupIdentifier: { system: 'urn:x', value: 'G1' },
      businessStatus: { text: 'waiting' },
      encounter: { reference: 'Encounter/e1' },
      performerType: [{ text: 'Performer' }],
      reasonCode: { text: 'why' },
      reasonReference: { reference: 'Condition/c1' },
      location: { reference: 'Location/l1' },
      insurance: [{ reference: 'Coverage/c1' }],
      relevantHistory: [{ reference: 'Provenance/p1' }],
      instantiatesUri: 'https://example.org/protocol',
      language: 'fr',
      _description: { extension: [{ url: 'https://example.org/d', valueString: 'd' }] },
    };
    const command = create(
      delegationBody({
        ...kept,
        meta: {
          versionId: '3',
          lastUpdated: '2020-01-01T00:00:00Z',
          tag: [{ code: 't' }],
          profile: ['urn:p'],
        },
        extension: [{ url: 'https://example.org/e', valueString: 'e' }],
        restriction: {
          repetitions: 2,
          period: { end: '2026-05-31T18:00:00.000Z' },
          recipient: [{ reference: 'Practitioner/x' }],
        },
      } as unknown as Partial<Task>),
    );
    expect(command.elements).toEqual({
      ...kept,
      meta: { tag: [{ code: 't' }], profile: ['urn:p'] },
      extension: [{ url: 'https://example.org/e', valueString: 'e' }],
      restriction: { repetitions: 2, recipient: [{ reference: 'Practitioner/x' }] },
    });
    expect(command.details.restrictionPeriod).toEqual({ end: '2026-05-31T18:00:00.000Z' });
  });

  it('reads sharing (co-owner) and transfer (responsibilityMoves) from their extensions', () => {
    const sharing = create(
      delegationBody({
        extension: [
          {
            url: TASK_EXTENSIONS.cooperationMode,
            valueCoding: { system: COOPERATION_MODE_SYSTEM, code: 'sharing' },
          },
          {
            url: TASK_EXTENSIONS.coOwner,
            valueReference: { identifier: { system: IDNPS, value: '860000000002' }, display: 'N2' },
          },
        ],
      }),
    );
    expect(sharing).toMatchObject({ mode: 'sharing', coOwner: party(NURSE_2) });
    const transfer = create(
      delegationBody({
        extension: [
          {
            url: TASK_EXTENSIONS.cooperationMode,
            valueCoding: { system: COOPERATION_MODE_SYSTEM, code: 'transfer' },
          },
          { url: TASK_EXTENSIONS.responsibilityMoves, valueBoolean: true },
        ],
      }),
    );
    expect(transfer).toMatchObject({ mode: 'transfer', responsibilityMoves: true });
  });

  it('tells the kind of party by Reference.type, else by identifier system', () => {
    const command = create(
      delegationBody({
        requester: { identifier: { system: CLIENT_ID_SYSTEM, value: 'ehr-msp' } },
        owner: { identifier: { system: FINESS, value: '330000001' }, display: 'SSIAD' },
        partOf: [{ reference: 'Task/parent-1' }],
      }),
    );
    expect(command.requester).toEqual({
      kind: 'system',
      identifier: { system: CLIENT_ID_SYSTEM, value: 'ehr-msp' },
    });
    expect(command.owner).toEqual({
      kind: 'organization',
      identifier: { system: FINESS, value: '330000001' },
      display: 'SSIAD',
    });
    expect(command.partOf).toBe('parent-1');
    expect(createTaskCommand(delegationBody(), { ...input, actor: EHR }).actor).toBe(EHR);
  });

  it.each(['draft', 'requested', 'ready'] as const)('takes the initial status %s', (status) => {
    expect(create(delegationBody({ status })).status).toBe(status);
  });

  it.each(['received', 'accepted', 'in-progress', 'completed'] as const)(
    'refuses to create a %s task (task-initial-status)',
    (status) => {
      expect(businessRule(() => create(delegationBody({ status }))).rule).toBe(TASK_RULES.initialStatus);
    },
  );

  it.each(['original-order', 'filler-order', 'unknown', 'option'] as const)(
    'refuses the intent %s (Task.intent)',
    (intent) => {
      expect(paths(delegationBody({ intent }))).toEqual(['Task.intent']);
    },
  );

  it('takes a patient by literal reference (relative, absolute, contained), kept as given', () => {
    expect(create(delegationBody({ for: { reference: 'Patient/123', display: 'P' } })).for).toEqual({
      system: LITERAL_REFERENCE_SYSTEM,
      value: 'Patient/123',
      reference: 'Patient/123',
      display: 'P',
    });
    const absolute = 'https://ehr.example/fhir/Patient/x';
    expect(create(delegationBody({ for: { reference: absolute } })).for.value).toBe(absolute);
    const contained = create(
      delegationBody({ contained: [{ resourceType: 'Patient', id: 'p1' }], for: { reference: '#p1' } }),
    );
    expect(contained.for).toEqual({ system: LITERAL_REFERENCE_SYSTEM, value: '#p1', reference: '#p1' });
    expect(paths(delegationBody({ for: { reference: '#nowhere' } }))).toEqual(['Task.for.reference']);
  });

  it('refuses a task without patient, a patient by another system, a for that is no Patient', () => {
    expect(paths(without('for'))).toEqual(['Task.for']);
    expect(paths(delegationBody({ for: { identifier: { system: IDNPS, value: '1' } } }))).toEqual([
      'Task.for.identifier.system',
    ]);
    expect(
      paths(
        delegationBody({ for: { type: 'Group', identifier: { system: INS, value: '279035121518989' } } }),
      ),
    ).toEqual(['Task.for.type']);
  });

  it('takes the INS variants and the Québec NAM', () => {
    for (const system of [
      'urn:oid:1.2.250.1.213.1.4.10',
      'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id',
    ]) {
      expect(create(delegationBody({ for: { identifier: { system, value: 'X1' } } })).for).toEqual({
        system,
        value: 'X1',
      });
    }
  });

  it('takes parties by literal reference; a contained one by its type', () => {
    const command = create(
      delegationBody({
        contained: [{ resourceType: 'PractitionerRole', id: 'r1' }],
        requester: { reference: '#r1', display: 'Dr A' },
        owner: { reference: 'Organization/lab' },
      }),
    );
    expect(command.requester).toEqual({
      kind: 'professional',
      identifier: { system: LITERAL_REFERENCE_SYSTEM, value: '#r1' },
      reference: '#r1',
      display: 'Dr A',
    });
    expect(command.owner).toMatchObject({ kind: 'organization', reference: 'Organization/lab' });
  });

  it('refuses a Patient or RelatedPerson as requester or owner (422, content)', () => {
    expect(
      paths(
        delegationBody({
          requester: { reference: 'Patient/example' },
          owner: { reference: 'RelatedPerson/r' },
        }),
      ),
    ).toEqual(['Task.requester.reference', 'Task.owner.reference']);
  });

  it('refuses parties by unknown system, or a type that contradicts the system', () => {
    expect(paths(delegationBody({ requester: { identifier: { system: 'urn:x', value: '1' } } }))).toEqual([
      'Task.requester.identifier.system',
    ]);
    expect(
      paths(delegationBody({ owner: { type: 'Organization', identifier: { system: IDNPS, value: '1' } } })),
    ).toEqual(['Task.owner.type']);
    expect(
      paths(delegationBody({ owner: { type: 'CareTeam', identifier: { system: IDNPS, value: '1' } } })),
    ).toEqual(['Task.owner.type']);
  });

  it('requires the requester when a patient acts without naming one', () => {
    const patient: PatientActor = { kind: 'patient', identifier: { system: INS, value: '279035121518989' } };
    const issues = validationIssues(() =>
      createTaskCommand(without('requester'), { ...input, actor: patient }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['Task.requester']);
  });

  it('requires the code', () => {
    expect(paths(without('code'))).toEqual(['Task.code']);
  });

  it('refuses a partOf that is not Task/<id>, or several', () => {
    expect(paths(delegationBody({ partOf: [{ reference: 'CarePlan/1' }] }))).toEqual([
      'Task.partOf[0].reference',
    ]);
    expect(paths(delegationBody({ partOf: [{ reference: 'Task/a' }, { reference: 'Task/b' }] }))).toEqual([
      'Task.partOf',
    ]);
  });

  it('refuses an unknown cooperation mode, or the mode given twice', () => {
    const mode = (code: string) => ({
      url: TASK_EXTENSIONS.cooperationMode,
      valueCoding: { system: COOPERATION_MODE_SYSTEM, code },
    });
    expect(paths(delegationBody({ extension: [mode('subcontracting')] }))).toEqual([
      `Task.extension('${TASK_EXTENSIONS.cooperationMode}').valueCoding.code`,
    ]);
    expect(paths(delegationBody({ extension: [mode('delegation'), mode('sharing')] }))).toEqual([
      `Task.extension('${TASK_EXTENSIONS.cooperationMode}')`,
    ]);
  });

  it('reports every content issue at once', () => {
    expect(paths(without('code', { intent: 'option', for: { reference: 'Device/1' } }))).toEqual([
      'Task.intent',
      'Task.for.reference',
      'Task.code',
    ]);
  });
});
