import type { Actor } from '@carenet/access';
import { sameParty, type Party } from '@carenet/access/party';
import type { Plain } from '@carenet/eventsourcing';
import type { CooperationMode, TaskCodeableConcept } from './task-values.js';

/**
 * The responsibility ledger of a Task (DOMAIN.md §2): an append-only, bitemporal record of who
 * is accountable for the Task and who performs it, in which cooperation mode, on which basis,
 * over which validity period, why, and who recorded it when. Responsibility is stated
 * explicitly by every event that changes it, never inferred from a label.
 *
 * Reading the ledger: assignments are recorded in batches (one per event, numbered by
 * `decision`). At an instant t, the holders of a role are the assignments of that role valid at t
 * (validFrom ≤ t < validTo) from the latest batch that has any: a temporary transfer (1–15 June)
 * shadows the original assignment during its period, and the original answers again after it.
 */
export type ResponsibilityRole = 'accountable' | 'performer';

/** The basis on which a party holds responsibility: a protocol, a care plan, an agreement, employment. */
export type ResponsibilityBasisKind = 'protocol' | 'care-plan' | 'agreement' | 'employment';
export type ResponsibilityBasis = Readonly<{
  kind: ResponsibilityBasisKind;
  /** Canonical of the protocol (PlanDefinition|version), reference of the CarePlan, id of the agreement. */
  reference?: string;
}>;

/** One assignment, as events carry it. */
export type ResponsibilityAssignment = Readonly<{
  holder: Party;
  role: ResponsibilityRole;
  mode: CooperationMode;
  basis: ResponsibilityBasis;
  validFrom: string;
  validTo?: string;
  reason: TaskCodeableConcept;
  recordedBy: Plain<Actor>;
  recordedAt: string;
}>;

/** One assignment in the ledger: the batch (event) it was recorded in. */
export type ResponsibilityEntry = ResponsibilityAssignment & { readonly decision: number };

export type ResponsibilityLedger = readonly ResponsibilityEntry[];

/** Who answers for a Task at an instant. */
export interface Responsibility {
  readonly accountable: readonly Party[];
  /** Absent while nobody performs (a draft without owner). */
  readonly performer?: Party;
  /** Mode, basis and reason of the latest assignment in force. */
  readonly mode: CooperationMode;
  readonly basis: ResponsibilityBasis;
  readonly reason: TaskCodeableConcept;
  /** The assignments in force at that instant. */
  readonly assignments: readonly ResponsibilityEntry[];
}

function instant(iso: string): number {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new RangeError(`not an ISO 8601 instant: "${iso}"`);
  return time;
}

function validAt(entry: ResponsibilityAssignment, at: number): boolean {
  return instant(entry.validFrom) <= at && (entry.validTo === undefined || at < instant(entry.validTo));
}

/** The entries of a role in force at an instant: those of the latest batch valid then. */
export function holdersAt(
  ledger: ResponsibilityLedger,
  role: ResponsibilityRole,
  at: string,
): readonly ResponsibilityEntry[] {
  const t = instant(at);
  const valid = ledger.filter((entry) => entry.role === role && validAt(entry, t));
  const latest = Math.max(...valid.map((entry) => entry.decision));
  return valid.filter((entry) => entry.decision === latest);
}

function distinctParties(entries: readonly ResponsibilityEntry[]): Party[] {
  const parties: Party[] = [];
  for (const { holder } of entries) if (!parties.some((p) => sameParty(p, holder))) parties.push(holder);
  return parties;
}

/** Who was accountable and who performed at `at`, or `undefined` before the first assignment. */
export function responsibilityInLedger(ledger: ResponsibilityLedger, at: string): Responsibility | undefined {
  const accountable = holdersAt(ledger, 'accountable', at);
  const performers = holdersAt(ledger, 'performer', at);
  const inForce = [...accountable, ...performers];
  const latest = inForce.reduce<ResponsibilityEntry | undefined>(
    (best, entry) => (best === undefined || entry.decision > best.decision ? entry : best),
    undefined,
  );
  if (latest === undefined) return undefined;
  const performer = performers[0]?.holder;
  return {
    accountable: distinctParties(accountable),
    ...(performer === undefined ? {} : { performer }),
    mode: latest.mode,
    basis: latest.basis,
    reason: latest.reason,
    assignments: inForce,
  };
}

