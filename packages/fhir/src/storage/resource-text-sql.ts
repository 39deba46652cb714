import type { Resource } from 'fhir/r4.js';
import { ResourceText } from '../server/resource-text.js';

/**
 * The column that gives a row of `fhir.resources` (alias `row`) as its stored JSON text,
 * `content_text`: a copy of the text for PostgreSQL (the column is json), no parsing for Node.
 */
export const resourceTextColumns = (row: string): string => `${row}.content::text AS content_text`;

/** A row's `resourceTextColumns`. */
export interface ResourceTextRow {
  readonly content_text: string;
}

/** The stored resource of type `resourceType` and id `id`, as its text. */
export const resourceTextOf = (
  resourceType: Resource['resourceType'],
  id: string,
  row: ResourceTextRow,
): ResourceText => new ResourceText(resourceType, id, row.content_text);
