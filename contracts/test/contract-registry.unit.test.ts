import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { loadContractRegistry } from '../src/contract-registry.js';
import {
  ContractLoadError,
  ContractSchemaError,
  InvalidEventDataError,
  UnknownEventTypeError,
} from '../src/errors.js';
import { CONTEXTS } from '../src/event-naming.js';
import { CONTRACTS_DIR, EVENTS_DIR } from '../src/package-paths.js';
import { fixture } from './fixtures.js';

const registry = loadContractRegistry(fixture('contracts', 'events'));

const validV1 = {
  sampleId: '0b9f5a47-3c34-4c0e-9d2f-6a1e8f2b7c10',
  recordedBy: { system: 'https://rpps.esante.gouv.fr', value: '10101010101' },
  at: '2026-11-25T10:15:00+01:00',
  kind: 'blood',
  note: null,
};

function loadError(eventsDir: string): ContractLoadError {
  try {
    loadContractRegistry(eventsDir);
  } catch (error) {
    if (error instanceof ContractLoadError) return error;
    throw error;
  }
  throw new Error(`${eventsDir} loaded without error`);
}

describe('loadContractRegistry', () => {
  it('knows every schema file: context, event name, version, ce_type, ce_dataschema', () => {
    expect(registry.contracts.map((c) => c.ceType)).toEqual([
      'carenet.test.SampleDiscarded.v1',
      'carenet.test.SampleRecorded.v1',
      'carenet.test.SampleRecorded.v2',
    ]);
    expect(registry.get('carenet.test.SampleRecorded.v2')).toEqual({
      context: 'test',
      eventName: 'SampleRecorded',
      version: 2,
      ceType: 'carenet.test.SampleRecorded.v2',
      ceDataschema: 'https://carenet.example.org/contracts/events/test/SampleRecorded.v2.schema.json',
      ceSource: '/carenet/test',
      topic: 'carenet.test',
      file: 'test/SampleRecorded.v2.schema.json',
      schema: expect.objectContaining({ title: 'carenet.test.SampleRecorded.v2' }),
    });
  });

  it('answers undefined for a ce_type it does not know', () => {
    expect(registry.get('carenet.test.SampleRecorded.v3')).toBeUndefined();
  });

  it('loads this package’s events folder by default, with only the known contexts, and compiles it', () => {
    expect(EVENTS_DIR).toBe(join(CONTRACTS_DIR, 'events'));
    const real = loadContractRegistry();
    expect(real.eventsDir).toBe(EVENTS_DIR);
    for (const contract of real.contracts) expect(CONTEXTS).toContain(contract.context);
    expect(() => {
      real.compileAll();
    }).not.toThrow();
  });

  it('refuses, all at once, every file that does not follow the layout or disagrees with its name', () => {
    const error = loadError(fixture('invalid-events', 'events'));
    const byFile = Object.fromEntries(error.problems.map((p) => [p.file, p.message]));
    expect(byFile).toEqual({
      Bad_Context: expect.stringContaining('kebab-case'),
      'stray.schema.json': expect.stringContaining('must be in a context folder'),
      'test/nested': expect.stringContaining('no folders'),
      'test/sample-recorded.v1.schema.json': expect.stringContaining('<EventName>.v<N>.schema.json'),
      'test/SampleRecorded.v0.schema.json': expect.stringContaining('<EventName>.v<N>.schema.json'),
      'test/SampleRecorded.v01.schema.json': expect.stringContaining('<EventName>.v<N>.schema.json'),
      'test/SampleRecorded.v1.json': expect.stringContaining('<EventName>.v<N>.schema.json'),
      'test/WrongId.v1.schema.json': expect.stringContaining(
        '$id must be "https://carenet.example.org/contracts/events/test/WrongId.v1.schema.json"',
      ),
      'test/WrongTitle.v1.schema.json': expect.stringContaining(
        'title must be the ce_type "carenet.test.WrongTitle.v1"',
      ),
      'test/WrongDialect.v1.schema.json': expect.stringContaining(
        '$schema must be "https://json-schema.org/draft/2020-12/schema"',
      ),
      'test/NotAnObject.v1.schema.json': expect.stringContaining('"type": "object"'),
      'test/NotASchema.v1.schema.json': expect.stringContaining('must be a JSON Schema object'),
      'test/InvalidSchema.v1.schema.json': expect.stringContaining('schema is invalid'),
    });
    expect(error.message).toContain('test/WrongId.v1.schema.json: $id must be');
  });

  it('refuses a missing events folder rather than loading nothing', () => {
    const error = loadError(fixture('no-such-folder'));
    expect(error.problems).toEqual([
      { file: '.', message: expect.stringContaining('cannot read the events folder') },
    ]);
  });
});

