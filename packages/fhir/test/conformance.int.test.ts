// Round-trip conformance with the official R4 examples of Task, CarePlan, CareTeam and Goal:
// each is created, read back identical except `id` and `meta`, and found by each of its standard
// search parameters that has a value (a query built from the value the index extracted).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Resource } from 'fhir/r4.js';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  IndexValueExtractor,
  PostgresSearchStore,
  SearchParameterRegistry,
  type ParameterIndexValues,
} from '../src/index.js';
import { demoProvider, demoSearchProjection } from './support/demo-provider.js';
import { serveFhir, type ServedFhir } from './support/serve-fhir.js';
import { OFFICIAL_EXAMPLES, officialExample } from './validation/fixtures.js';

const TYPES = ['Task', 'CarePlan', 'CareTeam', 'Goal'] as const;

/** Escapes the search syntax characters of a literal value. */
const literal = (value: string) => value.replace(/[\\,$|]/g, (c) => `\\${c}`);

/** A query (name and value) that must find the resource, from one extracted index value; or none. */
function queryFor(indexed: ParameterIndexValues): [string, string] | undefined {
  const name = indexed.parameter;
  switch (indexed.type) {
    case 'token': {
      const v = indexed.values.find((t) => t.code !== undefined || t.system !== undefined);
      if (v?.code !== undefined)
        return [name, v.system !== undefined ? `${literal(v.system)}|${literal(v.code)}` : literal(v.code)];
      if (v?.system !== undefined) return [name, `${literal(v.system)}|`];
      const text = indexed.values.find((t) => t.text)?.text?.match(/[\p{L}\p{N}]+/u)?.[0];
      return text ? [`${name}:text`, text] : undefined;
    }
    case 'reference': {
      const v = indexed.values.find((r) => r.reference !== undefined && !r.reference.startsWith('#'));
      if (v?.reference !== undefined) return [name, literal(v.reference)];
      const byIdentifier = indexed.values.find((r) => r.identifier?.value !== undefined)?.identifier;
      if (byIdentifier?.value !== undefined) {
        return [`${name}:identifier`, `${literal(byIdentifier.system ?? '')}|${literal(byIdentifier.value)}`];
      }
      return undefined;
    }
    case 'date': {
      const v = indexed.values[0];
      if (!v) return undefined;
      return v.start === '-infinity' ? [name, `le${v.end}`] : [name, `ge${v.start}`];
    }
    case 'string': {
      const word = indexed.values[0]?.value.match(/[\p{L}\p{N}]+/u)?.[0];
      return word ? [name, word] : undefined;
    }
    case 'number':
    case 'quantity': {
      const v = indexed.values[0];
      return v ? [name, String(v.value)] : undefined;
    }
    case 'uri': {
      const v = indexed.values[0];
      return v ? [name, literal(v.value)] : undefined;
    }
    default:
      return undefined;
  }
}

describe('conformance: official R4 examples round-trip and are found by their search parameters', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let served: ServedFhir;
  const registry = SearchParameterRegistry.r4({
    supported: Object.fromEntries(TYPES.map((t) => [t, 'all'])),
  });
  const extractor = new IndexValueExtractor(registry);

  beforeAll(async () => {
    database = await createTestDatabase('fhir-conformance');
    // The searchable read model is an inline projection of the event store: SQL search end to end.
    const db = postgresDatabase({ connectionString: database.url });
    const search = await PostgresSearchStore.open(db);
    store = await PostgresEventStore.open(db, {
      projections: [demoSearchProjection(TYPES, search, extractor)],
    });
    served = await serveFhir((base) =>
      fhirRouter({
        providers: TYPES.map((type) => demoProvider(type, store, search)),
        validator: createResourceValidator({ types: TYPES }),
        publicBaseUrl: base,
        logger: { error: () => undefined },
        search: { registry, maxCount: 100 },
      }),
    );
  });
  afterAll(async () => {
    served.close();
    await store.close();
    await database.drop();
  });

  it.each(OFFICIAL_EXAMPLES)('%s', async (file) => {
    const example = officialExample(file);
    const created = await fetch(`${served.base}/${example.resourceType}`, {
      method: 'POST',
      body: JSON.stringify(example),
      headers: { 'content-type': 'application/fhir+json' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as Resource;
    const read = (await (
      await fetch(`${served.base}/${example.resourceType}/${id ?? ''}`)
    ).json()) as Resource;
    const strip = ({ id: _id, meta: _meta, ...rest }: Resource & Record<string, unknown>) => rest;
    expect(strip(read as Resource & Record<string, unknown>)).toEqual(strip(example));

    const searched: string[] = [];
    const missed: string[] = [];
    for (const indexed of extractor.extract(read).parameters) {
      const query = queryFor(indexed);
      if (!query) continue;
      const url = `${served.base}/${example.resourceType}?${new URLSearchParams([query, ['_count', '100']]).toString()}`;
      const response = await fetch(url);
      const bundle = (await response.json()) as Bundle;
      searched.push(query[0]);
      if (response.status !== 200 || !bundle.entry?.some((e) => e.resource?.id === id)) {
        missed.push(`${query[0]}=${query[1]} → ${response.status}`);
      }
    }
    process.stdout.write(`${file}: found by ${searched.length} parameters (${searched.join(', ')})\n`);
    expect(missed).toEqual([]);
    expect(searched.length).toBeGreaterThan(2);
  });
});
