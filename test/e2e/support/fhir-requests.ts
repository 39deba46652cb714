// FHIR requests to a gateway process over HTTP, with a bearer token (from `devToken`).
import { expect } from '@jest/globals';

/** One FHIR call with a bearer token: a JSON Patch when `body` is an array, FHIR JSON otherwise. */
export async function fhirCall(base: string, bearer: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}/fhir/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body !== undefined && {
        'content-type': Array.isArray(body) ? 'application/json-patch+json' : 'application/fhir+json',
      }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Wound care for patient 279035121518989, requested of nurse 810000000002. */
const woundCareTask = {
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  code: { text: 'Wound care' },
  for: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' } },
  owner: { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000002' } },
} as const;

/** POSTs `woundCareTask` to the gateway at `base`, expects 201, and returns the new Task's id. */
export async function createWoundCareTask(base: string, bearer: string): Promise<string> {
  const created = await fetch(`${base}/fhir/Task`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(woundCareTask),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}