describe('ContractRegistry.validate', () => {
  it('accepts data that matches the schema of its ce_type', () => {
    expect(registry.validate('carenet.test.SampleRecorded.v1', validV1)).toEqual({ ok: true });
  });

  it('validates each version against its own schema', () => {
    const { kind: _kind, note: _note, ...withoutKind } = validV1;
    expect(registry.validate('carenet.test.SampleRecorded.v1', withoutKind).ok).toBe(true);
    expect(registry.validate('carenet.test.SampleRecorded.v2', withoutKind)).toMatchObject({
      ok: false,
      errors: [{ path: '/kind', message: 'is required' }],
    });
  });

  it('reports every issue with a JSON Pointer into the data, and a typed error', () => {
    const result = registry.validate('carenet.test.SampleRecorded.v1', {
      sampleId: 'not-a-uuid',
      recordedBy: { system: 'https://rpps.esante.gouv.fr', value: '', extra: true },
      kind: 'saliva',
      note: 42,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: '/at', message: 'is required' },
        { path: '/sampleId', message: 'must match format "uuid"' },
        { path: '/recordedBy/extra', message: 'is not an allowed property' },
        { path: '/recordedBy/value', message: 'must NOT have fewer than 1 characters' },
        { path: '/kind', message: 'must be one of "blood", "urine"' },
        { path: '/note', message: 'must be string,null' },
      ]),
    );
    expect(result.error).toBeInstanceOf(InvalidEventDataError);
    expect(result.error).toMatchObject({
      name: 'InvalidEventDataError',
      kind: 'invalid-event-data',
      ceType: 'carenet.test.SampleRecorded.v1',
      issues: result.errors,
    });
    expect(result.error.message).toContain('/at is required');
  });

  it('checks formats: date-time needs a time zone', () => {
    const result = registry.validate('carenet.test.SampleRecorded.v1', {
      ...validV1,
      at: '2026-11-25T10:15:00',
    });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ path: '/at', message: 'must match format "date-time"' }],
    });
  });

  it('refuses data that is not an object', () => {
    expect(registry.validate('carenet.test.SampleRecorded.v1', 'text')).toMatchObject({
      ok: false,
      errors: [{ path: '', message: 'must be object' }],
    });
  });

  it('returns an unknown ce_type as a typed failure, without throwing (for the dead-letter queue)', () => {
    const result = registry.validate('carenet.test.SampleForgotten.v1', validV1);
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { path: '', message: expect.stringContaining('unknown ce_type "carenet.test.SampleForgotten.v1"') },
      ],
    });
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(UnknownEventTypeError);
    expect(result.error).toMatchObject({
      name: 'UnknownEventTypeError',
      kind: 'unknown-event-type',
      ceType: 'carenet.test.SampleForgotten.v1',
    });
  });

  it('gives the same answers when a compiled schema is reused', () => {
    const first = registry.validate('carenet.test.SampleRecorded.v2', validV1);
    const second = registry.validate('carenet.test.SampleRecorded.v2', validV1);
    expect(second).toEqual(first);
    expect(registry.validate('carenet.test.SampleRecorded.v1', validV1)).toBe(
      registry.validate('carenet.test.SampleRecorded.v1', validV1),
    );
  });

  it('reports a schema Ajv cannot compile as a ContractSchemaError, on first use or from compileAll', () => {
    const uncompilable = loadContractRegistry(fixture('uncompilable-events', 'events'));
    expect(uncompilable.contracts).toHaveLength(1);
    expect(() => uncompilable.validate('carenet.test.UnknownFormat.v1', {})).toThrow(ContractSchemaError);
    expect(() => {
      uncompilable.compileAll();
    }).toThrow(/carenet\.test\.UnknownFormat\.v1 does not compile: unknown format "rpps-number"/);
  });
});
