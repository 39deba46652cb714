// The resources of the conformance tier: the adapted copies of the official R4 examples (each
// change with the network rule that requires it), and resources of our own that carry a value for
// every search parameter the gateway advertises, with the table of values that find them.

export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
/** The patient of the e2e scenarios, by INS. */
export const PATIENT = '279035121518989';
/** Professionals by IDNPS: a GP, a nurse, another nurse, a coordinating nurse. */
export const GP = '810000000001';
export const NURSE = '810000000002';
export const OTHER_NURSE = '810000000003';
export const COORDINATOR = '870000000001';

const CARE_TEAM_ROLE_SYSTEM = 'https://carenet.example.org/fhir/CodeSystem/care-team-role';
/** The systems of this tier's own identifiers and codes (example.org: no terminology to resolve). */
const OWN = 'https://conformance.example.org';

export const patient = { identifier: { system: INS, value: PATIENT } };
export const professional = (value: string) => ({ identifier: { system: IDNPS, value } });

type Resource = Record<string, unknown>;

/** An official example changed where a network rule requires it: the minimal change, and why. */
export interface Adaptation {
  /** The file name under packages/fhir/test/validation/fixtures. */
  readonly example: string;
  /** The rule, as the 422 (or 400) names it, and the change. */
  readonly reason: string;
  readonly adapt: (example: Resource) => Resource;
}

const withoutKey = (resource: Resource, key: string): Resource =>
  Object.fromEntries(Object.entries(resource).filter(([k]) => k !== key));

/** Each activity's detail changed by `change`. */
const mapDetails = (plan: Resource, change: (detail: Resource) => Resource): Resource => ({
  ...plan,
  activity: (plan.activity as Resource[]).map((activity) =>
    activity.detail === undefined ? activity : { ...activity, detail: change(activity.detail as Resource) },
  ),
});

/**
 * The official examples a network rule refuses, changed minimally (only business rules: a
 * reference's form, literal or by identifier, is never adapted; the server is to take both).
 */
export const ADAPTATIONS: readonly Adaptation[] = [
  {
    example: 'task-example1.json',
    reason:
      'task-initial-status: created draft, requested or ready (in-progress → requested); ' +
      'task-element-recorded-by-moves: executionPeriod is recorded by the moves (left out)',
    adapt: (task) => ({ ...withoutKey(task, 'executionPeriod'), status: 'requested' }),
  },
  {
    example: 'task-example2.json',
    reason:
      'task-intent: a cooperation task is a proposal, plan or order (filler-order → order); ' +
      'task-initial-status (accepted → requested); task-element-recorded-by-moves (executionPeriod left out)',
    adapt: (task) => ({ ...withoutKey(task, 'executionPeriod'), intent: 'order', status: 'requested' }),
  },
  {
    example: 'task-example3.json',
    reason:
      'Task.requester: a patient is not a party of the cooperation (Patient/example → Practitioner/f201)',
    adapt: (task) => ({ ...task, requester: { reference: 'Practitioner/f201' } }),
  },
  {
    example: 'careplan-f001.json',
    reason:
      'care-plan-initial-status: created draft (completed → draft); activity.detail.status is the ' +
      "server's, a new action is not-started (completed → not-started); detail.doNotPerform is not " +
      'taken (left out); detail.scheduledString is not taken (→ scheduledPeriod.start, the same instant)',
    adapt: (plan) =>
      mapDetails({ ...plan, status: 'draft' }, (detail) => ({
        ...withoutKey(withoutKey(detail, 'doNotPerform'), 'scheduledString'),
        status: 'not-started',
        scheduledPeriod: { start: detail.scheduledString },
      })),
  },
  {
    example: 'careplan-gpvisit.json',
    reason:
      'care-plan-initial-status: created draft (active → draft); activity.detail.status is the ' +
      "server's, a new action is not-started (completed, scheduled → not-started)",
    adapt: (plan) =>
      mapDetails({ ...plan, status: 'draft' }, (detail) => ({ ...detail, status: 'not-started' })),
  },
  {
    example: 'careteam-example.json',
    reason:
      'CareTeam.participant.member: a patient is not a member of a care team (participant[0], ' +
      'Patient/example, left out); care-team-period-invalid: a membership has a start, the ' +
      "server takes now when none is given, after the example's end in 2013 (start 2012-01-01 given)",
    adapt: (team) => ({
      ...team,
      participant: (team.participant as { period?: { end?: string } }[])
        .slice(1)
        .map((p) =>
          p.period?.end === undefined ? p : { ...p, period: { start: '2012-01-01', ...p.period } },
        ),
    }),
  },
  {
    example: 'goal-example.json',
    reason: 'goal-initial-status: set proposed, planned, accepted or active (on-hold → active)',
    adapt: (goal) => ({ ...goal, lifecycleStatus: 'active' }),
  },
];

