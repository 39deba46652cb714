import type { CodeableConcept } from 'fhir/r4.js';
import type { JsonObject, Plain } from '@carenet/eventsourcing';

/** FHIR datatypes as plain JSON values (see `Plain`): what commands, state and events hold. */
export type CareTeamCodeableConcept = Plain<CodeableConcept>;

/**
 * The patient: by national identifier (INS, or the Québec NAM) or by literal reference, with the
 * reference, type and display as given (@carenet/access).
 */
export type { PatientIdentifier } from '@carenet/access';

/** FHIR elements of the CareTeam the domain does not model, kept as given (issue 15). */
export type CareTeamKeptElements = JsonObject;

/**
 * A FHIR Period (`dateTime` bounds, ISO 8601, date-only allowed); open at either end when
 * absent. Bounds are compared as instants (a date is its first instant, UTC).
 */
export type CareTeamPeriod = Readonly<{ start?: string; end?: string }>;

/**
 * An organisation by national identifier (FINESS, IDNST) or by literal reference (under the
 * literal-reference naming system), with the reference, type and display as given.
 */
export type OrganizationReference = Readonly<{
  identifier: Readonly<{ system: string; value: string }>;
  display?: string;
  reference?: string;
  type?: string;
}>;
