export {
  consentAccessFacts,
  consentStateFacts,
  type ConsentAccessFacts,
  type ConsentStateFacts,
} from './consent-access-facts.js';
export { generalPractitionerFacts, type GeneralPractitionerFacts } from './general-practitioner-facts.js';
