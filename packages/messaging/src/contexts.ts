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
  Consent: 'shared-info',
  Communication: 'shared-info',
  DocumentReference: 'shared-info',
  AuditEvent: 'shared-info',
};

/** `carenet.<context>`: one topic per context (DESIGN.md §4). */
export function topicOf(context: string): string {
  return `carenet.${context}`;
}

/** `<consumer-group>.dlq`: where a consumer group puts what it cannot process. */
export function deadLetterTopicOf(groupId: string): string {
  return `${groupId}.dlq`;
}

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
