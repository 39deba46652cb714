import type { AuditEvent, AuditEventAgent, Coding } from 'fhir/r4.js';
import type { AccessRecordedData, Actor } from '@carenet/access';
import { carenetExtension, carenetNamingSystem } from '@carenet/fhir';

/** The reasons of use (HL7 v3 ActReason, the PurposeOfUse value set) of each purpose. */
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const PURPOSE_CODES: Readonly<Record<AccessRecordedData['purpose'], Coding>> = {
  treatment: { system: ACT_REASON, code: 'TREAT', display: 'treatment' },
  coordination: { system: ACT_REASON, code: 'COC', display: 'coordination of care' },
  emergency: { system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' },
  'patient-request': { system: ACT_REASON, code: 'PATRQT', display: 'patient requested' },
  operations: { system: ACT_REASON, code: 'HOPERAT', display: 'healthcare operations' },
};
const BREAK_THE_GLASS: Coding = { system: ACT_REASON, code: 'BTG', display: 'break the glass' };

/** The RESTful interaction (http://hl7.org/fhir/restful-interaction) and AuditEvent.action of each action. */
const INTERACTIONS: Readonly<
  Record<AccessRecordedData['action'], { readonly code: string; readonly action: AuditEvent['action'] }>
> = {
  read: { code: 'read', action: 'R' },
  vread: { code: 'vread', action: 'R' },
  history: { code: 'history', action: 'R' },
  search: { code: 'search-type', action: 'E' },
  create: { code: 'create', action: 'C' },
  update: { code: 'update', action: 'U' },
  patch: { code: 'patch', action: 'U' },
  operation: { code: 'operation', action: 'E' },
};

/** The client id of a system actor, as an identifier. */
export const CLIENT_ID_SYSTEM: string = carenetNamingSystem('client-id');

/** The AuditEvent agent of the actor who accessed the data (the requestor). */
function agentOf(actor: Actor, data: AccessRecordedData): AuditEventAgent {
  const purposeOfUse = [
    { coding: [PURPOSE_CODES[data.purpose]] },
    ...(data.flagged ? [{ coding: [BREAK_THE_GLASS] }] : []),
  ];
  switch (actor.kind) {
    case 'professional':
      return {
        type: {
          coding: [
            {
              system: 'http://dicom.nema.org/resources/ontology/DCM',
              code: '110153',
              display: 'Source Role ID',
            },
          ],
        },
        role: [{ coding: [{ ...actor.profession }] }],
        who: {
          type: 'Practitioner',
          identifier: { ...actor.identifier },
          ...(actor.name !== undefined && { display: actor.name }),
        },
        requestor: true,
        purposeOfUse,
      };
    case 'patient':
      return {
        who: { type: 'Patient', identifier: { ...actor.identifier } },
        requestor: true,
        purposeOfUse,
      };
    case 'system':
      return {
        who: { type: 'Device', identifier: { system: CLIENT_ID_SYSTEM, value: actor.clientId } },
        requestor: true,
        purposeOfUse,
      };
  }
}

/**
 * The FHIR R4 AuditEvent of one audit record (IHE BALP-like): a RESTful operation (`subtype`: the
 * interaction), `action` R/C/U/E, `recorded` the access's instant, `outcome` 0 when permitted and
 * 4 when denied with the decision's reason in `outcomeDesc`, the requestor agent (who, by national
 * identifier, with the purpose of use, BTG for an emergency access), the service as `source`, and
 * two entities: the resource accessed (`Task/t-1`, its version in `what.display` when known,
 * so that the `entity` search finds every access to it) and the patient it is about (role 1, by
 * identifier). `id`: the record's event id (`ce_id`).
 */
export function auditEventOf(id: string, data: AccessRecordedData): AuditEvent {
  const interaction = INTERACTIONS[data.action];
  const extension = [
    ...(data.basis !== undefined ? [{ url: AUDIT_BASIS_EXTENSION, valueCode: data.basis }] : []),
    ...(data.source !== undefined ? [{ url: AUDIT_SOURCE_EXTENSION, valueString: data.source }] : []),
  ];
  return {
    resourceType: 'AuditEvent',
    id,
    ...(data.flagged && { meta: { security: [BREAK_THE_GLASS] } }),
    ...(extension.length > 0 && { extension }),
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
      code: 'rest',
      display: 'RESTful Operation',
    },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: interaction.code }],
    action: interaction.action,
    recorded: data.at,
    outcome: data.outcome === 'permitted' ? '0' : '4',
    outcomeDesc:
      data.breakGlassReason === undefined
        ? data.reason
        : `${data.reason} (declared: ${data.breakGlassReason})`,
    purposeOfEvent: [
      { coding: [PURPOSE_CODES[data.purpose]] },
      ...(data.flagged ? [{ coding: [BREAK_THE_GLASS] }] : []),
    ],
    agent: [agentOf(data.agent, data)],
    source: {
      site: data.service,
      observer: { display: `carenet ${data.service}` },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    entity: [
      {
        what: {
          reference: `${data.entity.type}/${data.entity.id}`,
          type: data.entity.type,
          ...(data.entity.versionId !== undefined && { display: `version ${data.entity.versionId}` }),
        },
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '2',
          display: 'System Object',
        },
      },
      {
        what: { type: 'Patient', identifier: { ...data.patient } },
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '1',
          display: 'Person',
        },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
      },
    ],
  };
}

/** The access decision's basis of a permitted access (a code of @carenet/access PermitBasis). */
export const AUDIT_BASIS_EXTENSION: string = carenetExtension('access-basis');
/** What granted the access (`CareTeam/ct-1`, `Consent/c-1`). */
export const AUDIT_SOURCE_EXTENSION: string = carenetExtension('access-source');
