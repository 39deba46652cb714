import { BusinessRuleError, type SqlExecutor } from '@carenet/eventsourcing';
import { networkIdentifiers, PATIENT_RULES, type PatientState } from '../patient/index.js';

/**
 * One patient per national identifier (INS, NAM), in the append's transaction: the identifiers
 * of a patient in use are claimed in `shared_info.patient_identifiers` (a unique key), so that a
 * second record of the same person, even racing the first, fails here and refuses the whole
 * append (422 `patient-identifier-taken`). A merged record releases its identifiers: the
 * surviving record may take them.
 */
export async function keepPatientIdentifierKeys(
  tx: SqlExecutor,
  id: string,
  state: PatientState,
): Promise<void> {
  await tx.query('DELETE FROM shared_info.patient_identifiers WHERE patient_id = $1', [id]);
  if (!state.exists || state.mergedInto !== undefined) return;
  for (const identifier of networkIdentifiers(state)) {
    const claimed = await tx.query<{ patient_id: string }>(
      `INSERT INTO shared_info.patient_identifiers (system, value, patient_id) VALUES ($1, $2, $3)
       ON CONFLICT (system, value) DO NOTHING RETURNING patient_id`,
      [identifier.system, identifier.value, id],
    );
    if (claimed.length > 0) continue;
    const holder = await tx.query<{ patient_id: string }>(
      'SELECT patient_id FROM shared_info.patient_identifiers WHERE system = $1 AND value = $2',
      [identifier.system, identifier.value],
    );
    const other = holder[0]?.patient_id;
    if (other !== undefined && other !== id) {
      throw new BusinessRuleError(
        PATIENT_RULES.identifierTaken,
        `Patient/${other} already has the identifier ${identifier.system}|${identifier.value}: one record per person (merge the duplicate)`,
      );
    }
  }
}

export async function resetPatientIdentifierKeys(tx: SqlExecutor): Promise<void> {
  await tx.query('DELETE FROM shared_info.patient_identifiers');
}