/** The ids the rich resources refer to (created first). */
export interface Referenced {
  readonly goal: string;
  readonly careTeam: string;
  readonly plan: string;
  readonly task: string;
}

/** Unique values of one run: a run finds its own resources whatever the database holds. */
export function runValues(run: string) {
  return {
    identifier: { system: `${OWN}/identifier`, value: `id-${run}` },
    groupIdentifier: { system: `${OWN}/group`, value: `group-${run}` },
    tag: { system: `${OWN}/tag`, code: `tag-${run}` },
    source: `${OWN}/source/${run}`,
    encounter: `Encounter/enc-${run}`,
    condition: `Condition/cond-${run}`,
    instantiatesCanonical: `${OWN}/PlanDefinition/plan-${run}`,
    instantiatesUri: `${OWN}/protocol/${run}`,
  };
}

const profileOf = (type: string) => `http://hl7.org/fhir/StructureDefinition/${type}`;
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

function metaOf(type: string, run: string) {
  const values = runValues(run);
  return {
    profile: [profileOf(type)],
    security: [{ system: CONFIDENTIALITY, code: 'N' }],
    tag: [values.tag],
    source: values.source,
  };
}

export const WOUND_CARE = { system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' };
const DRESSING = { system: 'http://snomed.info/sct', code: '182531007', display: 'Dressing of wound' };

/** A Goal with a value for each Goal search parameter (set by the GP). */
export function richGoal(run: string): Resource {
  const values = runValues(run);
  return {
    resourceType: 'Goal',
    meta: metaOf('Goal', run),
    identifier: [values.identifier],
    lifecycleStatus: 'active',
    achievementStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'in-progress' }],
    },
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-category', code: 'nursing' }] },
    ],
    description: { text: 'Wound healed' },
    subject: patient,
    startDate: '2026-11-26',
    target: [{ measure: { text: 'wound closure' }, dueDate: '2026-12-31' }],
  };
}

/** A CareTeam with a value for each CareTeam search parameter (formed by a system). */
export function richCareTeam(run: string): Resource {
  const values = runValues(run);
  return {
    resourceType: 'CareTeam',
    meta: metaOf('CareTeam', run),
    identifier: [values.identifier],
    status: 'active',
    category: [{ coding: [{ system: 'http://loinc.org', code: 'LA27976-2' }] }],
    name: 'Wound care team',
    subject: patient,
    encounter: { reference: values.encounter },
    period: { start: '2026-11-26' },
    participant: [
      {
        role: [{ coding: [{ system: CARE_TEAM_ROLE_SYSTEM, code: 'coordinator' }] }],
        member: professional(COORDINATOR),
      },
    ],
  };
}

