import type { Response } from 'express';
import { FHIR_JSON } from './media-types.js';

/** Sends JSON text (a FHIR resource) as `application/fhir+json; charset=utf-8`. */
export function sendFhirJson(
  res: Response,
  status: number,
  json: string,
  headers: Record<string, string> = {},
): void {
  res.status(status).set(headers).type(`${FHIR_JSON}; charset=utf-8`).send(json);
}

/** Sends a FHIR resource as `application/fhir+json; charset=utf-8`. */
export function sendFhir(
  res: Response,
  status: number,
  resource: object,
  headers: Record<string, string> = {},
): void {
  sendFhirJson(res, status, JSON.stringify(resource), headers);
}
