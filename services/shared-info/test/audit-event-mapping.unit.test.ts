// The audit record of an access and its AuditEvent (issue 18): the record the router's audit makes
// is valid against its contract (closed, patient and agent marked personal data), and the
// AuditEvent shared-info keeps of it is valid R4, about the right patient, flagged when it is an
// emergency access.
import { describe, expect, it } from '@jest/globals';
import type { Resource } from 'fhir/r4.js';
import { accessRecordOf, patientKeyOfResource, type AccessRecordedData, type Actor } from '@carenet/access';
import { loadContractRegistry, PERSONAL_DATA_KEYWORD } from '@carenet/contracts';
import { createResourceValidator } from '@carenet/fhir';
import { auditEventOf } from '../src/audit/index.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const AT = '2026-06-01T08:00:00.000Z';
const worker: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '880000000001' },
  profession: {
    system: 'https://carenet.example.org/fhir/CodeSystem/test-profession',
    code: 'social-worker',
  },
  sector: 'social',
  name: 'S',
};
const plan: Resource = {
  resourceType: 'CarePlan',
  id: 'ppcs-1',
  meta: { versionId: '2' },
  status: 'active',
  intent: 'plan',
  subject: { identifier: { system: INS, value: '279035121518989' } },
} as Resource;

const contracts = loadContractRegistry();
const validator = createResourceValidator({ types: ['AuditEvent'] });

function recordOf(access: Parameters<typeof accessRecordOf>[1], actor: Actor = worker): AccessRecordedData {
  const record = accessRecordOf(actor, access, 'care-plans', AT);
  if (record === null) throw new Error('no record');
  return record;
}

describe('the audit record of an access and its AuditEvent', () => {
  const denied = recordOf({
    action: 'read',
    resource: plan,
    outcome: 'denied',
    reason: 'CarePlan/ppcs-1 is not shown to you: not in the care team',
  });
  const emergency = recordOf({
    action: 'read',
    resource: plan,
    outcome: 'permitted',
    reason: 'emergency access: unconscious',
    grant: { basis: 'break-glass', reason: 'emergency access: unconscious', flagged: true },
    breakGlass: 'unconscious',
  });
  const own = recordOf(
    { action: 'search', resource: plan, outcome: 'permitted', reason: 'a hit' },
    { kind: 'patient', identifier: { system: INS, value: '279035121518989' } },
  );

  it('is valid against carenet.audit.AccessRecorded.v1, closed, personal data marked', () => {
    for (const record of [denied, emergency, own]) {
      expect(contracts.validate('carenet.audit.AccessRecorded.v1', record)).toEqual({ ok: true });
    }
    expect(contracts.validate('carenet.audit.AccessRecorded.v1', { ...denied, extra: 1 })).toMatchObject({
      ok: false,
    });
    const schema = contracts.contracts.find((c) => c.ceType === 'carenet.audit.AccessRecorded.v1')
      ?.schema as {
      $defs: Record<string, Record<string, unknown>>;
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.$defs.PatientKey?.[PERSONAL_DATA_KEYWORD]).toBe(true);
    expect(schema.$defs.Actor?.[PERSONAL_DATA_KEYWORD]).toBe(true);
    expect(schema.properties.breakGlassReason?.[PERSONAL_DATA_KEYWORD]).toBe(true);
  });

  it('records the purpose, the flag and the patient; nothing for a resource about no patient', () => {
    expect([denied.purpose, denied.flagged, denied.outcome]).toEqual(['treatment', false, 'denied']);
    expect([emergency.purpose, emergency.flagged, emergency.basis]).toEqual([
      'emergency',
      true,
      'break-glass',
    ]);
    expect(own.purpose).toBe('patient-request');
    expect(denied.patient).toEqual({ system: INS, value: '279035121518989' });
    expect(denied.entity).toEqual({ type: 'CarePlan', id: 'ppcs-1', versionId: '2' });
    const team = { resourceType: 'CareTeam', id: 'ct-1' } as Resource;
    expect(
      accessRecordOf(worker, { action: 'read', resource: team, outcome: 'permitted', reason: 'r' }, 'x', AT),
    ).toBeNull();
  });

  it('becomes a valid R4 AuditEvent about the patient, flagged BTG when an emergency', () => {
    for (const [id, record] of [
      ['a-1', denied],
      ['a-2', emergency],
      ['a-3', own],
    ] as const) {
      const event = auditEventOf(id, record);
      const result = validator.validate(event, { type: 'AuditEvent' });
      expect(result.ok ? [] : result.issues).toEqual([]);
      expect(patientKeyOfResource(event)).toBe(`${INS}|279035121518989`);
    }
    expect(auditEventOf('a-1', denied)).toMatchObject({ outcome: '4', action: 'R' });
    expect(auditEventOf('a-1', denied).meta).toBeUndefined();
    expect(auditEventOf('a-2', emergency).meta?.security?.map((s) => s.code)).toEqual(['BTG']);
    // A patient named by literal reference only: the AuditEvent keeps the same key.
    const literal = { ...plan, subject: { reference: 'Patient/p-1' } } as Resource;
    const byReference = recordOf({ action: 'read', resource: literal, outcome: 'denied', reason: 'r' });
    expect(patientKeyOfResource(auditEventOf('a-4', byReference))).toBe(patientKeyOfResource(literal));
    expect(auditEventOf('a-3', own)).toMatchObject({ action: 'E', agent: [{ who: { type: 'Patient' } }] });
  });
});