/** A draft CarePlan with a value for each CarePlan search parameter (drafted by the coordinator). */
export function richCarePlan(
  run: string,
  ids: Pick<Referenced, 'goal' | 'careTeam' | 'plan' | 'task'>,
): Resource {
  const values = runValues(run);
  return {
    resourceType: 'CarePlan',
    meta: metaOf('CarePlan', run),
    identifier: [values.identifier],
    instantiatesCanonical: [values.instantiatesCanonical],
    instantiatesUri: [values.instantiatesUri],
    basedOn: [{ reference: `CarePlan/${ids.plan}` }],
    replaces: [{ reference: `CarePlan/${ids.plan}` }],
    partOf: [{ reference: `CarePlan/${ids.plan}` }],
    status: 'draft',
    intent: 'plan',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '734163000', display: 'Care plan' }] }],
    subject: patient,
    encounter: { reference: values.encounter },
    period: { start: '2026-11-26', end: '2026-12-31' },
    author: professional(COORDINATOR),
    careTeam: [{ reference: `CareTeam/${ids.careTeam}` }],
    addresses: [{ reference: values.condition }],
    goal: [{ reference: `Goal/${ids.goal}` }],
    // No activity.reference: an action is given as activity.detail (the server renders its Task).
    activity: [
      {
        detail: {
          kind: 'Task',
          code: { coding: [WOUND_CARE] },
          status: 'not-started',
          scheduledPeriod: { start: '2026-11-27', end: '2026-12-10' },
          performer: [professional(OTHER_NURSE)],
        },
      },
    ],
  };
}

/**
 * A Task with a value for each Task search parameter (requested by the GP of a nurse), but for its
 * executionPeriod (`period`): recorded when its owner starts it (STARTED_TASK).
 */
export function richTask(run: string, ids: Pick<Referenced, 'goal' | 'plan' | 'task'>): Resource {
  const values = runValues(run);
  return {
    resourceType: 'Task',
    meta: metaOf('Task', run),
    identifier: [values.identifier],
    basedOn: [{ reference: `CarePlan/${ids.plan}` }],
    groupIdentifier: values.groupIdentifier,
    partOf: [{ reference: `Task/${ids.task}` }],
    // Ready, so that its owner can start it: its executionPeriod is recorded by that move.
    status: 'ready',
    businessStatus: { coding: [{ system: `${OWN}/business-status`, code: 'waiting' }] },
    intent: 'order',
    priority: 'urgent',
    code: { coding: [DRESSING] },
    focus: { reference: `Goal/${ids.goal}` },
    for: patient,
    encounter: { reference: values.encounter },
    authoredOn: '2026-11-26T10:00:00Z',
    lastModified: '2026-11-26T10:00:00Z',
    requester: professional(GP),
    performerType: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/task-performer-type', code: 'performer' }],
      },
    ],
    owner: professional(NURSE),
  };
}

/** What the owner of the rich Task sends to start it (JSON Patch). */
export const START_TASK = [{ op: 'replace', path: '/status', value: 'in-progress' }];

/** A plain Task, requested by the GP of a nurse (the parent of the rich one, the interactions' subject). */
export function plainTask(): Resource {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: { coding: [WOUND_CARE], text: 'Wound care' },
    for: patient,
    requester: professional(GP),
    owner: professional(NURSE),
  };
}

/** A plain draft CarePlan by the coordinator (what the rich one is based on, replaces, is part of). */
export function plainCarePlan(): Resource {
  return {
    resourceType: 'CarePlan',
    status: 'draft',
    intent: 'plan',
    subject: patient,
    author: professional(COORDINATOR),
    title: 'Wound care at home',
  };
}

/** The category system of shared information (Communication, DocumentReference): the access decision's. */
const INFORMATION_CATEGORY = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';

/** A Communication the GP sent the nurse about the patient (medical information, by INS). */
export function plainCommunication(): Resource {
  return {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [{ system: INFORMATION_CATEGORY, code: 'medical' }] }],
    subject: patient,
    sent: '2026-05-20T08:00:00Z',
    recipient: [professional(NURSE)],
    sender: professional(GP),
    payload: [{ contentString: 'Dressing changed; the wound is healing.' }],
  };
}

/** A DocumentReference of the GP about the patient, its attachment inline (medical information). */
export function plainDocumentReference(): Resource {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '34133-9', display: 'Summary of episode note' }] },
    category: [{ coding: [{ system: INFORMATION_CATEGORY, code: 'medical' }] }],
    subject: patient,
    date: '2026-05-20T08:00:00Z',
    author: [professional(GP)],
    content: [{ attachment: { contentType: 'text/plain', data: 'V291bmQgY2FyZSBzdW1tYXJ5' } }],
  };
}

