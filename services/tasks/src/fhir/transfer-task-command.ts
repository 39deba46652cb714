import { type Actor, partyOfReference } from '@carenet/access';
import type { Parameters, ParametersParameter } from 'fhir/r4.js';
import type {
  InstantPeriod,
  Party,
  ResponsibilityBasis,
  TaskCodeableConcept,
  TransferTask,
} from '../task/index.js';
import { basisKindOf, basisOfParameter } from './responsibility-basis-coding.js';
import { instantPeriodOf, optional } from './task-details-of-resource.js';
import { ValidationIssues } from '@carenet/eventsourcing';

/** The parameters of `$transfer` (OperationDefinition TRANSFER_OPERATION). */
const NAMES = ['owner', 'reason', 'period', 'responsibilityMoves', 'basis'] as const;
type Name = (typeof NAMES)[number];

const at = (name: string): string => `Parameters.parameter[${name}]`;

interface TransferInput {
  readonly to?: Party;
  readonly reason?: TaskCodeableConcept;
  readonly period?: InstantPeriod;
  readonly responsibilityMoves?: boolean;
  readonly basis?: ResponsibilityBasis;
}

function checkPeriod(period: InstantPeriod, issues: ValidationIssues): InstantPeriod | undefined {
  let valid = true;
  for (const bound of ['start', 'end'] as const) {
    const value = period[bound];
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
      valid = false;
      issues.add(`${at('period')}.${bound}`, `${value} is not a date-time`);
    }
  }
  return valid ? period : undefined;
}

const REQUIRED = {
  owner: 'is required: the new owner, by identifier or literal reference',
  reason: 'is required: why the task is transferred',
  responsibilityMoves: 'is required: whether responsibility moves to the new owner',
} as const;

function requireGiven(
  given: Readonly<Record<keyof typeof REQUIRED, unknown>>,
  issues: ValidationIssues,
): void {
  for (const name of Object.keys(REQUIRED) as (keyof typeof REQUIRED)[]) {
    if (given[name] === undefined) issues.add(at(name), REQUIRED[name]);
  }
}

function fromBody(parameters: Parameters, issues: ValidationIssues): TransferInput {
  const byName = new Map<Name, ParametersParameter>();
  for (const parameter of parameters.parameter ?? []) {
    const name = NAMES.find((candidate) => candidate === parameter.name);
    if (name === undefined)
      issues.add(at(parameter.name), `is not a parameter of $transfer (${NAMES.join(', ')})`);
    else if (byName.has(name)) issues.add(at(name), 'is given more than once');
    else byName.set(name, parameter);
  }
  const owner = byName.get('owner');
  const reason = byName.get('reason');
  const period = byName.get('period');
  const moves = byName.get('responsibilityMoves');
  const basis = byName.get('basis');
  requireGiven({ owner, reason, responsibilityMoves: moves }, issues);
  const reasonValue =
    reason?.valueCodeableConcept ??
    (reason?.valueString === undefined ? undefined : { text: reason.valueString });
  if (reason !== undefined && reasonValue === undefined) {
    issues.add(at('reason'), 'is a valueCodeableConcept or a valueString');
  }
  if (period !== undefined && period.valuePeriod === undefined) issues.add(at('period'), 'is a valuePeriod');
  if (moves !== undefined && moves.valueBoolean === undefined) {
    issues.add(at('responsibilityMoves'), 'is a valueBoolean');
  }
  if (owner !== undefined && owner.valueReference === undefined) {
    issues.add(at('owner'), 'is a valueReference to the new owner, by identifier or literal reference');
  }
  const to =
    owner?.valueReference === undefined
      ? undefined
      : partyOfReference(owner.valueReference, `${at('owner')}.valueReference`, issues);
  const periodValue =
    period?.valuePeriod === undefined ? undefined : checkPeriod(instantPeriodOf(period.valuePeriod), issues);
  return {
    ...optional('to', to),
    ...optional('reason', reasonValue),
    ...optional('period', periodValue),
    ...optional('responsibilityMoves', moves?.valueBoolean),
    ...optional('basis', basis === undefined ? undefined : basisOfParameter(basis, at('basis'), issues)),
  };
}

