export { documentReferenceOfResource } from './document-reference-of-resource.js';
export { documentReferenceResource } from './document-reference-resource.js';
export {
  recordDocumentReferenceCommand,
  updateDocumentReferenceCommands,
} from './document-reference-commands.js';
