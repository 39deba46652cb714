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

/** Events of one append at most (a search page of 100 hits is 100; a batch takes whole requests). */
const MAX_BATCH_EVENTS = 1_000;

interface Pending {
  readonly events: readonly NewEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The audit of a router's accesses in an event store (issue 18): the accesses of each request about
 * patients become `AccessRecorded` events, appended before the router answers (`record` resolves
 * once they are committed), which the store's relay publishes on `carenet.audit` (at least once,
 * in the order of the log). Group commit: while one append is in flight, the records of the
 * requests that arrive meanwhile wait and go together in the next one (a new stream
 * `AccessAudit-<id>` per append, up to MAX_BATCH_EVENTS events): under load one transaction
 * carries many requests' records, and an idle service appends at once. A failed append fails the
 * requests of its batch only. Accesses without an authenticated caller (a router without
 * authenticator) and resources about no patient are not recorded.
 */
export function eventStoreAccessAudit(options: EventStoreAccessAuditOptions): AccessAudit {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  let queue: Pending[] = [];
  let flushing = false;

  /** The next batch: whole requests, up to MAX_BATCH_EVENTS events (one request at least). */
  function nextBatch(): Pending[] {
    let events = 0;
    let taken = 0;
    while (taken < queue.length) {
      const size = queue[taken]?.events.length ?? 0;
      if (taken > 0 && events + size > MAX_BATCH_EVENTS) break;
      events += size;
      taken++;
    }
    const batch = queue.slice(0, taken);
    queue = queue.slice(taken);
    return batch;
  }

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = nextBatch();
        try {
          await options.store.append(
            `${ACCESS_AUDIT_CATEGORY}-${newId()}`,
            batch.flatMap((pending) => pending.events),
            'no-stream',
          );
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    record(principal: Principal | undefined, accesses: readonly AuditedAccess[]): Promise<void> {
      if (principal === undefined) return Promise.resolve();
      const actor = actorOf(principal);
      const at = now().toISOString();
      const events: NewEvent[] = [];
      for (const access of accesses) {
        const data = accessRecordOf(actor, access, options.serviceOf(access.resource.resourceType), at);
        if (data !== null)
          events.push({ id: newId(), type: 'AccessRecorded', data: data as unknown as JsonObject });
      }
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}
