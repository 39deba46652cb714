import express, { type RequestHandler } from 'express';
import {
  badRequest,
  notAcceptable,
  payloadTooLarge,
  unsupportedMediaType,
  type FhirError,
} from '../outcomes.js';
import { ACCEPTED_BODY_TYPES, JSON_FORMATS } from './media-types.js';

/** Whether an Accept header admits JSON (FHIR JSON, JSON, or a wildcard). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept?.trim()) return true;
  return accept.split(',').some((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) return false;
    return (
      range === '*/*' ||
      range === 'application/*' ||
      range === 'application/json' ||
      range === 'application/fhir+json' ||
      range.endsWith('+json')
    );
  });
}

/**
 * 406 when the client wants neither JSON nor FHIR JSON (`_format` wins over `Accept`, as the
 * spec says); XML is not served.
 */
export const negotiateJson: RequestHandler = (req, _res, next) => {
  const format = typeof req.query._format === 'string' ? req.query._format.toLowerCase() : undefined;
  if (format !== undefined) {
    next(
      JSON_FORMATS.has(format) ? undefined : notAcceptable(`_format=${format} is not supported: only JSON`),
    );
    return;
  }
  next(acceptsJson(req.headers.accept) ? undefined : notAcceptable('only application/fhir+json is served'));
};

/**
 * Parses FHIR JSON bodies up to `limit` (413 beyond), refuses other content types (415) and
 * malformed JSON (400). Requests without a body pass through.
 */
export function fhirJsonBody(limit: string | number): RequestHandler[] {
  const parse = express.json({ limit, type: [...ACCEPTED_BODY_TYPES], strict: false });
  const checkType: RequestHandler = (req, _res, next) => {
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) {
      next();
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    next(
      (ACCEPTED_BODY_TYPES as readonly string[]).includes(type)
        ? undefined
        : unsupportedMediaType(
            `content type "${type || 'none'}" is not supported: send application/fhir+json`,
          ),
    );
  };
  return [checkType, parse];
}

/**
 * A body that does not decompress as its `Content-Encoding` says (a bogus `gzip`, `deflate`,
 * `br`): body-parser passes zlib's or brotli's error on as a 400 without a `type`, recognisable by
 * the stream's numeric `errno` (no other error reaches the edge with status 400 and an errno).
 */
function isDecompressionError(error: object): error is Error {
  const { status, errno } = error as { status?: unknown; errno?: unknown };
  return error instanceof Error && status === 400 && typeof errno === 'number';
}

/** Body-parser errors, as FHIR errors (called by the error handler). */
export function bodyParserError(error: unknown): FhirError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if (isDecompressionError(error)) {
    return badRequest(
      `the request body does not decompress as its Content-Encoding says (${error.message.slice(0, 100)}): ` +
        'send it uncompressed, or compressed as declared',
    );
  }
  if (!('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return payloadTooLarge('the request body is larger than the server accepts');
    case 'entity.parse.failed':
      return badRequest('the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return unsupportedMediaType('unsupported body encoding or charset: send UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
      return badRequest('the request body is incomplete');
    default:
      return undefined;
  }
}
