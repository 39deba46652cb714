import { ACCESS_AUDIT_CATEGORY, type AccessRecordedData } from '@carenet/access';
import type { IndexValueExtractor, PostgresSearchStore } from '@carenet/fhir';
import type { EventSubscriber, IncomingEvent } from '@carenet/messaging';
import { auditEventOf } from './audit-event-resource.js';

/** The consumer group of shared-info's audit records (its inbox namespace and `<group>.dlq`). */
export const AUDIT_RECORDS_GROUP = 'shared-info.audit-records';

/** The one event type of `carenet.audit` this consumer knows. */
const ACCESS_RECORDED_TYPE = 'carenet.audit.AccessRecorded.v1';

export class UnknownAuditRecordError extends Error {
  constructor(readonly eventType: string) {
    super(`shared-info does not know the audit record ${eventType}`);
    this.name = 'UnknownAuditRecordError';
  }
}

/**
 * Shared-info's consumer of `carenet.audit` (issue 18): each `AccessRecorded` record of any service
 * becomes the AuditEvent `<ce_id>` of the FHIR read model (patient key, index values), in the
 * transaction of the inbox row that dedupes it: a record delivered twice is stored once, and one
 * stored is never lost. Not event sourced here: the records are the producers' events, and
 * AuditEvents never change. An unknown type is an error (to the dead letters, not skipped).
 */
export function auditRecordsSubscriber(options: {
  readonly search: PostgresSearchStore;
  readonly extractor: IndexValueExtractor;
}): EventSubscriber {
  return {
    groupId: AUDIT_RECORDS_GROUP,
    categories: [ACCESS_AUDIT_CATEGORY],
    async handler(event: IncomingEvent, tx) {
      if (event.type !== ACCESS_RECORDED_TYPE) throw new UnknownAuditRecordError(event.type);
      const data = event.data as unknown as AccessRecordedData;
      const resource = auditEventOf(event.id, data);
      await options.search.put(
        tx,
        resource,
        { versionId: 1, lastUpdated: data.at },
        options.extractor.extract(resource),
      );
    },
  };
}
