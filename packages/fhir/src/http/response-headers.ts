import type { RequestHandler } from 'express';

/**
 * Headers on every FHIR response, success or error: a browser never sniffs a FHIR body into
 * something else (HTML, script), and no cache (browser, proxy) keeps patient data.
 */
export const FHIR_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** Sets `FHIR_RESPONSE_HEADERS` before anything answers. */
export const fhirResponseHeaders: RequestHandler = (_req, res, next) => {
  res.set(FHIR_RESPONSE_HEADERS);
  next();
};
