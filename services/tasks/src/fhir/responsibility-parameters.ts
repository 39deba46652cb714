import type { Parameters, ParametersParameter } from 'fhir/r4.js';
import type { Responsibility } from '../task/index.js';
import { cooperationModeCoding } from './cooperation-mode-coding.js';
import { partyReference } from '@carenet/access';
import { basisParameter } from './responsibility-basis-coding.js';

/**
 * The answer of `$responsibility?at=<instant>` (OperationDefinition RESPONSIBILITY_OPERATION):
 * - `at` (valueInstant): the instant asked about;
 * - `accountable` (valueReference by identifier, one per accountable party: two for sharing);
 * - `performer` (valueReference): who performed then, absent while nobody did (a draft);
 * - `mode` (valueCoding of the cooperation-mode CodeSystem) of the latest assignment in force;
 * - `basis` (parts `kind`, valueCoding, and `reference`: protocol canonical, CarePlan reference
 *   or agreement id);
 * - `reason` (valueCodeableConcept) of the latest assignment in force.
 * When nobody was responsible (the instant is before the Task existed), only `at`: no
 * `accountable` parameter is the answer "nobody".
 */
export function responsibilityParameters(responsibility: Responsibility | undefined, at: string): Parameters {
  const parameter: ParametersParameter[] = [{ name: 'at', valueInstant: at }];
  if (responsibility !== undefined) {
    parameter.push(
      ...responsibility.accountable.map((party) => ({
        name: 'accountable',
        valueReference: partyReference(party),
      })),
      ...(responsibility.performer === undefined
        ? []
        : [{ name: 'performer', valueReference: partyReference(responsibility.performer) }]),
      { name: 'mode', valueCoding: cooperationModeCoding(responsibility.mode) },
      basisParameter(responsibility.basis),
      { name: 'reason', valueCodeableConcept: responsibility.reason },
    );
  }
  return { resourceType: 'Parameters', parameter };
}
