export { decide } from './decide.js';
export { evolve } from './evolve.js';
export {
  actsAs,
  CLIENT_ID_SYSTEM,
  partyOfActor,
  sameParty,
  type Party,
  type PartyIdentifier,
  type PartyKind,
} from '@carenet/access/party';
export type { Plain } from '@carenet/eventsourcing';
export {
  expectedAccountable,
  holdersAt,
  holdersForMode,
  ledgerKeepsInvariant,
  recordAssignments,
  responsibilityInLedger,
  type ModeParties,
  type Responsibility,
  type ResponsibilityAssignment,
  type ResponsibilityBasis,
  type ResponsibilityBasisKind,
  type ResponsibilityEntry,
  type ResponsibilityLedger,
  type ResponsibilityRole,
} from './responsibility.js';
export { responsibilityAt } from './responsibility-at.js';
export { commandForStatusChange, transitionCommand, type StatusChangeInput } from './status-change.js';
export type * from './task-commands.js';
export { TASK_DETAIL_KEYS, type TaskContent, type TaskDetails } from './task-content.js';
export { taskDecider } from './task-decider.js';
export { TASK_EVENT_TYPES, type TaskEventType } from './task-events.js';
export type * from './task-events.js';
export { accountableAt, ownerAt } from './task-permissions.js';
export { TASK_RULES, type TaskRule } from './task-rules.js';
export { initialState, type ExistingTask, type NoTask, type TaskState } from './task-state.js';
export {
  ACCEPTED_STATUSES,
  FINISHED_STATUSES,
  INITIAL_STATUSES,
  isFinished,
  STATUSES_REQUIRING_REASON,
  TASK_STATE_MACHINE,
  TASK_STATUSES,
  targetOf,
  transitionOf,
  type InitialTaskStatus,
  type TaskStatus,
  type TransitionCommandType,
} from './task-state-machine.js';
export {
  COOPERATION_MODES,
  TASK_INTENTS,
  TASK_PRIORITIES,
  type CooperationMode,
  type InstantPeriod,
  type PatientIdentifier,
  type TaskAnnotation,
  type TaskCodeableConcept,
  type TaskElements,
  type TaskIdentifier,
  type TaskInputValue,
  type TaskIntent,
  type TaskOutputValue,
  type TaskPriority,
  type TaskReference,
} from './task-values.js';
