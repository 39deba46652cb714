// Personal data on the topics (README, "Personal data on the topics"): every property of every
// tasks and care-plans schema is marked `x-personal-data` (true: in clear; "sealed": out of the
// clear message) or judged not personal by a rule stated here; every object is closed; the split
// into clear and sealed values keeps the clear data valid and is undone by the join.
import { describe, expect, it } from '@jest/globals';
import { loadContractRegistry } from '../src/contract-registry.js';
import { isJsonArray, isJsonObject, type JsonObject } from '../src/json.js';
import {
  emptyValueOf,
  isSealed,
  joinSealed,
  PERSONAL_DATA_KEYWORD,
  PROTECTED_MEMBER,
  resolveLocal,
  SEALED,
  splitSealed,
} from '../src/personal-data.js';
import { fixture } from './fixtures.js';

const registry = loadContractRegistry();
/** The contexts whose schemas follow the rule (shared-info and audit: their own sections of the README). */
const MINIMISED = ['tasks', 'care-plans'];
const contracts = registry.contracts.filter((contract) => MINIMISED.includes(contract.context));

/**
 * Properties judged not personal, by name (anywhere) or by `<Owner>.<path>` (Owner: the `$defs`
 * entry, or the event for its own properties). Each group says why.
 */
const NOT_PERSONAL: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      [
        'logical ids the network gives its resources (UUIDs, action ids, alert ids): they name no person',
        ['taskId', 'carePlanId', 'careTeamId', 'goalId', 'alertId', 'actionId', 'actionIds', 'memberId'],
      ],
      [
        'logical ids too: the parent Task, the CareTeam and Goals of a plan, the actions added, removed, changed',
        ['partOf', 'CarePlanContent.careTeam', 'CarePlanContent.goals', 'CarePlanRevised.actions.added'],
      ],
      ['', ['CarePlanRevised.actions.removed', 'CarePlanRevised.actions.changed']],
      ['FHIR element names (what changed or was removed), not their values', ['TaskElementsChanged.removed']],
      [
        'terminology and datatype plumbing: code systems, codes, versions, units, resource types',
        ['system', 'code', 'version', 'use', 'comparator', 'unit', 'type', 'Coding.display'],
      ],
      ['the wording of a profession code', ['Actor.profession.display']],
      [
        'instants and dates (of the care process, not of the person)',
        ['at', 'due', 'time', 'start', 'end', 'startDate', 'dueDate', 'reviewDate', 'previousEnd'],
      ],
      [
        'software clients, sectors (sanitaire, social, médico-social), protocols: no person',
        ['clientId', 'sector', 'instantiatesCanonical'],
      ],
      ['an organisation’s name is not personal data', ['Organization.display', 'Organization.reference']],
      [
        'references to network resources (CarePlan/x, Task/x, Goal/x, a protocol): a person is named by Party, Patient or Identifier, marked',
        ['Reference.reference', 'Basis.reference'],
      ],
      ['the Task’s business identifier (the PPCS action it carries out)', ['BusinessIdentifier.value']],
      [
        'wording the service writes from ids and dates (“action a1 (Task/t) was due … and is not done”)',
        ['CarePlanAlertRaised.reason'],
      ],
    ] as const
  ).flatMap(([why, names]) => names.map((name) => [name, why])),
);

/** A value that cannot carry text: booleans, numbers, enums, constants, dates. */
function carriesNoText(node: JsonObject): boolean {
  if (node.enum !== undefined || node.const !== undefined) return true;
  if (node.type === 'boolean' || node.type === 'integer' || node.type === 'number') return true;
  if (node.type === 'string' && (node.format === 'date-time' || node.format === 'date')) return true;
  return node.type === 'array' && isJsonObject(node.items) && carriesNoText(node.items);
}

interface Finding {
  readonly file: string;
  readonly at: string;
  readonly problem: string;
}

