import { carenetCodeSystem, carenetExtension, carenetOperation } from '@carenet/fhir';

/**
 * The project extensions a Task carries (decided once, under the carenet canonical base):
 * - `cooperationMode`: the cooperation mode (valueCoding in COOPERATION_MODE_SYSTEM);
 * - `coOwner`: sharing only, the second accountable party (valueReference by identifier);
 * - `responsibilityMoves`: transfer only, whether responsibility moves to the owner (valueBoolean);
 * - `recordedBy`: who made the latest change of the resource (valueReference: Practitioner by
 *   IDNPS/RPPS, Device by client id, Patient by INS). Server-owned: ignored in request bodies.
 *   Named generically (not `task-…`): every carenet resource exposes its last writer this way.
 */
export const TASK_EXTENSIONS = {
  cooperationMode: carenetExtension('task-cooperation-mode'),
  coOwner: carenetExtension('task-co-owner'),
  responsibilityMoves: carenetExtension('task-responsibility-moves'),
  recordedBy: carenetExtension('recorded-by'),
} as const;

/** The CodeSystem of the cooperation modes (delegation, transfer, sharing, distribution). */
export const COOPERATION_MODE_SYSTEM: string = carenetCodeSystem('cooperation-mode');

/** The CodeSystem of the kinds of responsibility basis (protocol, care-plan, agreement, employment). */
export const RESPONSIBILITY_BASIS_SYSTEM: string = carenetCodeSystem('responsibility-basis');

/** `Task/[id]/$transfer`: another party performs the Task (and answers for it, if responsibility moves). */
export const TRANSFER_OPERATION: string = carenetOperation('Task-transfer');

/** `Task/[id]/$responsibility?at=`: who was accountable and who performed at an instant. */
export const RESPONSIBILITY_OPERATION: string = carenetOperation('Task-responsibility');
