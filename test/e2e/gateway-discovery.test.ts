// Discovery through the gateway process: SMART configuration, CapabilityStatement security and
// patchFormat, the custom operations' OperationDefinitions, and CORS for browser apps.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import { devToken, startGatewayProcess, type RunningGateway } from '@carenet/testing';
import { createWoundCareTask } from './support/fhir-requests.js';
import { r4Validator } from './support/r4-json-schema.js';

const ALLOWED = 'https://app.example.org';
const OTHER = 'https://evil.example.net';
const RESOURCE_VALIDATE = 'http://hl7.org/fhir/OperationDefinition/Resource-validate';

/**
 * The SMART App Launch 2.x metadata (`/.well-known/smart-configuration`), as its conformance page
 * states it: `token_endpoint`, `grant_types_supported`, `capabilities` and
 * `code_challenge_methods_supported` (S256, never plain) required; URLs where URLs go.
 */
const smartConfigurationSchema = {
  type: 'object',
  required: ['token_endpoint', 'grant_types_supported', 'capabilities', 'code_challenge_methods_supported'],
  properties: {
    issuer: { type: 'string', format: 'uri' },
    jwks_uri: { type: 'string', format: 'uri' },
    authorization_endpoint: { type: 'string', format: 'uri' },
    token_endpoint: { type: 'string', format: 'uri' },
    grant_types_supported: {
      type: 'array',
      minItems: 1,
      items: { enum: ['authorization_code', 'client_credentials'] },
    },
    token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    token_endpoint_auth_signing_alg_values_supported: { type: 'array', items: { type: 'string' } },
    scopes_supported: { type: 'array', items: { type: 'string' } },
    capabilities: {
      type: 'array',
      items: {
        enum: [
          'launch-ehr',
          'launch-standalone',
          'authorize-post',
          'client-public',
          'client-confidential-symmetric',
          'client-confidential-asymmetric',
          'sso-openid-connect',
          'context-banner',
          'context-style',
          'context-ehr-patient',
          'context-ehr-encounter',
          'context-standalone-patient',
          'context-standalone-encounter',
          'permission-offline',
          'permission-online',
          'permission-patient',
          'permission-user',
          'permission-v1',
          'permission-v2',
          'smart-app-state',
        ],
      },
    },
    code_challenge_methods_supported: {
      type: 'array',
      contains: { const: 'S256' },
      not: { contains: { const: 'plain' } },
    },
  },
} as const;

/** A validator of the SMART configuration (ajv with a `uri` format: an absolute URL). */
function smartConfigurationValidator() {
  const ajv = new Ajv({ allErrors: true });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  return ajv.compile(smartConfigurationSchema);
}