/** Walks a schema from its root through properties, items and local $refs. */
function inspect(file: string, root: JsonObject): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const report = (at: string, problem: string) => findings.push({ file, at, problem });

  function node(schema: JsonObject, owner: string, path: string, underSealed: boolean): void {
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    if (ref !== undefined) {
      const name = ref.replace('#/$defs/', '');
      const key = `${name}:${underSealed}`;
      if (seen.has(key)) return;
      seen.add(key);
      node(resolveLocal(root, schema), name, '', underSealed || isSealed(resolveLocal(root, schema)));
      return;
    }
    if (isJsonObject(schema.items)) node(schema.items, owner, path, underSealed);
    if (!isJsonObject(schema.properties)) return;
    if (schema.additionalProperties !== false && !underSealed) {
      report(`${owner}${path}`, 'object not closed (additionalProperties: false)');
    }
    const required = isJsonArray(schema.required) ? schema.required : [];
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!isJsonObject(property)) continue;
      const location = `${owner}${path}.${name}`.replace(/^\./, '');
      const mark = property[PERSONAL_DATA_KEYWORD];
      const sealed = mark === SEALED || isSealed(resolveLocal(root, property));
      if (sealed && !underSealed && required.includes(name) && emptyValueOf(root, property) === undefined) {
        report(location, 'required and sealed, but has no empty value ([] or {}) to leave in its place');
      }
      const resolved = resolveLocal(root, property);
      const container =
        property.$ref !== undefined ||
        isJsonObject(resolved.properties) ||
        (isJsonObject(resolved.items) &&
          (resolved.items.$ref !== undefined || isJsonObject(resolved.items.properties)));
      const judged = NOT_PERSONAL[location] ?? NOT_PERSONAL[name];
      if (
        !underSealed &&
        !container &&
        mark === undefined &&
        !carriesNoText(property) &&
        judged === undefined
      ) {
        report(location, 'neither marked x-personal-data nor judged not personal');
      }
      if (mark !== undefined && judged !== undefined && name !== PROTECTED_MEMBER) {
        report(location, `marked, yet listed as not personal (${judged})`);
      }
      node(property, owner, `${path}.${name}`, underSealed || sealed);
    }
  }

  node(root, file.replace(/^.*\/|\.v\d+\.schema\.json$/g, ''), '', false);
  return findings;
}

function reachesSealed(root: JsonObject): boolean {
  return JSON.stringify(root).includes(`"${PERSONAL_DATA_KEYWORD}":"${SEALED}"`);
}

describe('personal data in the tasks and care-plans schemas', () => {
  it('covers every schema of both contexts', () => {
    expect(contracts.filter((contract) => contract.context === 'tasks').length).toBeGreaterThanOrEqual(18);
    expect(contracts.filter((contract) => contract.context === 'care-plans').length).toBeGreaterThanOrEqual(
      30,
    );
  });

  it('marks every property or judges it not personal, and closes every object outside sealed values', () => {
    const findings = contracts.flatMap((contract) => inspect(contract.file, contract.schema));
    expect(findings).toEqual([]);
  });

  it('declares the protected member wherever something is sealed', () => {
    for (const contract of contracts) {
      if (!reachesSealed(contract.schema)) continue;
      const properties = contract.schema.properties as JsonObject;
      expect({ file: contract.file, protected: properties[PROTECTED_MEMBER] }).toMatchObject({
        file: contract.file,
        protected: { type: 'string' },
      });
    }
  });

  it('seals the patient’s names and the clinical free text, and keeps the patient’s identifier in clear', () => {
    const defs = (file: string) => {
      const contract = registry.contracts.find((candidate) => candidate.file === file);
      return (contract?.schema.$defs ?? {}) as Record<string, { properties: Record<string, JsonObject> }>;
    };
    const task = defs('tasks/TaskRequested.v1.schema.json');
    for (const name of ['notes', 'description', 'elements', 'inputs']) {
      expect(task.TaskContent?.properties[name]?.[PERSONAL_DATA_KEYWORD]).toBe(SEALED);
    }
    expect(task.Identifier?.properties.display?.[PERSONAL_DATA_KEYWORD]).toBe(SEALED);
    expect(task.Identifier?.properties.value?.[PERSONAL_DATA_KEYWORD]).toBe(true);
    expect(task.Party?.properties.display?.[PERSONAL_DATA_KEYWORD]).toBe(SEALED);
    expect(task.CodeableConcept?.properties.text?.[PERSONAL_DATA_KEYWORD]).toBe(SEALED);
    const plan = defs('care-plans/CarePlanDrafted.v1.schema.json');
    for (const name of ['title', 'description', 'situation', 'notes', 'kept', 'actionsKept']) {
      expect(plan.CarePlanContent?.properties[name]?.[PERSONAL_DATA_KEYWORD]).toBe(SEALED);
    }
    expect(plan.Patient?.properties.value?.[PERSONAL_DATA_KEYWORD]).toBe(true);
  });

  it('the registry refuses any other value of x-personal-data', () => {
    const bad = loadContractRegistry(fixture('personal-data', 'bad-mark'));
    expect(() => {
      bad.compileAll();
    }).toThrow(/x-personal-data/);
  });
});

