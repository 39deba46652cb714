// Parsing of batch and transaction Bundles (POST [base]): what is wrong with the Bundle refuses it,
// what is wrong with one entry is that entry's error.
import { describe, expect, it } from '@jest/globals';
import { FhirError } from '../../src/outcomes.js';
import { parseBundleRequest, transactionOrder } from '../../src/server/bundle-request.js';

const BASE = 'https://carenet.example.org/fhir';

function refusal(body: unknown, max = 100): FhirError {
  try {
    parseBundleRequest(body, BASE, max);
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseBundleRequest', () => {
  it('refuses what is not a batch or transaction Bundle, naming the element', () => {
    expect(refusal({ resourceType: 'Task' }).outcome.issue[0]?.expression).toEqual(['Bundle.resourceType']);
    const collection = refusal({ resourceType: 'Bundle', type: 'collection' });
    expect([collection.status, collection.outcome.issue[0]?.expression]).toEqual([400, ['Bundle.type']]);
    expect(refusal({ resourceType: 'Bundle', type: 'batch', entry: {} }).status).toBe(400);
  });

  it('refuses more entries than the limit with 413', () => {
    const entry = Array.from({ length: 4 }, () => ({ request: { method: 'GET', url: 'Task/1' } }));
    expect(refusal({ resourceType: 'Bundle', type: 'batch', entry }, 3).status).toBe(413);
    expect(
      parseBundleRequest({ resourceType: 'Bundle', type: 'batch', entry }, BASE, 4).entries,
    ).toHaveLength(4);
  });

  it('parses relative and absolute URLs: read, vread, search, conditional update', () => {
    const { type, entries } = parseBundleRequest(
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'GET', url: 'Task/abc' } },
          { request: { method: 'GET', url: `${BASE}/Task/abc/_history/2` } },
          { request: { method: 'GET', url: '/Task?status=requested&_count=5' } },
          {
            fullUrl: 'urn:uuid:x',
            resource: { resourceType: 'Task' },
            request: { method: 'PUT', url: 'Task?identifier=a|b', ifMatch: 'W/"1"' },
          },
        ],
      },
      BASE,
      100,
    );
    expect(type).toBe('transaction');
    const requests = entries.map((e) => (e.ok ? e.request : undefined));
    expect(requests.map((r) => [r?.method, r?.type, r?.id, r?.versionId, r?.query.toString()])).toEqual([
      ['GET', 'Task', 'abc', undefined, ''],
      ['GET', 'Task', 'abc', '2', ''],
      ['GET', 'Task', undefined, undefined, 'status=requested&_count=5'],
      ['PUT', 'Task', undefined, undefined, 'identifier=a%7Cb'],
    ]);
    expect([requests[3]?.fullUrl, requests[3]?.ifMatch]).toEqual(['urn:uuid:x', 'W/"1"']);
  });

  it('makes a bad entry its own error, with the element named, and keeps the others', () => {
    const { entries } = parseBundleRequest(
      {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { request: { method: 'HEAD', url: 'Task/1' } },
          { request: { method: 'POST', url: 'Task' } },
          { request: { method: 'DELETE', url: 'Task?status=draft' } },
          { request: { method: 'GET', url: 'Task/1/$everything' } },
          { request: { method: 'PUT', url: 'Task/1/_history/2' }, resource: { resourceType: 'Task' } },
          'not an entry',
          { request: { method: 'GET', url: 'Task/%ZZ' } },
          { request: { method: 'GET', url: 'Task/1' } },
        ],
      },
      BASE,
      100,
    );
    const errors = entries.map((e) =>
      e.ok ? undefined : [e.index, e.error.status, e.error.outcome.issue[0]?.expression],
    );
    expect(errors).toEqual([
      [0, 400, ['Bundle.entry[0].request.method']],
      [1, 400, ['Bundle.entry[1].resource']],
      [2, 400, ['Bundle.entry[2].request.url']],
      [3, 400, ['Bundle.entry[3].request.url']],
      [4, 400, ['Bundle.entry[4].request.url']],
      [5, 400, ['Bundle.entry[5]']],
      [6, 400, ['Bundle.entry[6].request.url']],
      undefined,
    ]);
  });

  it('orders a transaction as R4 says: DELETE, POST, PUT and PATCH, GET', () => {
    const methods = ['GET', 'PATCH', 'POST', 'PUT', 'DELETE'] as const;
    expect([...methods].sort((a, b) => transactionOrder(a) - transactionOrder(b))).toEqual([
      'DELETE',
      'POST',
      'PATCH',
      'PUT',
      'GET',
    ]);
  });
});