/** How a search parameter finds the stored resource: a value that matches, one that does not. */
export interface SearchCase {
  /** The value that matches what is stored (`stored`: the resource as read back). */
  readonly match: (stored: Resource, ids: Referenced & { self: string }) => string;
  readonly miss: string;
}

const INS_TOKEN = `${INS}|${PATIENT}`;
const idnps = (value: string) => `${IDNPS}|${value}`;
const fixed = (value: string) => () => value;

/** The parameters every resource type has (Resource and DomainResource), by meta and id. */
function commonCases(run: string): Record<string, SearchCase> {
  const values = runValues(run);
  return {
    _id: { match: (_stored, ids) => ids.self, miss: 'no-such-id' },
    _lastUpdated: {
      match: (stored) => `ge${(stored.meta as { lastUpdated: string }).lastUpdated.slice(0, 10)}`,
      miss: 'lt2001-01-01',
    },
    _profile: { match: (stored) => profileOf(String(stored.resourceType)), miss: profileOf('Patient') },
    _security: { match: fixed(`${CONFIDENTIALITY}|N`), miss: `${CONFIDENTIALITY}|R` },
    _source: { match: fixed(values.source), miss: `${OWN}/source/other` },
    _tag: { match: fixed(`${values.tag.system}|${values.tag.code}`), miss: `${values.tag.system}|other` },
  };
}

/**
 * For each hosted type and each search parameter, how to find the rich resource of that type:
 * reference parameters by the form stored (a person by `:identifier`, a resource by `Type/id`).
 */
