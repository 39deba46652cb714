import type { PostgresAccessFacts } from '@carenet/access';
import type { InlineProjection } from '@carenet/eventsourcing';
import type { ConsentState } from '../consent/index.js';
import { consentAccessFactsSource } from './shared-info-access-facts-sources.js';

const none = () => Promise.resolve(undefined);

/**
 * The shared-information part of the access facts (issue 18), kept in the append's transaction:
 * what each Consent states (`consentAccessFactsSource`) replaces what it stated before, from the
 * state the read model has just stored (this projection runs after it).
 */
export function consentAccessFactsProjection(facts: PostgresAccessFacts): InlineProjection {
  return {
    name: 'shared-info-access-facts',
    categories: ['Consent'],
    async apply(tx, events) {
      const ids = [...new Set(events.map((event) => event.streamId.slice('Consent-'.length)))];
      const rows = await tx.query<{ id: string; state: ConsentState }>(
        "SELECT id, state FROM shared_info.aggregate_state WHERE resource_type = 'Consent' AND id = ANY($1::text[])",
        [ids],
      );
      for (const { id, state } of rows) await consentAccessFactsSource.write(tx, facts, id, state, none);
    },
    async reset(tx) {
      for (const table of ['care_relation', 'sharing_grant']) {
        await tx.query(`DELETE FROM ${facts.schema}.${table} WHERE source LIKE 'Consent/%'`);
      }
    },
  };
}
