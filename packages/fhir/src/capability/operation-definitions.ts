import express, { type Router } from 'express';
import type { OperationDefinition } from 'fhir/r4.js';
import { negotiateJson } from '../http/content-negotiation.js';
import { fhirErrorHandler } from '../http/error-handler.js';
import { sendFhir } from '../http/send-fhir.js';
import { methodNotAllowed, notFound } from '../outcomes.js';
import type { ResourceProvider } from '../server/resource-provider.js';

/** A provider's operation names an OperationDefinition nobody gave, or a definition is inconsistent. */
export class OperationDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationDefinitionError';
  }
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The OperationDefinitions of the operations `providers` really register, from the `definitions`
 * their services publish: each operation's `definition` canonical must be the `url` of one of them
 * (whose `id` is the canonical's last segment and whose `code` is the operation's name), and only
 * the definitions of registered operations are kept. Throws an OperationDefinitionError (a
 * programming error, raised at start) otherwise.
 */
export function operationDefinitionsServed(
  providers: readonly ResourceProvider[],
  definitions: readonly OperationDefinition[],
): OperationDefinition[] {
  const byUrl = new Map<string, OperationDefinition>();
  for (const definition of definitions) {
    const { id, url } = definition;
    if (id === undefined || !ID.test(id) || !url?.endsWith(`/OperationDefinition/${id}`)) {
      throw new OperationDefinitionError(
        `OperationDefinition ${String(id)}: its url (${String(url)}) must end with /OperationDefinition/<id>`,
      );
    }
    byUrl.set(url, definition);
  }
  const served = new Map<string, OperationDefinition>();
  for (const provider of providers) {
    for (const [name, operation] of Object.entries(provider.operations ?? {})) {
      const definition = byUrl.get(operation.definition);
      if (definition === undefined) {
        throw new OperationDefinitionError(
          `${provider.type} $${name} names ${operation.definition}, which no OperationDefinition has as url`,
        );
      }
      const types: readonly string[] = definition.resource ?? [];
      if (definition.code !== name || !types.includes(provider.type)) {
        throw new OperationDefinitionError(
          `${operation.definition}: code ${definition.code} and resource ${types.join(',')} ` +
            `do not describe ${provider.type} $${name}`,
        );
      }
      served.set(operation.definition, definition);
    }
  }
  return [...served.values()];
}

/**
 * `GET [base]/OperationDefinition/<id>` (mounted at `[base]/OperationDefinition`): the definitions
 * of the custom operations, read-only. They describe the API and hold no patient data: like
 * `/metadata`, they are served without a token. Any other interaction is a 405.
 */
export function operationDefinitionRouter(
  definitions: readonly OperationDefinition[],
  logger: { error(details: object, message: string): void },
): Router {
  const byId = new Map(definitions.map((d) => [d.id ?? '', d]));
  const router = express.Router();
  router.use(negotiateJson);
  router.get('/:id', (req, res) => {
    const definition = byId.get(req.params.id);
    if (definition === undefined) {
      throw notFound(`OperationDefinition/${req.params.id.slice(0, 64)} is not known to this server`);
    }
    sendFhir(res, 200, definition);
  });
  router.use(() => {
    throw methodNotAllowed('OperationDefinition is read-only here: GET OperationDefinition/<id>');
  });
  router.use(fhirErrorHandler(logger));
  return router;
}
