import type { CareTeamMember } from './care-team-content.js';
import { sameParty } from './care-team-party.js';
import { sameRole } from './care-team-roles.js';
import type { CareTeamPeriod } from './care-team-values.js';

/** A period bound as epoch milliseconds (a date-only bound is its first instant, UTC). */
export function instant(value: string): number {
  return Date.parse(value);
}

/** Whether `at` falls within the period (start inclusive, end exclusive, open ends). */
export function periodCovers(period: CareTeamPeriod, at: string): boolean {
  const t = instant(at);
  return (
    (period.start === undefined || instant(period.start) <= t) &&
    (period.end === undefined || t < instant(period.end))
  );
}

/** Whether two periods share an instant (end exclusive, open ends). */
export function periodsOverlap(a: CareTeamPeriod, b: CareTeamPeriod): boolean {
  const startA = a.start === undefined ? -Infinity : instant(a.start);
  const endA = a.end === undefined ? Infinity : instant(a.end);
  const startB = b.start === undefined ? -Infinity : instant(b.start);
  const endB = b.end === undefined ? Infinity : instant(b.end);
  return startA < endB && startB < endA;
}

/** Whether the membership is in force at `at`. */
export function memberAt(member: CareTeamMember, at: string): boolean {
  return periodCovers(member.period, at);
}

/** Two memberships of the same party, in the same role, over overlapping periods. */
export function duplicates(a: CareTeamMember, b: CareTeamMember): boolean {
  return sameParty(a.member, b.member) && sameRole(a.role, b.role) && periodsOverlap(a.period, b.period);
}
