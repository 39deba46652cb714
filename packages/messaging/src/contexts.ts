// Topic names are spelled once, in @carenet/contracts.
export { deadLetterTopicOf, topicOf } from '@carenet/contracts';

/**
 * Which bounded context publishes which stream category (DESIGN.md §1), and so on which topic.
 * One place: the relay uses it to route events, the embedded consumer to rebuild envelopes.
 */
export const CATEGORY_CONTEXTS: Readonly<Record<string, string>> = {
  PlanDefinition: 'protocols',
  PractitionerRole: 'protocols',
  Task: 'tasks',
  CarePlan: 'care-plans',
  CareTeam: 'care-plans',
  Goal: 'care-plans',
  Patient: 'shared-info',
  Consent: 'shared-info',
  Communication: 'shared-info',
  DocumentReference: 'shared-info',
  AuditEvent: 'shared-info',
  // The audit records of every service's accesses to patient data (issue 18): `carenet.audit`.
  AccessAudit: 'audit',
};

export class UnknownCategoryError extends Error {
  constructor(readonly category: string) {
    super(`no context publishes stream category "${category}"`);
    this.name = 'UnknownCategoryError';
  }
}

export function contextOf(
  category: string,
  contexts: Readonly<Record<string, string>> = CATEGORY_CONTEXTS,
): string {
  const context = contexts[category];
  if (!context) throw new UnknownCategoryError(category);
  return context;
}
