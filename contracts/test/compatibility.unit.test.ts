import { describe, expect, it } from '@jest/globals';
import { compareSchemas, type BreakingChangeKind } from '../src/compatibility.js';
import { ReleaseLockError } from '../src/errors.js';
import type { JsonObject, JsonSchema } from '../src/json.js';
import { EVENTS_DIR, RELEASE_LOCK_FILE } from '../src/package-paths.js';
import { checkReleased } from '../src/release.js';
import { fixture } from './fixtures.js';

/** A released event schema, as the cases below change it. */
const released = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://carenet.example.org/contracts/events/tasks/TaskAccepted.v1.schema.json',
  title: 'carenet.tasks.TaskAccepted.v1',
  description: 'A task was accepted by its owner.',
  type: 'object',
  required: ['taskId', 'by', 'at'],
  properties: {
    taskId: { type: 'string', format: 'uuid' },
    by: { $ref: '#/$defs/Party' },
    at: { type: 'string', format: 'date-time' },
    status: { enum: ['accepted', 'in-progress'] },
    note: { type: ['string', 'null'], minLength: 1, maxLength: 500 },
    priority: { type: 'number', minimum: 0, maximum: 10 },
    tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' }, maxItems: 5 },
    location: {
      type: 'object',
      properties: { site: { type: 'string' }, room: { type: 'string' } },
      additionalProperties: false,
    },
  },
  $defs: {
    Party: {
      type: 'object',
      required: ['system', 'value'],
      properties: { system: { type: 'string', format: 'uri' }, value: { type: 'string' } },
    },
  },
} satisfies JsonObject;

type Mutable = Record<string, unknown>;

/** The released schema, changed by `edit` on a deep copy. */
function changed(edit: (schema: Mutable & { properties: Record<string, Mutable>; $defs: Mutable }) => void) {
  const copy = structuredClone(released) as unknown as Mutable & {
    properties: Record<string, Mutable>;
    $defs: Mutable;
  };
  edit(copy);
  return copy as unknown as JsonObject;
}

