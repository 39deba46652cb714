import { describe, expect, it } from '@jest/globals';
import { deriveElementRules, type DefinitionRules } from '../../src/validation/element-rules.js';
import { readR4Definitions } from '../../src/validation/r4-definitions.js';
import { valueSetExpander } from '../../src/validation/value-set-expansion.js';

const definitions = readR4Definitions();
const rules = deriveElementRules(
  definitions.schema,
  definitions.structureDefinitions,
  valueSetExpander(definitions.terminology),
);

function rulesOf(definition: string): DefinitionRules {
  const found = rules.get(definition);
  if (!found) throw new Error(`no rules for ${definition}`);
  return found;
}

const requiredElements = (definition: string) => rulesOf(definition).required.map((rule) => rule.element);

describe('rules derived from the R4 StructureDefinitions', () => {
  it('required primitives the schema does not require, present through value or extensions', () => {
    expect(rulesOf('Task').required).toEqual([
      { element: 'status', properties: ['status', '_status'] },
      { element: 'intent', properties: ['intent', '_intent'] },
    ]);
    expect(requiredElements('CarePlan')).toEqual(['status', 'intent']);
    expect(requiredElements('Goal')).toEqual(['lifecycleStatus']);
    expect(requiredElements('CarePlan_Detail')).toEqual(['status']);
    expect(requiredElements('Extension')).toEqual(['url']);
    expect(requiredElements('Annotation')).toEqual(['text']);
  });

  it('leaves to the schema the complex elements it requires already', () => {
    expect(definitions.schema.definitions.CarePlan?.required).toContain('subject');
    expect(requiredElements('CarePlan')).not.toContain('subject');
    expect(definitions.schema.definitions.Goal?.required).toEqual(
      expect.arrayContaining(['description', 'subject']),
    );
  });

  it('a required choice element is present through any of its variants', () => {
    const value = rulesOf('Task_Input').required.find((rule) => rule.element === 'value[x]');
    expect(value?.properties).toEqual(
      expect.arrayContaining(['valueString', '_valueString', 'valueCodeableConcept', 'valueReference']),
    );
    expect(value?.properties).not.toContain('_valueCodeableConcept');
  });

  it('required code bindings: expanded where the schema has no enum, only named where it has one', () => {
    const task = rulesOf('Task').bindings;
    expect(task.find((b) => b.property === 'priority')).toEqual({
      property: 'priority',
      valueSet: 'http://hl7.org/fhir/ValueSet/request-priority',
      codes: ['routine', 'urgent', 'asap', 'stat'],
    });
    expect(task.find((b) => b.property === 'status')).toEqual({
      property: 'status',
      valueSet: 'http://hl7.org/fhir/ValueSet/task-status',
      codes: undefined,
    });
  });

  it('what keeps primitives consistent: inline choice variants, forgotten _canonical siblings', () => {
    expect(rulesOf('Extension').inlinePrimitives).toEqual(
      expect.arrayContaining([
        { property: 'valueInteger', type: 'integer' },
        { property: 'valueString', type: 'string' },
      ]),
    );
    expect(rulesOf('Task').missingExtensions).toEqual([
      { property: 'instantiatesCanonical', repeats: false },
    ]);
  });
});
