import type { CareRelation, SourceFacts } from '@carenet/access';
import type { ExistingTask, ResponsibilityEntry } from '../task/index.js';

/**
 * When an assignment stops giving its holder a care relation: at its own end (`validTo`), or when
 * a later decision gives the same role to someone else for good (an assignment without end: a
 * reassignment, a permanent transfer). A temporary transfer (with an end) does not end the
 * original holder's relation: they are back after it.
 */
function effectiveEnd(
  entry: ResponsibilityEntry,
  ledger: readonly ResponsibilityEntry[],
): string | undefined {
  const replaced = ledger.find(
    (later) => later.decision > entry.decision && later.role === entry.role && later.validTo === undefined,
  )?.validFrom;
  if (replaced === undefined) return entry.validTo;
  if (entry.validTo === undefined) return replaced;
  return Date.parse(replaced) < Date.parse(entry.validTo) ? replaced : entry.validTo;
}

/**
 * What a Task tells the access decision about its patient's care team (issue 18, DOMAIN.md §4):
 * its requester and co-owner from its creation on, and each holder of its responsibility ledger
 * (accountable or performer) over the period the ledger gives them. Pure.
 */
export function taskCareRelations(state: ExistingTask): SourceFacts {
  const since = { start: state.authoredOn };
  const relations: Omit<CareRelation, 'source'>[] = [
    { party: state.requester, basis: 'task', period: since },
    ...(state.coOwner === undefined ? [] : [{ party: state.coOwner, basis: 'task' as const, period: since }]),
    ...state.responsibility.map((entry) => {
      const end = effectiveEnd(entry, state.responsibility);
      return {
        party: entry.holder,
        basis: 'task' as const,
        period: { start: entry.validFrom, ...(end !== undefined && { end }) },
      };
    }),
  ];
  return { patient: state.for, relations };
}