/** The same JSON value with the keys of every object in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reversedKeys(item)]),
  );
}

function kinds(current: JsonSchema, before: JsonSchema = released): [BreakingChangeKind, string][] {
  return compareSchemas(before, current).map((change) => [change.kind, change.path]);
}

describe('compareSchemas: compatible changes are accepted', () => {
  it.each<[string, JsonObject]>([
    ['no change', changed(() => undefined)],
    [
      'annotations: title, description, examples, default, $comment, deprecated',
      changed((s) => {
        s.description = 'Reworded.';
        s.$comment = 'why';
        s.properties.note!.description = 'Free text.';
        s.properties.note!.examples = ['Seen at home.'];
        s.properties.priority!.default = 5;
        s.properties.status!.deprecated = true;
        s.properties.taskId!.title = 'Task id';
      }),
    ],
    [
      'a new optional property on an open object',
      changed((s) => {
        s.properties.reason = { type: 'string' };
      }),
    ],
    [
      'a new $defs entry',
      changed((s) => {
        s.$defs.Period = { type: 'object' };
      }),
    ],
    ['keys in another order', reversedKeys(released) as JsonObject],
  ])('%s', (_name, current) => {
    expect(compareSchemas(released, current)).toEqual([]);
  });

  it('accepts a new property on an open object also when it matches what additionalProperties allowed', () => {
    const before = { type: 'object', additionalProperties: { type: 'string' } };
    expect(compareSchemas(before, { ...before, properties: { code: { type: 'string' } } })).toEqual([]);
    expect(kinds({ ...before, properties: { code: { type: 'integer' } } }, before)).toEqual([
      ['type-narrowed', '/properties/code/type'],
      ['type-widened', '/properties/code/type'],
    ]);
  });

  it('treats `true` and an annotation-only schema as the same', () => {
    expect(compareSchemas(true, { description: 'anything' })).toEqual([]);
  });
});

describe('compareSchemas: each kind of break is reported, with where and which way', () => {
  it.each<[string, JsonObject, [BreakingChangeKind, string][]]>([
    [
      'a property removed',
      changed((s) => {
        delete s.properties.note;
      }),
      [['property-removed', '/properties/note']],
    ],
    [
      'a property newly required',
      changed((s) => {
        s.required = ['taskId', 'by', 'at', 'status'];
      }),
      [['required-added', '/required']],
    ],
    [
      'a new required property',
      changed((s) => {
        s.properties.reason = { type: 'string' };
        s.required = ['taskId', 'by', 'at', 'reason'];
      }),
      [['required-added', '/required']],
    ],
    [
      'a property no longer required',
      changed((s) => {
        s.required = ['taskId', 'by'];
      }),
      [['required-removed', '/required']],
    ],
    [
      'a type narrowed: ["string", "null"] → "string"',
      changed((s) => {
        s.properties.note!.type = 'string';
      }),
      [['type-narrowed', '/properties/note/type']],
    ],
    [
      'a type narrowed: number → integer',
      changed((s) => {
        s.properties.priority!.type = 'integer';
      }),
      [['type-narrowed', '/properties/priority/type']],
    ],
    [
      'a type widened: "string" → ["string", "null"]',
      changed((s) => {
        s.properties.taskId!.type = ['string', 'null'];
      }),
      [['type-widened', '/properties/taskId/type']],
    ],
    [
      'a type replaced',
      changed((s) => {
        s.properties.priority!.type = 'string';
      }),
      [
        ['type-narrowed', '/properties/priority/type'],
        ['type-widened', '/properties/priority/type'],
      ],
    ],
    [
      'a type where there was none',
      changed((s) => {
        s.properties.status!.type = 'string';
      }),
      [['type-narrowed', '/properties/status/type']],
    ],
    [
      'an enum value removed',
      changed((s) => {
        s.properties.status!.enum = ['accepted'];
      }),
      [['enum-values-removed', '/properties/status/enum']],
    ],
    [
      'an enum value added (consumers switching on it do not know it)',
      changed((s) => {
        s.properties.status!.enum = ['accepted', 'in-progress', 'on-hold'];
      }),
      [['enum-values-added', '/properties/status/enum']],
    ],
    [
      'an enum on a free value',
      changed((s) => {
        s.properties.taskId!.enum = ['a'];
      }),
      [['enum-added', '/properties/taskId/enum']],
    ],
    [
      'an enum dropped',
      changed((s) => {
        delete s.properties.status!.enum;
      }),
      [['enum-removed', '/properties/status/enum']],
    ],
    [
      'a const added',
      changed((s) => {
        s.properties.status!.const = 'accepted';
      }),
      [['const-changed', '/properties/status/const']],
    ],
    [
      'additionalProperties false lifted',
      changed((s) => {
        delete s.properties.location!.additionalProperties;
      }),
      [['additional-properties-loosened', '/properties/location/additionalProperties']],
    ],
    [
      'unevaluatedProperties tightened to false',
      changed((s) => {
        s.unevaluatedProperties = false;
      }),
      [['additional-properties-tightened', '/unevaluatedProperties']],
    ],
    [
      'a property added to a closed object (consumers validating with the released schema refuse it)',
      changed((s) => {
        (s.properties.location!.properties as Mutable).floor = { type: 'string' };
      }),
      [['property-added-to-closed-object', '/properties/location/properties/floor']],
    ],
    [
      'minLength raised',
      changed((s) => {
        s.properties.note!.minLength = 2;
      }),
      [['constraint-tightened', '/properties/note/minLength']],
    ],
    [
      'maxLength lowered',
      changed((s) => {
        s.properties.note!.maxLength = 100;
      }),
      [['constraint-tightened', '/properties/note/maxLength']],
    ],
    [
      'minLength added',
      changed((s) => {
        s.properties.taskId!.minLength = 36;
      }),
      [['constraint-tightened', '/properties/taskId/minLength']],
    ],
    [
      'minimum raised, maximum lowered',
      changed((s) => {
        s.properties.priority!.minimum = 1;
        s.properties.priority!.maximum = 5;
      }),
      [
        ['constraint-tightened', '/properties/priority/minimum'],
        ['constraint-tightened', '/properties/priority/maximum'],
      ],
    ],
    [
      'exclusiveMinimum added',
      changed((s) => {
        s.properties.priority!.exclusiveMinimum = 0;
      }),
      [['constraint-tightened', '/properties/priority/exclusiveMinimum']],
    ],
    [
      'maxLength raised, maximum removed',
      changed((s) => {
        s.properties.note!.maxLength = 1000;
        delete s.properties.priority!.maximum;
      }),
      [
        ['constraint-loosened', '/properties/note/maxLength'],
        ['constraint-loosened', '/properties/priority/maximum'],
      ],
    ],
    [
      'maxItems lowered, uniqueItems added',
      changed((s) => {
        s.properties.tags!.maxItems = 3;
        s.properties.tags!.uniqueItems = true;
      }),
      [
        ['constraint-tightened', '/properties/tags/maxItems'],
        ['constraint-tightened', '/properties/tags/uniqueItems'],
      ],
    ],
    [
      'a pattern changed',
      changed((s) => {
        (s.properties.tags!.items as Mutable).pattern = '^[a-z-]+$';
      }),
      [['constraint-changed', '/properties/tags/items/pattern']],
    ],
    [
      'a pattern added',
      changed((s) => {
        s.properties.note!.pattern = '^\\S';
      }),
      [['constraint-tightened', '/properties/note/pattern']],
    ],
    [
      'a format changed',
      changed((s) => {
        s.properties.at!.format = 'date';
      }),
      [['constraint-changed', '/properties/at/format']],
    ],
    [
      'a format added',
      changed((s) => {
        s.properties.note!.format = 'email';
      }),
      [['constraint-tightened', '/properties/note/format']],
    ],
    [
      'a format removed',
      changed((s) => {
        delete s.properties.taskId!.format;
      }),
      [['constraint-loosened', '/properties/taskId/format']],
    ],
    [
      'a nested object: a property removed',
      changed((s) => {
        delete (s.properties.location!.properties as Mutable).room;
      }),
      [['property-removed', '/properties/location/properties/room']],
    ],
    [
      'array items: type narrowed',
      changed((s) => {
        s.properties.tags!.items = { type: 'string', pattern: '^[a-z]+$', maxLength: 20 };
      }),
      [['constraint-tightened', '/properties/tags/items/maxLength']],
    ],
    [
      'array items: schema replaced',
      changed((s) => {
        s.properties.tags!.items = { type: 'integer' };
      }),
      [
        ['type-narrowed', '/properties/tags/items/type'],
        ['type-widened', '/properties/tags/items/type'],
        ['constraint-loosened', '/properties/tags/items/pattern'],
      ],
    ],
    [
      '$defs: a definition narrowed',
      changed((s) => {
        s.$defs.Party = {
          type: 'object',
          required: ['system', 'value'],
          properties: { system: { type: 'string', format: 'uri' }, value: { type: 'string', minLength: 11 } },
        };
      }),
      [['constraint-tightened', '/$defs/Party/properties/value/minLength']],
    ],
    [
      '$defs: a definition removed, its reference changed',
      changed((s) => {
        s.$defs = { Actor: released.$defs.Party };
        s.properties.by = { $ref: '#/$defs/Actor' };
      }),
      [
        ['reference-changed', '/properties/by/$ref'],
        ['definition-removed', '/$defs/Party'],
      ],
    ],
    [
      'a combinator changed',
      changed((s) => {
        s.properties.priority = { anyOf: [{ type: 'integer' }, { type: 'null' }] };
      }),
      [
        ['type-widened', '/properties/priority/type'],
        ['constraint-loosened', '/properties/priority/minimum'],
        ['constraint-loosened', '/properties/priority/maximum'],
        ['keyword-changed', '/properties/priority/anyOf'],
      ],
    ],
    [
      'any other validation keyword changed',
      changed((s) => {
        s.dependentRequired = { note: ['status'] };
      }),
      [['keyword-changed', '/dependentRequired']],
    ],
  ])('%s', (_name, current, expected) => {
    expect(kinds(current)).toEqual(expected);
  });

  it('reports several breaks at once, each once', () => {
    const current = changed((s) => {
      delete s.properties.note;
      s.required = ['taskId', 'by', 'at', 'status'];
      s.properties.status!.enum = ['accepted'];
      s.properties.location!.additionalProperties = true;
    });
    expect(kinds(current)).toEqual([
      ['enum-values-removed', '/properties/status/enum'],
      ['property-removed', '/properties/note'],
      ['additional-properties-loosened', '/properties/location/additionalProperties'],
      ['required-added', '/required'],
    ]);
  });

  it('accepts closing an object whose members are all declared (producers never sent others)', () => {
    const closed = changed((s) => {
      s.additionalProperties = false;
      (s.$defs.Party as Mutable).additionalProperties = false;
      // with a new optional member at the same time: consumers of the open released copy accept it
      s.properties.protected = { type: 'string' };
    });
    expect(compareSchemas(released, closed)).toEqual([]);
  });

  it('still reports closing an object that names members by pattern, or an object without properties', () => {
    const patterned = {
      type: 'object',
      properties: { a: { type: 'string' } },
      patternProperties: { '^x-': {} },
    };
    expect(compareSchemas(patterned, { ...patterned, additionalProperties: false })).toEqual([
      expect.objectContaining({ kind: 'additional-properties-tightened', direction: 'narrowed' }),
    ]);
    const free = { type: 'object' };
    expect(compareSchemas(free, { ...free, additionalProperties: false })).toEqual([
      expect.objectContaining({ kind: 'additional-properties-tightened', path: '/additionalProperties' }),
    ]);
  });

  it('says which way a change breaks, and why, in words', () => {
    const changes = compareSchemas(
      released,
      changed((s) => {
        s.properties.status!.enum = ['accepted', 'on-hold'];
      }),
    );
    expect(changes).toEqual([
      {
        kind: 'enum-values-removed',
        direction: 'narrowed',
        path: '/properties/status/enum',
        message: 'enum values removed: "in-progress"',
      },
      {
        kind: 'enum-values-added',
        direction: 'widened',
        path: '/properties/status/enum',
        message: 'enum values added: "on-hold"',
      },
    ]);
  });

  it('escapes property names in the JSON Pointer', () => {
    const before = { type: 'object', properties: { 'a/b~c': { type: 'string' } } };
    expect(kinds({ type: 'object', properties: { 'a/b~c': { type: 'integer' } } }, before)).toEqual([
      ['type-narrowed', '/properties/a~1b~0c/type'],
      ['type-widened', '/properties/a~1b~0c/type'],
    ]);
  });

  it.each<[string, JsonSchema, JsonSchema, string]>([
    ['true → false', true, false, 'narrowed'],
    ['false → a schema', false, { type: 'string' }, 'widened'],
    ['true → a schema', true, { type: 'string' }, 'narrowed'],
    ['a schema → true', { type: 'string' }, true, 'widened'],
  ])('compares boolean schemas: %s', (_name, before, after, direction) => {
    expect(compareSchemas(before, after)).toEqual([
      expect.objectContaining({ kind: 'schema-replaced', direction, path: '' }),
    ]);
  });
});

describe('checkReleased', () => {
  it('the CI gate: the schemas of contracts/events keep every release of contracts/released.lock.json', () => {
    expect(checkReleased(EVENTS_DIR, RELEASE_LOCK_FILE)).toEqual([]);
  });

  it('accepts a compatible change to a released schema and new versions', () => {
    expect(checkReleased(fixture('contracts', 'events'), fixture('contracts', 'released.lock.json'))).toEqual(
      [],
    );
  });

  it('reports released files changed incompatibly, deleted, unreadable, and altered or missing copies', () => {
    const violations = checkReleased(
      fixture('released-broken', 'events'),
      fixture('released-broken', 'released.lock.json'),
    );
    expect(violations.map((v) => [v.kind, v.file])).toEqual([
      ['released-copy-altered', 'test/SampleAltered.v1.schema.json'],
      ['deleted', 'test/SampleDeleted.v1.schema.json'],
      ['released-copy-missing', 'test/SampleMissingCopy.v1.schema.json'],
      ['incompatible', 'test/SampleRecorded.v1.schema.json'],
      ['unreadable', 'test/SampleUnreadable.v1.schema.json'],
    ]);
    const incompatible = violations.find((v) => v.kind === 'incompatible');
    expect(incompatible?.ceType).toBe('carenet.test.SampleRecorded.v1');
    expect(incompatible?.changes.map((c) => [c.kind, c.path])).toEqual([
      ['enum-values-removed', '/properties/kind/enum'],
      ['property-removed', '/properties/note'],
      ['required-added', '/required'],
      ['constraint-tightened', '/$defs/Party/properties/value/minLength'],
    ]);
    expect(incompatible?.message).toContain('publish a new version');
  });

  it('refuses a missing or malformed lock file with a typed error', () => {
    const eventsDir = fixture('contracts', 'events');
    expect(() => checkReleased(eventsDir, fixture('no-such.lock.json'))).toThrow(ReleaseLockError);
    expect(() => checkReleased(eventsDir, fixture('bad-lock', 'released.lock.json'))).toThrow(
      /"\.\.\/outside\/Escape\.v1\.schema\.json" is not <context>\/<EventName>\.v<N>\.schema\.json/,
    );
  });
});
