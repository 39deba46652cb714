export const FHIR_JSON = 'application/fhir+json';
export const JSON_PATCH = 'application/json-patch+json';

/** Content types a request body may have: FHIR JSON, plain JSON, and JSON Patch (for PATCH). */
export const ACCEPTED_BODY_TYPES = [FHIR_JSON, 'application/json', JSON_PATCH] as const;

/** `_format` values meaning JSON (R4 §3.1.0.1.9). */
export const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);
