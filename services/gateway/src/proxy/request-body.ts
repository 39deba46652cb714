import type { Request, Response } from 'express';
import { badRequest, payloadTooLarge } from '@carenet/fhir';

/** The services' body limit (their FHIR routers' default, express's `1mb`): 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Whether the request says it has a body (a length above 0, or chunked). */
export function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The request body as it came (still encoded as its `Content-Encoding` says), read whole up to
 * `limit` bytes: 413 beyond, at once when `Content-Length` says so, else as soon as the bytes
 * read pass the limit (the rest is not read: the connection closes after the answer). Read whole
 * so that an idempotent request can be sent again after a refused connection; 1 MiB at most, it
 * costs the gateway little.
 */
export function readBoundedBody(req: Request, res: Response, limit: number): Promise<Buffer | undefined> {
  if (!hasBody(req)) return Promise.resolve(undefined);
  const tooLarge = () => {
    res.setHeader('Connection', 'close');
    return payloadTooLarge(`the request body is larger than the server accepts (${limit} bytes)`);
  };
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = () => {
      stop();
      reject(badRequest('the request body is incomplete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}