export function searchCases(run: string): Record<string, Record<string, SearchCase>> {
  const values = runValues(run);
  const identifier = {
    match: fixed(`${values.identifier.system}|${values.identifier.value}`),
    miss: `${OWN}/identifier|other`,
  };
  const subject = { match: fixed(INS_TOKEN), miss: `${INS}|100000000000000` };
  const encounter = { match: fixed(values.encounter), miss: 'Encounter/other' };
  return {
    Task: {
      ...commonCases(run),
      'authored-on': { match: (stored) => String(stored.authoredOn).slice(0, 10), miss: '2001-01-01' },
      'based-on': { match: (_stored, ids) => `CarePlan/${ids.plan}`, miss: 'CarePlan/other' },
      'business-status': {
        match: fixed(`${OWN}/business-status|waiting`),
        miss: `${OWN}/business-status|done`,
      },
      code: { match: fixed(`${DRESSING.system}|${DRESSING.code}`), miss: `${WOUND_CARE.system}|1` },
      encounter,
      focus: { match: (_stored, ids) => `Goal/${ids.goal}`, miss: 'Goal/other' },
      'group-identifier': {
        match: fixed(`${values.groupIdentifier.system}|${values.groupIdentifier.value}`),
        miss: `${OWN}/group|other`,
      },
      identifier,
      intent: { match: fixed('order'), miss: 'proposal' },
      modified: { match: (stored) => String(stored.lastModified).slice(0, 10), miss: '2001-01-01' },
      owner: { match: fixed(idnps(NURSE)), miss: idnps(OTHER_NURSE) },
      'part-of': { match: (_stored, ids) => `Task/${ids.task}`, miss: 'Task/other' },
      patient: subject,
      performer: {
        match: fixed('http://terminology.hl7.org/CodeSystem/task-performer-type|performer'),
        miss: 'http://terminology.hl7.org/CodeSystem/task-performer-type|requester',
      },
      period: {
        match: (stored) =>
          `ge${String((stored.executionPeriod as { start?: string } | undefined)?.start).slice(0, 10)}`,
        miss: 'lt2001-01-01',
      },
      priority: { match: fixed('urgent'), miss: 'stat' },
      requester: { match: fixed(idnps(GP)), miss: idnps(OTHER_NURSE) },
      status: { match: fixed('in-progress'), miss: 'requested' },
      subject,
    },
    CarePlan: {
      ...commonCases(run),
      'activity-code': {
        match: fixed(`${WOUND_CARE.system}|${WOUND_CARE.code}`),
        miss: `${WOUND_CARE.system}|1`,
      },
      // Periods: `ge` finds a range that overlaps what is above the value (a day, `eq`, would
      // have to contain the whole range).
      'activity-date': { match: fixed('ge2026-12-01'), miss: 'ge2027-01-01' },
      'based-on': { match: (_stored, ids) => `CarePlan/${ids.plan}`, miss: 'CarePlan/other' },
      'care-team': { match: (_stored, ids) => `CareTeam/${ids.careTeam}`, miss: 'CareTeam/other' },
      category: { match: fixed('http://snomed.info/sct|734163000'), miss: 'http://snomed.info/sct|1' },
      condition: { match: fixed(values.condition), miss: 'Condition/other' },
      date: { match: fixed('ge2026-12-01'), miss: 'ge2027-01-01' },
      encounter,
      goal: { match: (_stored, ids) => `Goal/${ids.goal}`, miss: 'Goal/other' },
      identifier,
      'instantiates-canonical': {
        match: fixed(values.instantiatesCanonical),
        miss: `${OWN}/PlanDefinition/other`,
      },
      'instantiates-uri': { match: fixed(values.instantiatesUri), miss: `${OWN}/protocol/other` },
      intent: { match: fixed('plan'), miss: 'order' },
      'part-of': { match: (_stored, ids) => `CarePlan/${ids.plan}`, miss: 'CarePlan/other' },
      patient: subject,
      performer: { match: fixed(idnps(OTHER_NURSE)), miss: idnps(NURSE) },
      replaces: { match: (_stored, ids) => `CarePlan/${ids.plan}`, miss: 'CarePlan/other' },
      status: { match: fixed('draft'), miss: 'revoked' },
      subject,
    },
    CareTeam: {
      ...commonCases(run),
      category: { match: fixed('http://loinc.org|LA27976-2'), miss: 'http://loinc.org|LA1' },
      date: { match: fixed('ge2026-12-01'), miss: 'lt2026-11-01' },
      encounter,
      identifier,
      participant: { match: fixed(idnps(COORDINATOR)), miss: idnps(OTHER_NURSE) },
      patient: subject,
      status: { match: fixed('active'), miss: 'suspended' },
      subject,
    },
    Goal: {
      ...commonCases(run),
      'achievement-status': {
        match: fixed('http://terminology.hl7.org/CodeSystem/goal-achievement|in-progress'),
        miss: 'http://terminology.hl7.org/CodeSystem/goal-achievement|achieved',
      },
      category: {
        match: fixed('http://terminology.hl7.org/CodeSystem/goal-category|nursing'),
        miss: 'http://terminology.hl7.org/CodeSystem/goal-category|dietary',
      },
      identifier,
      'lifecycle-status': { match: fixed('active'), miss: 'cancelled' },
      patient: subject,
      'start-date': { match: fixed('2026-11-26'), miss: '2001-01-01' },
      subject,
      'target-date': { match: fixed('2026-12-31'), miss: '2001-01-01' },
    },
  };
}

/** Reference parameters whose stored value is a person by identifier: searched with `:identifier`. */
export const BY_IDENTIFIER = new Set([
  'Task:owner',
  'Task:patient',
  'Task:requester',
  'Task:subject',
  'CarePlan:patient',
  'CarePlan:performer',
  'CarePlan:subject',
  'CareTeam:participant',
  'CareTeam:patient',
  'CareTeam:subject',
  'Goal:patient',
  'Goal:subject',
]);

/** A small CareTeam formed by a system: the coordinating nurse as its coordinator. */
export function plainCareTeam(): Resource {
  return {
    resourceType: 'CareTeam',
    status: 'active',
    name: 'Home care',
    subject: patient,
    participant: [
      {
        role: [{ coding: [{ system: CARE_TEAM_ROLE_SYSTEM, code: 'coordinator' }] }],
        member: professional(COORDINATOR),
      },
    ],
  };
}

/** A small Goal set by the GP. */
export function plainGoal(): Resource {
  return {
    resourceType: 'Goal',
    lifecycleStatus: 'active',
    description: { text: 'Walk without help' },
    subject: patient,
  };
}
