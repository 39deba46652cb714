import type { Resource } from 'fhir/r4.js';
import { ResourceText } from '../server/resource-text.js';

/**
 * The columns that give a row of `fhir.resources` (alias `row`) as JSON text, in two parts so that
 * the text can start with `resourceType`, `id` and `meta` as FHIR JSON is usually written (jsonb
 * keeps its keys in its own order): `content_meta`, the meta (or NULL), and `content_rest`, every
 * other element. Cheaper for PostgreSQL than building the text itself, and Node only concatenates.
 */
export const resourceTextColumns = (row: string): string =>
  `(${row}.content -> 'meta')::text AS content_meta, ` +
  `(${row}.content - '{resourceType,id,meta}'::text[])::text AS content_rest`;

/** A row's `resourceTextColumns`. */
export interface ResourceTextRow {
  readonly content_meta: string | null;
  readonly content_rest: string;
}

/** The stored resource of type `resourceType` and id `id` from its `resourceTextColumns`. */
export function resourceTextOf(
  resourceType: Resource['resourceType'],
  id: string,
  row: ResourceTextRow,
): ResourceText {
  const meta = row.content_meta === null ? '' : `,"meta":${row.content_meta}`;
  // `content_rest` is an object: `{}`, or `{"a": …}` whose members follow the head's.
  const rest = row.content_rest === '{}' ? '}' : `,${row.content_rest.slice(1)}`;
  return new ResourceText(
    resourceType,
    id,
    `{"resourceType":${JSON.stringify(resourceType)},"id":${JSON.stringify(id)}${meta}${rest}`,
  );
}
