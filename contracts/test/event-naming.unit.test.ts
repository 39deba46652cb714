import { describe, expect, it } from '@jest/globals';
import {
  ceSourceOf,
  ceTypeOf,
  CONTRACTS_BASE_URL,
  dataSchemaUrlOf,
  deadLetterTopicOf,
  parseCeType,
  SCHEMA_FILE_PATTERN,
  schemaFileNameOf,
  topicOf,
} from '../src/event-naming.js';

const accepted = { context: 'tasks', eventName: 'TaskAccepted', version: 2 };

describe('event naming (DESIGN.md §4)', () => {
  it('names the headers, the schema file, its $id and the topics', () => {
    expect(ceTypeOf(accepted)).toBe('carenet.tasks.TaskAccepted.v2');
    expect(schemaFileNameOf(accepted)).toBe('TaskAccepted.v2.schema.json');
    expect(CONTRACTS_BASE_URL).toBe('https://carenet.example.org/contracts/events/');
    expect(dataSchemaUrlOf(accepted)).toBe(
      'https://carenet.example.org/contracts/events/tasks/TaskAccepted.v2.schema.json',
    );
    expect(ceSourceOf('care-plans')).toBe('/carenet/care-plans');
    expect(topicOf('shared-info')).toBe('carenet.shared-info');
    expect(deadLetterTopicOf('carenet.tasks.care-plan-actions')).toBe('carenet.tasks.care-plan-actions.dlq');
  });

  it('parses a ce_type back, and refuses one that does not follow the pattern', () => {
    expect(parseCeType('carenet.care-plans.CarePlanValidated.v12')).toEqual({
      context: 'care-plans',
      eventName: 'CarePlanValidated',
      version: 12,
    });
    for (const bad of [
      'carenet.tasks.TaskAccepted',
      'carenet.tasks.taskAccepted.v1',
      'other.tasks.TaskAccepted.v1',
      'carenet.tasks.TaskAccepted.v0',
    ]) {
      expect(parseCeType(bad)).toBeUndefined();
    }
  });

  it.each([
    ['TaskAccepted.v1.schema.json', true],
    ['TaskAccepted.v10.schema.json', true],
    ['TaskAccepted.v0.schema.json', false],
    ['TaskAccepted.v01.schema.json', false],
    ['taskAccepted.v1.schema.json', false],
    ['Task-Accepted.v1.schema.json', false],
    ['TaskAccepted.schema.json', false],
    ['TaskAccepted.v1.json', false],
  ])('file name %s follows the pattern: %s', (name, ok) => {
    expect(SCHEMA_FILE_PATTERN.test(name)).toBe(ok);
  });
});