/**
 * Appends a batch to the ledger. An assignment of the batch without `validTo` (a lasting
 * change) ends the earlier open-ended assignments of its role at its `validFrom`; a bounded one
 * (a transfer for a period) ends nothing: the earlier assignments answer again after it.
 */
export function recordAssignments(
  ledger: ResponsibilityLedger,
  batch: readonly ResponsibilityAssignment[],
): ResponsibilityLedger {
  if (batch.length === 0) return ledger;
  const decision = ledger.reduce((max, entry) => Math.max(max, entry.decision + 1), 0);
  const closing = new Map<ResponsibilityRole, string>();
  for (const assignment of batch)
    if (assignment.validTo === undefined) closing.set(assignment.role, assignment.validFrom);
  const updated = ledger.map((entry) => {
    const end = closing.get(entry.role);
    return end === undefined || entry.validTo !== undefined ? entry : { ...entry, validTo: end };
  });
  return [...updated, ...batch.map((assignment) => ({ ...assignment, decision }))];
}

/**
 * The invariant: at every instant from the first assignment on, exactly `expected` distinct
 * accountable parties (1; 2 for sharing), and at most one performer. Checked at every instant
 * where the ledger changes (validity bounds), which is where it could break.
 */
export function ledgerKeepsInvariant(ledger: ResponsibilityLedger, expected: number): boolean {
  const bounds = new Set<string>();
  for (const entry of ledger) {
    bounds.add(entry.validFrom);
    if (entry.validTo !== undefined) bounds.add(entry.validTo);
  }
  const first = Math.min(...ledger.map((entry) => instant(entry.validFrom)));
  for (const bound of bounds) {
    if (instant(bound) < first) continue;
    if (distinctParties(holdersAt(ledger, 'accountable', bound)).length !== expected) return false;
    if (distinctParties(holdersAt(ledger, 'performer', bound)).length > 1) return false;
  }
  return true;
}

/** How many accountable parties a Task of this mode has at any instant. */
export function expectedAccountable(mode: CooperationMode): number {
  return mode === 'sharing' ? 2 : 1;
}

/** The parties of a Task that decide who is responsible under its mode. */
export interface ModeParties {
  readonly mode: CooperationMode;
  readonly requester: Party;
  readonly owner?: Party;
  readonly coOwner?: Party;
  readonly responsibilityMoves?: boolean;
  /** A distribution child (has `partOf`). */
  readonly isPart: boolean;
}

/**
 * Who is accountable and who performs under a mode (DOMAIN.md §2):
 * - delegation: the requester stays accountable, the owner performs;
 * - transfer: the owner performs; accountable moves to the owner iff `responsibilityMoves`;
 * - sharing: the requester and the co-owner are both accountable, the owner performs;
 * - distribution: the distributor (requester) is accountable for the split (the parent Task);
 *   each part's owner is accountable for its part (a child Task, with `partOf`).
 * While a draft has no owner, an accountable role that would go to the owner stays with the
 * requester until an owner is named.
 */
export function holdersForMode(parties: ModeParties): { accountable: Party[]; performer?: Party } {
  const { mode, requester, owner, coOwner } = parties;
  const ownerOrRequester = owner ?? requester;
  const performer = owner === undefined ? {} : { performer: owner };
  switch (mode) {
    case 'delegation':
      return { accountable: [requester], ...performer };
    case 'transfer':
      return {
        accountable: [parties.responsibilityMoves === true ? ownerOrRequester : requester],
        ...performer,
      };
    case 'sharing':
      return { accountable: coOwner === undefined ? [requester] : [requester, coOwner], ...performer };
    case 'distribution':
      return { accountable: [parties.isPart ? ownerOrRequester : requester], ...performer };
  }
}
