import type { PostgresAccessFacts, SourceFacts } from '@carenet/access';
import type { InlineProjection } from '@carenet/eventsourcing';
import { consentStateFacts } from '../access-facts/index.js';
import type { ConsentState } from '../consent/index.js';

/** The source of a consent's facts, as the access decision names it. */
const sourceOf = (consentId: string) => `Consent/${consentId}`;

/**
 * The shared-information part of the access facts (issue 18), kept in the append's transaction:
 * the SharingConsent or Objections each Consent states (`consentStateFacts`: given, over its
 * period, ended at its withdrawal) replace its previous ones at each change, from the state the
 * read model has just stored (this projection runs after it). A Consent that states nothing (a
 * draft, a refusal, entered in error) removes what it stated.
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
      for (const { id, state } of rows) {
        const stated = consentStateFacts(state);
        const none = stated.consents.length === 0 && stated.objections.length === 0;
        const source: SourceFacts | undefined =
          !state.exists || none
            ? undefined
            : {
                patient: { system: state.patient.system, value: state.patient.value },
                consents: stated.consents,
                objections: stated.objections,
              };
        await facts.replaceSource(tx, sourceOf(id), source);
      }
    },
    async reset(tx) {
      for (const table of ['care_relation', 'sharing_grant']) {
        await tx.query(`DELETE FROM ${facts.schema}.${table} WHERE source LIKE 'Consent/%'`);
      }
    },
  };
}
