import { FHIR_JSON, notFound, sendFhirJson } from '@carenet/fhir';
import type { Response } from 'express';
import { bufferedCall, type BufferedAnswer, type ProxyContext } from './proxy-context.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The services to ask for `OperationDefinition/<id>`: the owner of the type its id begins with
 * (`Task-transfer` → tasks, `CarePlan-validate-plan` → care-plans), else every service in turn.
 */
export function operationDefinitionServices(
  id: string,
  routes: ReadonlyMap<string, string>,
  services: readonly string[],
): readonly string[] {
  const owner = routes.get(id.split('-')[0] ?? '');
  return owner !== undefined && services.includes(owner) ? [owner] : services;
}

/**
 * `GET [base]/OperationDefinition/<id>`, without a token (the definitions describe the API and
 * hold no patient data): the first service that knows it answers; 404 when none does. A service
 * that is down is passed over (its own definitions then answer 404... or the 502 of the owner
 * when the id names its type).
 */
export async function sendOperationDefinition(
  context: ProxyContext,
  res: Response,
  id: string,
  services: readonly string[],
  requestId: string,
): Promise<void> {
  if (!ID.test(id)) throw notFound(`OperationDefinition/${id.slice(0, 64)} is not known to this server`);
  const candidates = operationDefinitionServices(id, context.routes, services);
  let failure: Error | undefined;
  for (const service of candidates) {
    let answer: BufferedAnswer;
    try {
      answer = await bufferedCall(
        context,
        {
          service,
          method: 'GET',
          path: `/OperationDefinition/${id}`,
          headers: { accept: FHIR_JSON, 'x-request-id': requestId },
        },
        'operation-definition',
      );
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      continue;
    }
    if (answer.status === 200) {
      sendFhirJson(res, 200, answer.text);
      return;
    }
  }
  // The one service that should know it is down: say so rather than "unknown".
  if (candidates.length === 1 && failure !== undefined) throw failure;
  throw notFound(`OperationDefinition/${id} is not known to this server`);
}
