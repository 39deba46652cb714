import { describe, expect, it } from '@jest/globals';
import { IndexValueExtractor } from '../../src/search/index.js';
import { R4_MODEL } from '../../src/search/r4-model.js';
import { compileSimplePath } from '../../src/search/simple-path.js';
import {
  makeTask,
  observations,
  patients,
  random,
  registry as storageRegistry,
  riskAssessments,
} from '../storage/storage-fixtures.js';
import { carePlan, patient, registry, task } from './search-fixtures.js';

const registries = [registry, storageRegistry];

/** Odd but parseable shapes: what the walk must give exactly as fhirpath.js does. */
const oddTasks: object[] = [
  {
    resourceType: 'Task',
    id: 'odd-1',
    _status: { extension: [{ url: 'u', valueString: 's' }] },
    intent: 'order',
  },
  { resourceType: 'Task', id: 'odd-2', meta: { profile: [null, 'https://x/p'], tag: [] }, status: 'draft' },
  {
    resourceType: 'Task',
    id: 'odd-3',
    meta: [{ lastUpdated: '2026-01-01T00:00:00Z' }],
    owner: [{ reference: 'Practitioner/a' }],
  },
  {
    resourceType: 'Task',
    id: 'odd-4',
    status: { code: 'draft' },
    code: 'x',
    for: 'Patient/1',
    restriction: { period: [] },
  },
  {
    resourceType: 'Task',
    id: 'odd-5',
    identifier: [[{ value: 'nested' }]],
    priority: null,
    executionPeriod: {},
  },
  {
    resourceType: 'Task',
    id: 'odd-6',
    restriction: { period: { start: '2026-02-01', end: '2026-02-03T10:00:00+01:00' } },
    input: [{ type: { text: 'x' }, valueString: 'y' }],
    performerType: [{ text: 'Infirmier' }],
  },
];

describe('simple paths: the walk that replaces fhirpath.js for plain paths', () => {
  it('gives the index values fhirpath.js gives, resource for resource', () => {
    const next = random(5);
    const resources: object[] = [
      task,
      carePlan,
      patient,
      ...patients,
      ...observations,
      ...riskAssessments,
      ...Array.from({ length: 200 }, (_, i) => makeTask(i, next)),
      ...oddTasks,
    ];
    let compared = 0;
    for (const types of registries) {
      const withPaths = new IndexValueExtractor(types);
      const fhirpathOnly = new IndexValueExtractor(types, { simplePaths: false });
      const known = new Set(types.resourceTypes());
      for (const resource of resources) {
        if (!known.has((resource as { resourceType: string }).resourceType)) continue;
        expect(withPaths.extract(resource)).toEqual(fhirpathOnly.extract(resource));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it('compiles the plain paths of Task (24 of its 25 parameters), not the others', () => {
    const compiled = registry
      .supportedParameters('Task')
      .filter((d) => d.expression !== undefined && compileSimplePath(d.expression, 'Task', R4_MODEL));
    expect(compiled.length).toBeGreaterThanOrEqual(24);
    for (const expression of [
      'Task.for.where(resolve() is Patient)',
      'Task.owner | Task.requester',
      '(Observation.value as Quantity)',
      'Observation.value',
      'Task.nothing',
      'Patient.status',
      'Task',
      'Task.input.value',
    ]) {
      expect(compileSimplePath(expression, 'Task', R4_MODEL)).toBeUndefined();
    }
    expect(compileSimplePath('Task.restriction.period', 'Task', R4_MODEL)?.(task)).toEqual([]);
    expect(compileSimplePath('Task.meta.lastUpdated', 'Task', R4_MODEL)?.(task)).toEqual([
      { declaredType: 'instant', data: task.meta.lastUpdated },
    ]);
  });
});
