// A PPCS drafted through the FHIR API of a gateway process: a CarePlan whose one action, wound
// care by nurse 810000000003, becomes a Task once the plan is active.
const X = 'https://carenet.example.org/fhir/StructureDefinition';
const professional = (value: string) => ({ identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value } });

export interface PpcsDraftOf {
  /** The patient's INS. */
  readonly patient: string;
  /** The médecin traitant's IDNPS (the coordinator is nurse 870000000001). */
  readonly medecinTraitant: string;
  /** The plan's review date. */
  readonly reviewDate: string;
  /** When the wound care is to be done (dates). */
  readonly period: { readonly start: string; readonly end: string };
}

/** The CarePlan body of a draft PPCS, coordinated by nurse 870000000001. */
export function ppcsDraft({ patient, medecinTraitant, reviewDate, period }: PpcsDraftOf) {
  return {
    resourceType: 'CarePlan',
    status: 'draft',
    intent: 'plan',
    category: [
      {
        coding: [{ system: 'https://carenet.example.org/fhir/CodeSystem/care-plan-category', code: 'ppcs' }],
      },
    ],
    subject: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: patient } },
    extension: [
      { url: `${X}/care-plan-coordinator`, valueReference: professional('870000000001') },
      { url: `${X}/care-plan-medecin-traitant`, valueReference: professional(medecinTraitant) },
      { url: `${X}/care-plan-review-date`, valueDate: reviewDate },
    ],
    activity: [
      {
        detail: {
          kind: 'Task',
          status: 'not-started',
          code: { text: 'Wound care' },
          performer: [professional('810000000003')],
          scheduledPeriod: period,
        },
      },
    ],
  };
}
