import { badRequest, notFound, preconditionFailed } from '../outcomes.js';
import { nestsDeeperThan } from '../validation/nesting-depth.js';
import { MAX_NESTING_DEPTH } from '../validation/resource-validator.js';
import { findUnstorableText } from '../validation/storable-text.js';

/**
 * How deep a JSON body the validator does not see (a JSON Patch document, an operation's
 * Parameters) may nest: a resource's limit, plus the two levels a JSON Patch wraps values in.
 */
export const MAX_BODY_NESTING_DEPTH = MAX_NESTING_DEPTH + 2;

/**
 * A JSON body that reaches code other than the resource validator, checked as the validator
 * checks resources: not nested deeper than `MAX_BODY_NESTING_DEPTH` (a hostile document would
 * exhaust the stack of whatever walks it, fast-json-patch's first), and no string PostgreSQL
 * cannot store. 400 naming where (from `root`, by default the body's `resourceType`), otherwise the
 * body as it is.
 */
export function boundedJsonBody(body: unknown, what: string, root?: string): unknown {
  if (nestsDeeperThan(body, MAX_BODY_NESTING_DEPTH)) {
    throw badRequest(
      `the ${what} nests more than ${MAX_BODY_NESTING_DEPTH} levels of JSON objects and arrays`,
    );
  }
  const type = (body as { resourceType?: unknown } | null | undefined)?.resourceType;
  const unstorable = findUnstorableText(
    body,
    root ?? (typeof type === 'string' && /^[A-Z][A-Za-z]{0,63}$/.test(type) ? type : 'body'),
  );
  if (unstorable !== undefined) {
    throw badRequest(`${unstorable.expression} ${unstorable.reason}`, [unstorable.expression]);
  }
  return body;
}

/**
 * The versions of this toolkit's resources are their stream revision + 1: a positive integer. A
 * version id that cannot be one (`99999999999999999999`, `abc`) names no version: providers never
 * see it (their stores compare revisions as 64-bit integers).
 */
const VERSION_NUMBER = /^[1-9][0-9]{0,14}$/;

export function isVersionNumber(versionId: string): boolean {
  return VERSION_NUMBER.test(versionId);
}

/** vread of a version id that cannot exist: 404. */
export function checkVreadVersion(type: string, id: string, versionId: string): string {
  if (!isVersionNumber(versionId)) throw notFound(`${type}/${id} has no version ${versionId}`);
  return versionId;
}

/** `If-Match` naming a version that cannot exist: the precondition fails (412). */
export function checkIfMatchVersion(type: string, versionId: string): string {
  if (!isVersionNumber(versionId)) {
    throw preconditionFailed(`If-Match names version ${versionId}, which no ${type} version can be`);
  }
  return versionId;
}

/**
 * `_since` of a history: an R4 instant (`2026-06-01T08:30:00Z`, `…+02:00`, fractions of a
 * second allowed), or a date (`2026-06-01`, its start). What `Date.parse` also takes (`1`, `June
 * 2026`) the database does not: 400 before any provider runs.
 */
const SINCE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(?:\.\d{1,9})?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d))?$/;

export function checkSince(since: string): string {
  const match = SINCE.exec(since);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  // NaN without a match; a day the month does not have (2026-02-30) rolls over.
  const date = new Date(Date.UTC(Number(match?.[1]), month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw badRequest(
      `_since=${since.slice(0, 40)} is not an instant (YYYY-MM-DDThh:mm:ss[.sss]Z or ±hh:mm) nor a date`,
      ['_since'],
    );
  }
  return since;
}
