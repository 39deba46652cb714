import { describe, it } from '@jest/globals';
import type { Actor, DataCategory } from '@carenet/access';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import { DOCUMENT_REFERENCE_RULES, documentReferenceDecider } from '../src/document-reference/index.js';
import { EHR, GP, LATER, MUCH_LATER, PATIENT_ACTOR, PATIENT_INS, REGISTERED } from './support/actors.js';
import {
  DOCUMENT,
  DOCUMENT_ID,
  documentRevision,
  informationCategory,
  recordDocument,
  runDocument,
} from './support/information-fixtures.js';

const spec = deciderSpecification(documentReferenceDecider);
const rule = (code: string) => [BusinessRuleError, { rule: code }] as const;
const fact = (at = LATER, by: Actor = GP, category: DataCategory = 'medical') => ({
  documentReferenceId: DOCUMENT_ID,
  patient: PATIENT_INS,
  category,
  by,
  at,
});
const recorded = () => runDocument([recordDocument()]);

describe('recording a document', () => {
  it('DocumentReferenceRecorded carries the whole document, its patient and category', () => {
    spec
      .given([])
      .when(recordDocument())
      .then([{ type: 'DocumentReferenceRecorded', data: { ...fact(REGISTERED), document: DOCUMENT } }]);
  });

  it('is recorded once, current, dated no later than now', () => {
    spec
      .given(recorded())
      .when(recordDocument())
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.alreadyExists));
    spec
      .given([])
      .when(recordDocument({ status: 'superseded' }))
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.initialStatus));
    spec
      .given([])
      .when(recordDocument({ date: MUCH_LATER }))
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.dateInFuture));
  });

  it('by a professional or a system, not by a patient', () => {
    spec
      .given([])
      .when(recordDocument({}, { actor: PATIENT_ACTOR }))
      .thenThrows(ForbiddenError);
    spec
      .given([])
      .when(recordDocument({}, { actor: EHR }))
      .then([{ type: 'DocumentReferenceRecorded', data: { ...fact(REGISTERED, EHR), document: DOCUMENT } }]);
  });
});

describe('changing a document', () => {
  it('a current document is revised (amended) and superseded', () => {
    const events = recorded();
    const social = { codes: [informationCategory('social')], category: 'social' as const };
    spec
      .given(events)
      .when(documentRevision(events, 'superseded', { category: social }))
      .then([
        {
          type: 'DocumentReferenceRevised',
          data: { ...fact(LATER, GP, 'social'), changed: { category: social }, removed: [] },
        },
        {
          type: 'DocumentReferenceSuperseded',
          data: { ...fact(LATER, GP, 'social'), previousStatus: 'current' },
        },
      ]);
  });

  it('a superseded document’s information is fixed, and it is not current again', () => {
    const events = runDocument([documentRevision(recorded(), 'superseded')], recorded());
    spec
      .given(events)
      .when(
        documentRevision(events, undefined, {
          content: [{ attachment: { url: 'https://repo.example/d/2' } }],
        }),
      )
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.informationFixed));
    spec
      .given(events)
      .when(documentRevision(events, 'current'))
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.illegalTransition));
    spec
      .given(events)
      .when(documentRevision(events, 'entered-in-error'))
      .then([{ type: 'DocumentReferenceEnteredInError', data: { ...fact(), previousStatus: 'superseded' } }]);
  });

  it('the subject never changes; an entered-in-error document no longer changes', () => {
    const events = recorded();
    spec
      .given(events)
      .when(
        documentRevision(events, undefined, {
          subject: { system: PATIENT_INS.system, value: '180012A00100143' },
        }),
      )
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.immutableSubject));
    const wrong = runDocument([documentRevision(events, 'entered-in-error')], events);
    spec
      .given(wrong)
      .when({ ...documentRevision(wrong), kept: { docStatus: 'amended' } })
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.enteredInError));
  });

  it('a revision dated in the future is refused; a patient does not revise; a document not recorded is not revised', () => {
    const events = recorded();
    spec
      .given(events)
      .when(documentRevision(events, undefined, { date: MUCH_LATER }))
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.dateInFuture));
    spec
      .given(events)
      .when({ ...documentRevision(events, 'superseded'), actor: PATIENT_ACTOR })
      .thenThrows(ForbiddenError);
    spec
      .given([])
      .when(documentRevision(events))
      .thenThrows(...rule(DOCUMENT_REFERENCE_RULES.notRecorded));
  });
});
