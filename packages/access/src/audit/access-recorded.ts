import type { Actor, ActorIdentifier } from '../actor.js';
import type { AccessPurpose } from '../decision/access-decision.js';

/**
 * The stream category of the audit records (`AccessAudit-<id>`, one stream per request's
 * accesses): published on `carenet.audit`, stored by shared-info as FHIR AuditEvents.
 */
export const ACCESS_AUDIT_CATEGORY = 'AccessAudit';

/**
 * What was done (FHIR AuditEvent.action: R read, C create, U update, E execute for a search or an
 * operation on a resource, such as `Task/<id>/$responsibility` or `$transfer`).
 */
export type AccessAction =
  'read' | 'vread' | 'history' | 'search' | 'create' | 'update' | 'patch' | 'operation';

/**
 * One access to a patient's data (event `AccessRecorded`, contract
 * `carenet.audit.AccessRecorded.v1`): who, what resource, which patient, the action, its outcome,
 * the decision's basis and reason, the purpose, when, and which service.
 */
export interface AccessRecordedData {
  /** The service that served the resource (`tasks`, `care-plans`, `shared-info`). */
  readonly service: string;
  readonly action: AccessAction;
  readonly outcome: 'permitted' | 'denied';
  /** The access decision's basis when permitted (`care-team`, `consent`, `break-glass`…). */
  readonly basis?: string;
  /** What grants it (`CareTeam/ct-1`, `Consent/c-1`), when a fact does. */
  readonly source?: string;
  readonly reason: string;
  readonly purpose: AccessPurpose;
  /** An emergency (break-glass) access: to be reviewed. */
  readonly flagged: boolean;
  /** The emergency reason the caller declared. */
  readonly breakGlassReason?: string;
  readonly agent: Actor;
  /** The resource accessed (its version when known). */
  readonly entity: { readonly type: string; readonly id: string; readonly versionId?: string };
  /** The patient the resource is about (`system|value` of the access facts, split). */
  readonly patient: ActorIdentifier;
  /** The instant of the access. */
  readonly at: string;
}

export interface AccessRecorded {
  readonly type: 'AccessRecorded';
  readonly data: AccessRecordedData;
}
