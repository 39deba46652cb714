import type { Period, Task } from 'fhir/r4.js';
import { TASK_PRIORITIES, type InstantPeriod, type TaskDetails } from '../task/index.js';
import type { ValidationIssues } from '@carenet/eventsourcing';

/** `{ key: value }`, or `{}` when the value is undefined (optional properties). */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

/** A FHIR Period as the domain's period of instants (absent bounds stay absent). */
export function instantPeriodOf(period: Period): InstantPeriod {
  return { ...optional('start', period.start), ...optional('end', period.end) };
}

/** An R4 dateTime down to the seconds, with its time zone: what the events record as an instant. */
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Whether a dateTime is a full instant (a date alone, `2016-03-10`, is valid R4 but is not one). */
export function isInstant(value: string): boolean {
  return INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

function validPeriod(
  period: Period | undefined,
  path: string,
  issues: ValidationIssues,
): InstantPeriod | undefined {
  if (period === undefined) return undefined;
  for (const bound of ['start', 'end'] as const) {
    const value = period[bound];
    if (value !== undefined && !isInstant(value)) {
      issues.add(
        `${path}.${bound}`,
        `${value.slice(0, 40)} is taken only as a full date-time with seconds and time zone (the due instant)`,
      );
    }
  }
  const result = instantPeriodOf(period);
  return result.start === undefined && result.end === undefined ? undefined : result;
}

/**
 * The request of a Task body (what the requester may change before acceptance): `code`
 * (required), description, focus, basedOn (kept as given), instantiatesCanonical (the
 * protocol; a single canonical in R4), restriction.period, priority (default routine, with
 * `priorityGiven: false` so that it is served as given, without one), note,
 * input. `undefined` when an issue was found (collected in `issues`).
 */
export function taskDetailsOf(resource: Task, issues: ValidationIssues): TaskDetails | undefined {
  if (resource.code === undefined) {
    issues.add('Task.code', 'is required: the act the task asks for');
    return;
  }
  const priority = resource.priority ?? 'routine';
  if (!TASK_PRIORITIES.includes(priority)) {
    issues.add('Task.priority', `is one of ${TASK_PRIORITIES.join(', ')}`);
    return;
  }
  const restrictionPeriod = validPeriod(resource.restriction?.period, 'Task.restriction.period', issues);
  return {
    code: resource.code,
    ...optional('description', resource.description),
    ...optional('focus', resource.focus),
    basedOn: resource.basedOn ?? [],
    ...optional('instantiatesCanonical', resource.instantiatesCanonical),
    ...optional('restrictionPeriod', restrictionPeriod),
    priority,
    ...(resource.priority === undefined ? { priorityGiven: false } : {}),
    notes: resource.note ?? [],
    inputs: resource.input ?? [],
  };
}
