import type { CodeableConcept } from 'fhir/r4.js';
import type { Plain } from '@carenet/eventsourcing';

/** FHIR datatypes as plain JSON values (see `Plain`): what commands, state and events hold. */
export type CareTeamCodeableConcept = Plain<CodeableConcept>;

/** The patient, by national identifier (INS, or the Québec NAM). */
export type PatientIdentifier = Readonly<{ system: string; value: string }>;

/**
 * A FHIR Period (`dateTime` bounds, ISO 8601, date-only allowed); open at either end when
 * absent. Bounds are compared as instants (a date is its first instant, UTC).
 */
export type CareTeamPeriod = Readonly<{ start?: string; end?: string }>;

/** An organisation by national identifier (FINESS, IDNST), with its name. */
export type OrganizationReference = Readonly<{
  identifier: Readonly<{ system: string; value: string }>;
  display?: string;
}>;