describe('gateway discovery (SMART, CapabilityStatement, OperationDefinitions, CORS)', () => {
  let gateway: RunningGateway;
  let token: string;
  let validateCapabilityStatement: ValidateFunction;
  let validateOperationDefinition: ValidateFunction;

  beforeAll(async () => {
    // The slow synchronous work first (compiling the R4 schema, `carenet token`): done between two
    // requests, it would keep fetch from seeing the server close an idle keep-alive connection.
    validateCapabilityStatement = r4Validator('CapabilityStatement');
    validateOperationDefinition = r4Validator('OperationDefinition');
    gateway = await startGatewayProcess({
      dataDirPrefix: 'carenet-gateway-discovery-',
      env: { CARENET_CORS_ORIGINS: `${ALLOWED},http://localhost:3000` },
    });
    token = devToken(gateway, '--professional', '810000000001', '--profession', 'doctor');
    // Let fetch's pool notice the connections the server closed meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  afterAll(async () => {
    await gateway.stop();
  });

  it('serves the SMART configuration without a token, under the FHIR base and at the root', async () => {
    for (const path of ['/fhir/.well-known/smart-configuration', '/.well-known/smart-configuration']) {
      const response = await fetch(`${gateway.base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const document = (await response.json()) as Record<string, unknown>;
      const validate = smartConfigurationValidator();
      expect(validate.errors ?? validate(document)).toBe(true);
      expect(document).toMatchObject({
        issuer: 'http://localhost:8080/dev-issuer',
        jwks_uri: `${gateway.base.replace('127.0.0.1', 'localhost')}/dev-issuer/jwks.json`,
        token_endpoint: `${gateway.base.replace('127.0.0.1', 'localhost')}/dev-issuer/token`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['RS384', 'ES384']),
        capabilities: expect.arrayContaining(['client-confidential-asymmetric', 'permission-v2']),
      });
      expect(document.scopes_supported).toEqual(
        expect.arrayContaining(['system/*.cruds', 'user/Task.cruds', 'user/CarePlan.rs', 'patient/*.read']),
      );
    }
  });

  it('answers on the placeholder token endpoint of the dev issuer with an OAuth error naming carenet token', async () => {
    const response = await fetch(`${gateway.base}/dev-issuer/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('unsupported_grant_type');
    expect(body.error_description).toContain('carenet -- token');
  });

  it('states SMART security, CORS and JSON Patch in a CapabilityStatement valid against the R4 schema', async () => {
    const response = await fetch(`${gateway.base}/fhir/metadata`);
    expect(response.status).toBe(200);
    const statement = (await response.json()) as {
      patchFormat?: string[];
      rest: {
        security?: {
          cors?: boolean;
          service?: { coding?: { system?: string; code?: string }[] }[];
          extension?: { url: string; extension?: { url: string; valueUri?: string }[] }[];
        };
        resource: { type: string; interaction: { code: string }[]; operation?: { definition: string }[] }[];
      }[];
    };
    const validate = validateCapabilityStatement;
    expect(validate(statement) || validate.errors).toBe(true);
    expect(statement.patchFormat).toEqual(['application/json-patch+json', 'application/fhir+json']);
    const security = statement.rest[0]?.security;
    expect(security?.cors).toBe(true);
    expect(security?.service?.[0]?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
      code: 'SMART-on-FHIR',
    });
    // The dev issuer has a token endpoint and no authorization endpoint: no oauth-uris extension
    // (it requires both); clients discover the token endpoint by .well-known/smart-configuration.
    const oauth = security?.extension?.find(
      (e) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
    );
    expect(oauth).toBeUndefined();
    const types = statement.rest[0]?.resource ?? [];
    expect(types.find((r) => r.type === 'OperationDefinition')?.interaction).toEqual([{ code: 'read' }]);
  });

  it('serves the OperationDefinition of every operation the CapabilityStatement names, valid R4, without a token', async () => {
    const statement = (await (await fetch(`${gateway.base}/fhir/metadata`)).json()) as {
      rest: { resource: { type: string; operation?: { name: string; definition: string }[] }[] }[];
    };
    const listed = (statement.rest[0]?.resource ?? []).flatMap((r) =>
      (r.operation ?? []).map((o) => ({ type: r.type, ...o })),
    );
    // R4's $validate on every hosted type, named by its HL7 canonical (HL7 serves that definition).
    for (const r of statement.rest[0]?.resource ?? []) {
      if (r.type === 'OperationDefinition') continue;
      expect(r.operation).toContainEqual({ name: 'validate', definition: RESOURCE_VALIDATE });
    }
    const named = listed.filter((o) => o.definition !== RESOURCE_VALIDATE);
    expect(named.map((o) => `${o.type}/$${o.name}`).sort()).toEqual([
      'CarePlan/$record-agreement',
      'CarePlan/$validate-plan',
      'Task/$responsibility',
      'Task/$transfer',
    ]);
    const validate = validateOperationDefinition;
    for (const operation of named) {
      const id = operation.definition.split('/').at(-1) ?? '';
      const response = await fetch(`${gateway.base}/fhir/OperationDefinition/${id}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const definition = (await response.json()) as Record<string, unknown> & {
        parameter: { name: string; use: string; min: number; max: string; type?: string; part?: unknown[] }[];
      };
      expect(validate(definition) || validate.errors).toBe(true);
      expect(definition).toMatchObject({
        resourceType: 'OperationDefinition',
        id,
        url: operation.definition,
        code: operation.name,
        kind: 'operation',
        status: 'active',
        resource: [operation.type],
        system: false,
        type: false,
        instance: true,
      });
      expect(typeof definition.name).toBe('string');
      for (const parameter of definition.parameter) {
        expect(['in', 'out']).toContain(parameter.use);
        expect(Number.isInteger(parameter.min)).toBe(true);
        expect(parameter.max).toMatch(/^(\*|\d+)$/);
        // opd-1: a type, or parts.
        expect(parameter.type !== undefined || (parameter.part ?? []).length > 0).toBe(true);
      }
    }
    const unknown = await fetch(`${gateway.base}/fhir/OperationDefinition/Task-nothing`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    const write = await fetch(`${gateway.base}/fhir/OperationDefinition/Task-transfer`, { method: 'DELETE' });
    expect(write.status).toBe(405);
  });

  it('answers a preflight from an allowed origin with 204 and the CORS headers, without a token', async () => {
    const response = await fetch(`${gateway.base}/fhir/Task`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, if-none-exist, prefer',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('vary')).toMatch(/Origin/i);
    const methods = response.headers.get('access-control-allow-methods') ?? '';
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect(methods).toContain(method);
    const headers = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of [
      'authorization',
      'content-type',
      'if-match',
      'if-none-exist',
      'prefer',
      'traceparent',
    ])
      expect(headers).toContain(header);
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('exposes Location, ETag, Last-Modified and X-Request-Id on actual responses to an allowed origin', async () => {
    const response = await fetch(`${gateway.base}/fhir/Task`, {
      method: 'POST',
      headers: {
        origin: ALLOWED,
        authorization: `Bearer ${token}`,
        'content-type': 'application/fhir+json',
      },
      body: JSON.stringify({
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { text: 'Wound care' },
        for: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' } },
        owner: { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000002' } },
      }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const header of ['location', 'etag', 'last-modified', 'content-location', 'x-request-id'])
      expect(exposed).toContain(header);
    // The same origin without a token: the preflight passed, the request itself is still a 401.
    const anonymous = await fetch(`${gateway.base}/fhir/Task`, { headers: { origin: ALLOWED } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    await createWoundCareTask(gateway.base, token);
  });

  it('gives a disallowed origin no CORS header: its preflight meets the 401 of the FHIR API', async () => {
    const preflight = await fetch(`${gateway.base}/fhir/Task`, {
      method: 'OPTIONS',
      headers: { origin: OTHER, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(401);
    for (const name of [...preflight.headers.keys()]) expect(name).not.toMatch(/^access-control-/);
    const metadata = await fetch(`${gateway.base}/fhir/metadata`, { headers: { origin: OTHER } });
    expect(metadata.status).toBe(200);
    for (const name of [...metadata.headers.keys()]) expect(name).not.toMatch(/^access-control-/);
  });
});
