import {
  LITERAL_REFERENCE_SYSTEM,
  PATIENT_SYSTEMS,
  type PatientAlias,
  type PostgresAccessFacts,
} from '@carenet/access';
import type { InlineProjection, SqlExecutor } from '@carenet/eventsourcing';
import type { PatientState } from '../patient/index.js';

const CATEGORY = 'Patient';

/** The source of a Patient record's aliases, as the access facts name it. */
const sourceOf = (patientId: string) => `Patient/${patientId}`;

/** The key the access facts know a patient by: the record's first national identifier (INS, NAM). */
function nationalIdentifierOf(state: PatientState): { system: string; value: string } | undefined {
  if (!state.exists) return undefined;
  const national = state.identifiers.find(
    (i) => i.system !== undefined && i.value !== undefined && PATIENT_SYSTEMS.includes(i.system),
  );
  return national?.system === undefined || national.value === undefined
    ? undefined
    : { system: national.system, value: national.value };
}

async function statesOf(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, PatientState>> {
  const rows = await tx.query<{ id: string; state: PatientState }>(
    "SELECT id, state FROM shared_info.aggregate_state WHERE resource_type = 'Patient' AND id = ANY($1::text[])",
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.state]));
}

/**
 * The literal references of the network's Patient records as aliases of the patients' national
 * identifiers, in the access facts (issue 18): a Task or a PPCS naming its patient `Patient/p-1`
 * is the patient's data for the access decision, as if it named the INS (the patient reads it,
 * their consents and objections hold for it, their care team's relations count). A merged record's
 * reference stands for the surviving record's patient. Kept in the append's transaction, after
 * the Patient read model (it reads the state just stored).
 */
export function patientAliasesProjection(facts: PostgresAccessFacts): InlineProjection {
  return {
    name: 'shared-info-patient-aliases',
    categories: [CATEGORY],
    async apply(tx, events) {
      const ids = [...new Set(events.map((event) => event.streamId.slice(CATEGORY.length + 1)))];
      const states = await statesOf(tx, ids);
      const targets = await statesOf(
        tx,
        [...states.values()].flatMap((s) => (s.exists && s.mergedInto ? [s.mergedInto.patientId] : [])),
      );
      for (const id of ids) {
        const state = states.get(id);
        const merged = state?.exists === true ? state.mergedInto : undefined;
        const target = merged === undefined ? undefined : targets.get(merged.patientId);
        const patient =
          state === undefined
            ? undefined
            : nationalIdentifierOf(merged === undefined || target === undefined ? state : target);
        const aliases: PatientAlias[] =
          patient === undefined
            ? []
            : [{ alias: { system: LITERAL_REFERENCE_SYSTEM, value: sourceOf(id) }, patient }];
        await facts.replaceAliases(tx, sourceOf(id), aliases);
      }
    },
    async reset(tx) {
      await tx.query(`DELETE FROM ${facts.schema}.patient_alias WHERE source LIKE 'Patient/%'`);
    },
  };
}
