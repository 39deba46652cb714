export { CONSENT_CATEGORY_LOINC, CONSENT_EXTENSIONS } from './consent-canonical.js';
export { consentResource } from './consent-resource.js';
export { recipientOfReference } from './consent-recipient.js';
export { recordConsentCommand } from './record-consent-command.js';
export { updateConsentCommands } from './update-consent-commands.js';
