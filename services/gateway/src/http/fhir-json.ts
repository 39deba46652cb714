import type { Response } from 'express';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Sends a FHIR resource as `application/fhir+json`. */
export function sendFhir(res: Response, status: number, resource: object): void {
  res.status(status).type(FHIR_JSON).send(JSON.stringify(resource));
}