/** `system|value`, kind of party from the system. */
function ownerOfToken(token: string, issues: ValidationIssues): Party | undefined {
  const bar = token.indexOf('|');
  const system = bar < 0 ? '' : token.slice(0, bar);
  const value = bar < 0 ? '' : token.slice(bar + 1);
  if (system === '' || value === '') {
    issues.add(at('owner'), 'is the identifier of the new owner: owner=<system>|<value>');
    return;
  }
  return partyOfReference({ identifier: { system, value } }, at('owner'), issues);
}

const QUERY_NAMES = ['owner', 'reason', 'responsibilityMoves', 'period-start', 'period-end', 'basis'];

function fromQuery(query: URLSearchParams, issues: ValidationIssues): TransferInput {
  for (const name of new Set(query.keys())) {
    if (name.startsWith('_')) continue;
    if (!QUERY_NAMES.includes(name))
      issues.add(at(name), `is not a parameter of $transfer (${QUERY_NAMES.join(', ')})`);
    else if (query.getAll(name).length > 1) issues.add(at(name), 'is given more than once');
  }
  const owner = query.get('owner');
  const reason = query.get('reason');
  const moves = query.get('responsibilityMoves');
  requireGiven(
    { owner: owner ?? undefined, reason: reason ?? undefined, responsibilityMoves: moves ?? undefined },
    issues,
  );
  const start = query.get('period-start');
  const end = query.get('period-end');
  const basis = query.get('basis');
  if (moves !== null && moves !== 'true' && moves !== 'false') {
    issues.add(at('responsibilityMoves'), 'is true or false');
  }
  const period =
    start === null && end === null
      ? undefined
      : checkPeriod(
          { ...optional('start', start ?? undefined), ...optional('end', end ?? undefined) },
          issues,
        );
  let basisValue: ResponsibilityBasis | undefined;
  if (basis !== null) {
    const bar = basis.indexOf('|');
    const kind = basisKindOf(bar < 0 ? basis : basis.slice(0, bar), at('basis'), issues);
    const reference = bar < 0 ? undefined : basis.slice(bar + 1);
    basisValue = kind === undefined ? undefined : { kind, ...optional('reference', reference) };
  }
  return {
    ...optional('to', owner === null ? undefined : ownerOfToken(owner, issues)),
    ...optional('reason', reason === null || reason === '' ? undefined : { text: reason }),
    ...optional('period', period),
    ...optional('responsibilityMoves', moves === 'true' ? true : moves === 'false' ? false : undefined),
    ...optional('basis', basisValue),
  };
}

/**
 * The TransferTask of a `$transfer` call. Parameters (OperationDefinition TRANSFER_OPERATION):
 * - `owner` (valueReference by identifier or literal reference, required): who performs from now on (or for the period);
 * - `reason` (valueCodeableConcept or valueString, required): why (e.g. leave);
 * - `responsibilityMoves` (valueBoolean, required): whether the new owner also becomes accountable;
 * - `period` (valuePeriod, optional): from `start` (default now) to `end` (default for good);
 * - `basis` (optional; parts `kind`, a valueCoding of the responsibility-basis CodeSystem, and
 *   `reference`): the basis of the new assignments (default: the basis in force).
 * With a Parameters body (POST) only the body counts. Without one, the same parameters come from
 * the query string: `owner=<system>|<value>` (kind from the system), `reason=<text>`,
 * `responsibilityMoves=true|false`, `period-start`, `period-end`, `basis=<kind>[|<reference>]`
 * (`_`-prefixed names such as `_format` are ignored). Missing or invalid parameters are one
 * ValidationError, paths `Parameters.parameter[<name>]`, in both forms.
 */
export function transferTaskCommand(
  parameters: Parameters | undefined,
  query: URLSearchParams,
  input: { readonly actor: Actor; readonly now: string },
): TransferTask {
  const issues = new ValidationIssues();
  const given = parameters === undefined ? fromQuery(query, issues) : fromBody(parameters, issues);
  issues.throwIfAny();
  const { to, reason, responsibilityMoves } = given;
  if (to === undefined || reason === undefined || responsibilityMoves === undefined) return issues.fail();
  return {
    type: 'TransferTask',
    actor: input.actor,
    now: input.now,
    to,
    reason,
    responsibilityMoves,
    ...optional('period', given.period),
    ...optional('basis', given.basis),
  };
}
