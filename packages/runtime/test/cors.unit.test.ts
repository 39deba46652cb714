import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { corsMiddleware } from '../src/http/cors.js';

/** Runs the middleware on a request; what it answered (headers, status, ended) or that it passed it on. */
function run(origins: readonly string[], method: string, headers: Record<string, string>) {
  const middleware = corsMiddleware(origins);
  if (middleware === undefined) throw new Error('no CORS middleware');
  const set: Record<string, string> = {};
  const answer = { headers: set, statusCode: 200, ended: false, passedOn: false };
  const res = {
    setHeader(name: string, value: string | number) {
      set[name.toLowerCase()] = String(value);
    },
    getHeader(name: string) {
      return set[name.toLowerCase()];
    },
    end() {
      answer.ended = true;
    },
    set statusCode(code: number) {
      answer.statusCode = code;
    },
  } as unknown as Response;
  const req = { method, headers } as unknown as Request;
  middleware(req, res, () => {
    answer.passedOn = true;
  });
  return answer;
}

describe('CORS', () => {
  it('is off without origins', () => {
    expect(corsMiddleware([])).toBeUndefined();
  });

  it('answers the preflight of an allowed origin with 204 and reflects the origin', () => {
    const answer = run(['https://app.example.org'], 'OPTIONS', {
      origin: 'https://app.example.org',
      'access-control-request-method': 'PATCH',
    });
    expect(answer).toMatchObject({ statusCode: 204, ended: true, passedOn: false });
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.org',
      'access-control-max-age': '7200',
      vary: 'Origin',
    });
    expect(answer.headers['access-control-allow-methods']).toContain('PATCH');
    expect(answer.headers['access-control-allow-headers']).toContain('If-None-Exist');
    expect(answer.headers['access-control-allow-headers']).toContain('X-Carenet-Break-Glass');
  });

  it('matches origins without regard to case, and exposes the FHIR headers on actual requests', () => {
    const answer = run(['https://App.Example.org'], 'GET', { origin: 'https://app.example.org' });
    expect(answer.passedOn).toBe(true);
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.org');
    expect(answer.headers['access-control-expose-headers']).toBe(
      'Location,Content-Location,ETag,Last-Modified,X-Request-Id,WWW-Authenticate,Retry-After',
    );
  });

  it('allows any origin with * (no credentials)', () => {
    const answer = run(['*'], 'OPTIONS', { origin: 'https://anywhere.example' });
    expect(answer.statusCode).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('leaves another origin, or a request without one, untouched', () => {
    for (const headers of [{ origin: 'https://evil.example.net' }, {}]) {
      const answer = run(['https://app.example.org'], 'OPTIONS', headers);
      expect(answer).toMatchObject({ passedOn: true, ended: false, headers: {} });
    }
  });
});
