export { decide } from './decide.js';
export { evolve } from './evolve.js';
export type * from './communication-commands.js';
export {
  COMMUNICATION_INFORMATION_KEYS,
  type CommunicationContent,
  type CommunicationInformation,
} from './communication-content.js';
export { communicationDecider } from './communication-decider.js';
export {
  COMMUNICATION_EVENT_TYPES,
  COMMUNICATION_STATUS_EVENTS,
  type CommunicationEventType,
} from './communication-events.js';
export type * from './communication-events.js';
export { requireValidInformation } from './communication-information-rules.js';
export { requireSender } from './communication-permissions.js';
export { COMMUNICATION_RULES, type CommunicationRule } from './communication-rules.js';
export {
  initialState,
  type CommunicationState,
  type ExistingCommunication,
  type NoCommunication,
} from './communication-state.js';
export {
  CLOSED_COMMUNICATION_STATUSES,
  COMMUNICATION_STATUSES,
  COMMUNICATION_TRANSITIONS,
  INITIAL_COMMUNICATION_STATUSES,
  type CommunicationPayload,
  type CommunicationStatus,
  type InformationCategory,
  type InformationSubject,
  type NamedParty,
} from './communication-values.js';
