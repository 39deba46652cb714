// The published event contracts (issue 20): the AsyncAPI document and the JSON Schemas it
// references, served without a token, and nothing else of the contracts folder.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { contractsRouter } from '../src/http/contracts-routes.js';

describe('the event contracts served by the gateway', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use(contractsRouter());
    app.use((_req, res) => {
      res.status(404).json({ error: 'not found' });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it('serves /asyncapi.yaml, and every schema it references resolves against the same base', async () => {
    const answer = await fetch(`${base}/asyncapi.yaml`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/yaml');
    const text = await answer.text();
    expect(text).toMatch(/^asyncapi: 3\.0\.0$/m);
    const references = [
      ...new Set([...text.matchAll(/\$ref: '(\.\/events\/[^']+)'/g)].map((m) => m[1] ?? '')),
    ];
    expect(references.length).toBeGreaterThan(50);
    for (const reference of references) {
      const schema = await fetch(new URL(reference, `${base}/asyncapi.yaml`));
      expect([reference, schema.status]).toEqual([reference, 200]);
      expect(((await schema.json()) as { $id?: string }).$id).toMatch(/\.schema\.json$/);
    }
  });

  it('serves nothing else of the contracts folder', async () => {
    for (const path of [
      '/events/README.md',
      '/events/../package.json',
      '/events/%2e%2e/package.json',
      '/events/tasks/TaskRequested.v9.schema.json',
      '/events/tasks/../../released.lock.json',
    ]) {
      expect([path, (await fetch(`${base}${path}`)).status]).toEqual([path, 404]);
    }
  });
});
