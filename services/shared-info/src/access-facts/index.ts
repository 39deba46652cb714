export {
  consentAccessFacts,
  consentStateFacts,
  type ConsentAccessFacts,
  type ConsentStateFacts,
} from './consent-access-facts.js';
