import type { Resource } from 'fhir/r4.js';

/**
 * A stored resource as JSON text, for the hot search paths: the server puts the text into the
 * Bundle as it came from the database, without parsing it into objects and writing it back out.
 * `resourceType` and `id` are what the Bundle entry needs (its `fullUrl`); `json` must be the
 * whole resource, with that type and id, as one JSON object.
 */
export class ResourceText {
  constructor(
    readonly resourceType: Resource['resourceType'],
    readonly id: string,
    readonly json: string,
  ) {}

  /** The resource as objects (for `_elements`, `_summary` or a conditional interaction). */
  parse(): Resource {
    return JSON.parse(this.json) as Resource;
  }
}

/** A match of a search: objects, or the stored text (ResourceText). */
export type SearchMatch = Resource | ResourceText;

/** The match as objects: parsed when it is text. */
export const matchResource = (match: SearchMatch): Resource =>
  match instanceof ResourceText ? match.parse() : match;
