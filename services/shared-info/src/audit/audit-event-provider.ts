import type { AuditEvent } from 'fhir/r4.js';
import { NotFoundError } from '@carenet/eventsourcing';
import type { PostgresSearchStore, ResourceProvider } from '@carenet/fhir';

/**
 * FHIR AuditEvent, read-only (issue 18): read and search from the read model the audit records
 * fill; no create, update, patch, delete or history (the router answers 405): the access log is
 * written by the services' accesses only. The router's access gate filters searches by patient
 * (a patient token sees its own AuditEvents).
 */
export function auditEventProvider(search: PostgresSearchStore): ResourceProvider<AuditEvent> {
  return {
    type: 'AuditEvent',
    async read(id) {
      const resource = (await search.read('AuditEvent', id)) as AuditEvent | undefined;
      if (resource === undefined) throw new NotFoundError(`AuditEvent/${id}`);
      return {
        resource,
        versionId: resource.meta?.versionId ?? '1',
        lastUpdated: resource.meta?.lastUpdated ?? resource.recorded,
      };
    },
    async search(request) {
      const { resources, included, nextCursor, previousCursor, total } = await search.search(request);
      return {
        resources,
        included,
        ...(nextCursor !== undefined && { nextCursor }),
        ...(previousCursor !== undefined && { previousCursor }),
        ...(total !== undefined && { total }),
      };
    },
  };
}
