// Data minimisation in the logs (issue 18): a gateway process (embedded mode, PGlite) serves a
// small scenario and a run of malformed requests, all carrying a patient's INS, a business
// identifier and clinical free text; its whole log (debug level) then contains none of them, and
// says who did what (the caller's identifier, method, path, status).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { devToken, startGatewayProcess, type RunningGateway } from '@carenet/testing';
import { fhirCall } from './support/fhir-requests.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
/** What must never reach the log. */
const PATIENT_INS = '184127645108946';
const OTHER_INS = '290052A01234567';
const EHR_ID = 'ehr-order-73519';
const NOTE = 'Patient HIV+, wear gloves';
const DESCRIPTION = 'Dressing of the left leg ulcer';
const SECRETS = [PATIENT_INS, OTHER_INS, EHR_ID, NOTE, DESCRIPTION, 'HIV', 'ulcer'];

const task = (ins: string) => ({
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  identifier: [{ system: 'https://ehr.example/orders', value: EHR_ID }],
  code: { text: 'Wound care' },
  description: DESCRIPTION,
  for: { identifier: { system: INS, value: ins } },
  owner: { identifier: { system: IDNPS, value: '810000000002' } },
  note: [{ text: NOTE }],
});

describe('the logs say who did what, never patient identifiers or clinical text', () => {
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    gateway = await startGatewayProcess({
      dataDirPrefix: 'carenet-log-minimisation-',
      env: { CARENET_LOG_LEVEL: 'debug' },
    });
    token = devToken(gateway, '--professional', '810000000001', '--profession', 'doctor');
  });
  afterAll(async () => {
    await gateway.stop();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fhirCall(gateway.base, token, method, path, body);

  async function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
    const response = await fetch(`${gateway.base}/fhir/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body !== undefined && { body }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('a scenario and its malformed requests leave none of them in the log', async () => {
    const created = await call('POST', 'Task', task(PATIENT_INS));
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const statuses = [
      (await call('GET', `Task?patient:identifier=${encodeURIComponent(`${INS}|${PATIENT_INS}`)}`)).status,
      (await call('GET', `Task?identifier=${EHR_ID}&_count=5`)).status,
      (await call('GET', `Task?_content=${encodeURIComponent(NOTE)}`)).status,
      (await call('GET', `Task?patient:identifier=${PATIENT_INS}&_cursor=forged`)).status,
      await raw(
        'POST',
        'Task',
        {
          'content-type': 'application/fhir+json',
          'if-none-exist': `identifier=https://ehr.example/orders|${EHR_ID}`,
        },
        JSON.stringify(task(PATIENT_INS)),
      ),
      // Refused bodies: the patient and the note are in them.
      (await call('POST', 'Task', { ...task(OTHER_INS), intent: 'bogus' })).status,
      (
        await call('POST', 'Task', {
          ...task(OTHER_INS),
          for: { identifier: { system: 'urn:x', value: OTHER_INS } },
        })
      ).status,
      (await call('PUT', `Task/${id}`, { ...task(OTHER_INS), id })).status,
      await raw(
        'POST',
        'Task',
        { 'content-type': 'application/fhir+json' },
        `{"resourceType":"Task","note":[{"text":"${NOTE}"}],`,
      ),
      await raw(
        'POST',
        'Task',
        { 'content-type': 'application/fhir+json' },
        JSON.stringify({ ...task(OTHER_INS), description: `${DESCRIPTION}\u0000` }),
      ),
      (
        await call('PATCH', `Task/${id}`, [
          { op: 'replace', path: '/for/identifier/value', value: OTHER_INS },
        ])
      ).status,
      (
        await call('POST', 'Task/$validate', {
          resourceType: 'Parameters',
          parameter: [{ name: 'resource', resource: task(OTHER_INS) }],
        })
      ).status,
    ];
    expect(statuses.every((status) => status < 500)).toBe(true);

    const log = gateway.logs();
    const found = SECRETS.filter((secret) => log.includes(secret));
    expect(found).toEqual([]);
    // Who did what: the caller by professional identifier, the request without its values.
    const lines = log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) =>
          JSON.parse(line) as {
            caller?: string;
            req?: { method?: string; url?: string };
            res?: { statusCode?: number };
          },
      );
    const created201 = lines.find((line) => line.req?.method === 'POST' && line.res?.statusCode === 201);
    expect(created201?.caller).toBe(`professional ${IDNPS}|810000000001`);
    const urls = lines.flatMap((line) => (line.req?.url === undefined ? [] : [line.req.url]));
    expect(urls).toContain('/fhir/Task?patient%3Aidentifier=[redacted]');
    expect(urls).toContain('/fhir/Task?identifier=[redacted]&_count=5');
  });
});
