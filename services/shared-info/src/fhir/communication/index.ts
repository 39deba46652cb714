export { communicationOfResource } from './communication-of-resource.js';
export { communicationResource } from './communication-resource.js';
export { recordCommunicationCommand, updateCommunicationCommands } from './communication-commands.js';
