import type { PostgresAccessFacts } from '@carenet/access';
import type { InlineProjection, SqlExecutor } from '@carenet/eventsourcing';
import type { PatientState } from '../patient/index.js';
import { patientAccessFactsSource } from './shared-info-access-facts-sources.js';

const CATEGORY = 'Patient';

async function statesOf(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, PatientState>> {
  const rows = await tx.query<{ id: string; state: PatientState }>(
    "SELECT id, state FROM shared_info.aggregate_state WHERE resource_type = 'Patient' AND id = ANY($1::text[])",
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.state]));
}

/**
 * The Patient records' access facts (issue 18), kept in the append's transaction after the Patient
 * read model (it reads the states just stored): the médecin traitant's care relation, and each
 * record's literal reference as an alias of the patient's national identifier
 * (`patientAccessFactsSource`).
 */
export function patientAccessFactsProjection(facts: PostgresAccessFacts): InlineProjection {
  return {
    name: 'shared-info-patient-access-facts',
    categories: [CATEGORY],
    async apply(tx, events) {
      const ids = [...new Set(events.map((event) => event.streamId.slice(CATEGORY.length + 1)))];
      const states = await statesOf(tx, ids);
      const stateOf = async (_category: string, id: string) => (await statesOf(tx, [id])).get(id);
      for (const id of ids) {
        const state = states.get(id);
        if (state !== undefined) await patientAccessFactsSource.write(tx, facts, id, state, stateOf);
        else await facts.replaceAliases(tx, `${CATEGORY}/${id}`, []);
      }
    },
    async reset(tx) {
      for (const table of ['care_relation', 'sharing_grant', 'patient_alias']) {
        await tx.query(`DELETE FROM ${facts.schema}.${table} WHERE source LIKE 'Patient/%'`);
      }
    },
  };
}
