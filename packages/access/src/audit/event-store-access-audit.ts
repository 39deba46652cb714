import { randomUUID } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';
import type { EventStore, JsonObject, NewEvent } from '@carenet/eventsourcing';
import type { AccessAudit, AuditedAccess, Principal } from '@carenet/fhir';
import { actorOf } from '../access-principal.js';
import type { Actor } from '../actor.js';
import type { AccessPurpose } from '../decision/access-decision.js';
import { patientKeyOfResource } from '../facts/patient-key-of-resource.js';
import { ACCESS_AUDIT_CATEGORY, type AccessRecordedData } from './access-recorded.js';

export interface EventStoreAccessAuditOptions {
  /** Where the records are appended (their relay publishes them on `carenet.audit`). */
  readonly store: EventStore;
  /** The service serving a resource type (`Task` → `tasks`). */
  readonly serviceOf: (resourceType: string) => string;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** The purpose of an access: an emergency, a patient's own request, administration, else care. */
function purposeOf(actor: Actor, access: AuditedAccess): AccessPurpose {
  if (access.breakGlass !== undefined || access.grant?.basis === 'break-glass') return 'emergency';
  if (actor.kind === 'patient') return 'patient-request';
  if (actor.kind === 'system' && actor.administrator === true) return 'operations';
  return 'treatment';
}

/** The audit record of one access, or null when the resource is about no patient. */
export function accessRecordOf(
  actor: Actor,
  access: AuditedAccess,
  service: string,
  at: string,
): AccessRecordedData | null {
  const resource: Resource = access.resource;
  // The access log itself is not audited: its reads would fill the log they read.
  if (resource.resourceType === 'AuditEvent') return null;
  const key = patientKeyOfResource(resource);
  if (key === null) return null;
  const bar = key.indexOf('|');
  const patient =
    bar < 0 ? { system: '', value: key } : { system: key.slice(0, bar), value: key.slice(bar + 1) };
  const { grant } = access;
  return {
    service,
    action: access.action,
    outcome: access.outcome,
    ...(grant !== undefined && { basis: grant.basis }),
    ...(grant?.source !== undefined && { source: grant.source }),
    reason: access.reason,
    purpose: purposeOf(actor, access),
    flagged: grant?.flagged === true,
    ...(access.breakGlass !== undefined && { breakGlassReason: access.breakGlass }),
    agent: actor,
    entity: {
      type: resource.resourceType,
      id: resource.id ?? '',
      ...(resource.meta?.versionId !== undefined && { versionId: resource.meta.versionId }),
    },
    patient,
    at,
  };
}

/**
 * The audit of a router's accesses in an event store (issue 18): the accesses of one request about
 * patients are appended together as `AccessRecorded` events of a new stream `AccessAudit-<id>`
 * (one transaction, before the router answers), which the store's relay publishes on
 * `carenet.audit` (at least once, in the order of the log). Accesses without an authenticated
 * caller (a router without authenticator) and resources about no patient are not recorded.
 */
export function eventStoreAccessAudit(options: EventStoreAccessAuditOptions): AccessAudit {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  return {
    async record(principal: Principal | undefined, accesses: readonly AuditedAccess[]): Promise<void> {
      if (principal === undefined) return;
      const actor = actorOf(principal);
      const at = now().toISOString();
      const events: NewEvent[] = [];
      for (const access of accesses) {
        const data = accessRecordOf(actor, access, options.serviceOf(access.resource.resourceType), at);
        if (data !== null)
          events.push({ id: newId(), type: 'AccessRecorded', data: data as unknown as JsonObject });
      }
      if (events.length === 0) return;
      await options.store.append(`${ACCESS_AUDIT_CATEGORY}-${newId()}`, events, 'no-stream');
    },
  };
}
