export { consentAccessFacts, type ConsentAccessFacts } from './consent-access-facts.js';