describe('splitSealed / joinSealed', () => {
  const ceType = 'carenet.tasks.TaskRequested.v1';
  const INS = { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '1840675123456', display: 'Jeanne Dupont' };
  const gp = {
    kind: 'professional',
    identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000001' },
    display: 'Dr Anne Martin',
  };
  const data: JsonObject = {
    taskId: 't1',
    by: { kind: 'professional', identifier: gp.identifier, name: 'Dr Anne Martin' },
    at: '2026-12-01T10:00:00Z',
    task: {
      code: { coding: [{ system: 'http://loinc.org', code: '1234-5' }], text: 'Wound care' },
      description: 'Dressing of the leg ulcer',
      basedOn: [],
      priority: 'routine',
      notes: [{ text: 'Patient HIV+, wear gloves' }],
      inputs: [],
      intent: 'order',
      mode: 'delegation',
      for: INS,
      requester: gp,
      owner: gp,
      authoredOn: '2026-12-01T10:00:00Z',
      elements: { text: { status: 'generated', div: '<div>Jeanne Dupont</div>' } },
    },
    assignments: [
      {
        holder: gp,
        role: 'accountable',
        mode: 'delegation',
        basis: { kind: 'protocol' },
        validFrom: '2026-12-01T10:00:00Z',
        reason: { text: 'requested by Dr Anne Martin' },
        recordedBy: { kind: 'professional', identifier: gp.identifier, name: 'Dr Anne Martin' },
        recordedAt: '2026-12-01T10:00:00Z',
      },
    ],
  };
  const contract = registry.get(ceType);
  if (!contract) throw new Error(`no ${ceType}`);

  it('leaves no name and no free text in clear, the INS and the professionals’ identifiers stay', () => {
    expect(registry.validate(ceType, data)).toEqual({ ok: true });
    const { clear, sealed } = splitSealed(contract.schema, data);
    const text = JSON.stringify(clear);
    for (const secret of ['HIV', 'Jeanne', 'Dupont', 'Anne', 'Martin', 'Wound', 'ulcer', 'requested by']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('1840675123456');
    expect(text).toContain('810000000001');
    expect(registry.validate(ceType, clear)).toEqual({ ok: true });
    expect(Object.keys(sealed)).toEqual(
      expect.arrayContaining(['/task/notes', '/task/for/display', '/assignments/0/reason/text', '/by/name']),
    );
    expect((clear.task as JsonObject).notes).toEqual([]);
    expect(joinSealed(clear, sealed)).toEqual(data);
    expect(registry.splitSealed(ceType, data)).toEqual({ clear, sealed });
  });

  it('gives back an event with nothing to seal as it is', () => {
    const started = { taskId: 't1', by: { kind: 'system', clientId: 'c' }, at: '2026-12-01T10:00:00Z' };
    expect(registry.splitSealed('carenet.tasks.TaskStarted.v1', started)).toEqual({
      clear: started,
      sealed: {},
    });
  });

  it('refuses a pointer that leads nowhere', () => {
    expect(() => joinSealed({ a: 1 }, { '/b/c': 'x' })).toThrow('does not lead into the event');
  });
});
