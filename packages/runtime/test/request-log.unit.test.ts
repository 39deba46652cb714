import { describe, expect, it } from '@jest/globals';
import { callerOf, redactedUrl, serializeError } from '../src/http/request-log.js';

describe('request log minimisation', () => {
  it('keeps parameter names, and values only of parameters that cannot name a patient', () => {
    expect(
      redactedUrl(
        '/fhir/Task?patient:identifier=urn:oid:1.2.250.1.213.1.4.8|184127645108946&status=requested&_count=20',
      ),
    ).toBe('/fhir/Task?patient%3Aidentifier=[redacted]&status=requested&_count=20');
    expect(redactedUrl('/fhir/Task?_content=HIV&description:contains=ulcer')).toBe(
      '/fhir/Task?_content=[redacted]&description%3Acontains=[redacted]',
    );
    expect(redactedUrl('/fhir/Task/abc/_history')).toBe('/fhir/Task/abc/_history');
  });

  it('names the caller: a professional or system by identifier, a patient as "patient" only', () => {
    expect(
      callerOf({
        actor: { kind: 'professional', identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '8100' } },
      }),
    ).toBe('professional urn:oid:1.2.250.1.71.4.2.1|8100');
    expect(callerOf({ actor: { kind: 'system', clientId: 'ehr-1' } })).toBe('system ehr-1');
    expect(
      callerOf({
        actor: { kind: 'patient', identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '1841' } },
      }),
    ).toBe('patient');
    expect(callerOf(undefined)).toBeUndefined();
  });

  it("drops the statement's values a driver attaches to an error", () => {
    const error = Object.assign(new Error('invalid input syntax'), {
      code: '22P02',
      params: ['{"note":[{"text":"Patient HIV+"}]}'],
      detail: 'Key (id)=(184127645108946) already exists.',
    });
    const logged = serializeError(error) as unknown as Record<string, unknown>;
    expect(logged).toMatchObject({ type: 'Error', message: 'invalid input syntax', code: '22P02' });
    expect(JSON.stringify(logged)).not.toMatch(/HIV|184127645108946/);
  });
});
