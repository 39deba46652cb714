// FHIR Goal bodies shared by the Goal mapping tests (fhir-goal-*.unit.test.ts).
import type { Goal } from 'fhir/r4.js';
import { SUBJECT } from './fhir-care-team-fixtures.js';

export {
  businessRule,
  expectValidR4,
  SUBJECT,
  validationIssues,
  withoutServerOwned,
} from './fhir-care-team-fixtures.js';

/** The patient's own goal after a hip fracture, as the coordinator's tool POSTs it. */
export function goalBody(overrides: Partial<Goal> = {}): Goal {
  return {
    resourceType: 'Goal',
    lifecycleStatus: 'proposed',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-category', code: 'physiotherapy' }] },
    ],
    priority: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-priority', code: 'high-priority' }],
    },
    description: { text: 'Walk 30 minutes a day without help' },
    subject: SUBJECT,
    startDate: '2026-05-20',
    target: [
      {
        measure: { text: 'walking time' },
        detailQuantity: { value: 30, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
        dueDate: '2026-09-01',
      },
    ],
    expressedBy: SUBJECT,
    addresses: [{ display: 'Fall risk after hip fracture' }],
    ...overrides,
  };
}
