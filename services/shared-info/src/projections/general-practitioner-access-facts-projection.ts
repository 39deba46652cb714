import type { PostgresAccessFacts } from '@carenet/access';
import type { InlineProjection } from '@carenet/eventsourcing';
import { generalPractitionerFacts } from '../access-facts/index.js';
import type { PatientState } from '../patient/index.js';

/** The source of a Patient record's facts, as the access decision (and the audit) names it. */
const sourceOf = (patientId: string) => `Patient/${patientId}`;

/**
 * The médecin traitant in the access facts (issue 18), kept in the append's transaction: the care
 * relations a Patient record states (`generalPractitionerFacts`) replace its previous ones at each
 * change (registration, PatientGeneralPractitionerChanged, an identity change, a merge), from the
 * state the read model has just stored (this projection runs after it).
 */
export function generalPractitionerAccessFactsProjection(facts: PostgresAccessFacts): InlineProjection {
  return {
    name: 'shared-info-general-practitioner-access-facts',
    categories: ['Patient'],
    async apply(tx, events) {
      const ids = [...new Set(events.map((event) => event.streamId.slice('Patient-'.length)))];
      const rows = await tx.query<{ id: string; state: PatientState }>(
        "SELECT id, state FROM shared_info.aggregate_state WHERE resource_type = 'Patient' AND id = ANY($1::text[])",
        [ids],
      );
      for (const { id, state } of rows) {
        await facts.replaceSource(tx, sourceOf(id), generalPractitionerFacts(state));
      }
    },
    async reset(tx) {
      for (const table of ['care_relation', 'sharing_grant']) {
        await tx.query(`DELETE FROM ${facts.schema}.${table} WHERE source LIKE 'Patient/%'`);
      }
    },
  };
}
