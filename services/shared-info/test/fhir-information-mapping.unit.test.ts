import { describe, expect, it } from '@jest/globals';
import { FhirError } from '@carenet/fhir';
import type { Communication, DocumentReference } from 'fhir/r4.js';
import { communicationDecider } from '../src/communication/index.js';
import { documentReferenceDecider } from '../src/document-reference/index.js';
import {
  communicationResource,
  recordCommunicationCommand,
  updateCommunicationCommands,
} from '../src/fhir/communication/index.js';
import {
  documentReferenceResource,
  recordDocumentReferenceCommand,
} from '../src/fhir/document-reference/index.js';
import { base64Bytes } from '../src/fhir/shared/shared-information.js';
import { GP, LATER, PATIENT_INS, REGISTERED } from './support/actors.js';
import { expectValidR4, validationIssues, withoutServerOwned } from './support/fhir-fixtures.js';
import {
  communicationBody,
  communicationState,
  documentBody,
  documentState,
  informationCategory,
  runCommunication,
  runDocument,
} from './support/information-fixtures.js';

const VERSION = { versionId: '1', lastUpdated: REGISTERED };
const LIMIT = 64;
const input = { actor: GP, now: REGISTERED, maxInlineBytes: LIMIT };
const recordC = (body: Communication) =>
  recordCommunicationCommand(body, { ...input, communicationId: 'communication-1' });
const recordD = (body: DocumentReference) =>
  recordDocumentReferenceCommand(body, { ...input, documentReferenceId: 'document-1' });
const status413 = (act: () => unknown): number | undefined => {
  try {
    act();
  } catch (error) {
    if (error instanceof FhirError) return error.status;
    throw error;
  }
  return undefined;
};
/** `bytes` bytes of base64 data. */
const data = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

describe('a FHIR Communication round trip', () => {
  const body = communicationBody();
  const state = communicationState(runCommunication([recordC(body)]));
  const rendered = communicationResource(state, VERSION);

  it('reads subject, category, sender, recipients, sent, payload', () => {
    expect(state).toMatchObject({
      subject: { ...PATIENT_INS, display: 'Yvonne Martin' },
      category: { category: 'medical' },
      sender: { party: { kind: 'professional', identifier: GP.identifier } },
      sent: REGISTERED,
    });
    expect(state.recipients).toHaveLength(2);
  });

  it('gives back every element as given (the subject typed Patient), and is valid R4', () => {
    expect(withoutServerOwned(rendered)).toEqual({
      ...body,
      subject: { ...body.subject, type: 'Patient' },
    });
    expectValidR4(rendered);
  });

  it('a PUT of it as read changes nothing', () => {
    const commands = updateCommunicationCommands(state, rendered, { ...input, now: LATER });
    expect(communicationDecider.decide(commands[0]!, state)).toEqual([]);
  });

  it('no shared-information category: medical, the most protected', () => {
    const { category: _c, ...uncategorised } = body;
    expect(recordC(uncategorised).communication.category).toEqual({ codes: [], category: 'medical' });
  });

  it('refuses, naming them: two categories, an unknown code, a subject by literal reference, no sender, a patient recipient, modifierExtension', () => {
    const paths = validationIssues(() =>
      recordC(
        communicationBody({
          category: [informationCategory('medical'), informationCategory('social')],
          subject: { reference: 'Patient/p-1' },
          sender: undefined,
          recipient: [{ reference: 'Patient/p-2' }],
          modifierExtension: [{ url: 'http://example.org/m', valueBoolean: true }],
        }),
      ),
    ).map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'Communication.category',
        'Communication.subject.identifier',
        'Communication.sender',
        'Communication.recipient[0].reference',
        'Communication.modifierExtension',
      ]),
    );
    const unknown = { coding: [{ ...informationCategory('social').coding[0]!, code: 'financial' }] };
    expect(validationIssues(() => recordC(communicationBody({ category: [unknown] })))).toEqual([
      expect.objectContaining({ path: 'Communication.category[0].coding[0].code' }),
    ]);
  });

  it('an inline attachment over the configured size is a 413', () => {
    const payload = [{ contentAttachment: { contentType: 'text/plain', data: data(LIMIT + 1) } }];
    expect(status413(() => recordC(communicationBody({ payload })))).toBe(413);
    expect(() =>
      recordC(communicationBody({ payload: [{ contentAttachment: { data: data(LIMIT) } }] })),
    ).not.toThrow();
  });
});

describe('a FHIR DocumentReference round trip', () => {
  const body = documentBody();
  const state = documentState(runDocument([recordD(body)]));
  const rendered = documentReferenceResource(state, VERSION);

  it('gives back every element as given, and is valid R4', () => {
    expect(state).toMatchObject({
      category: { category: 'medical' },
      date: REGISTERED,
      kept: { docStatus: 'final' },
    });
    expect(withoutServerOwned(rendered)).toEqual({ ...body, subject: { ...body.subject, type: 'Patient' } });
    expectValidR4(rendered);
  });

  it('a PUT of it as read changes nothing', async () => {
    const { updateDocumentReferenceCommands } = await import('../src/fhir/document-reference/index.js');
    const commands = updateDocumentReferenceCommands(state, rendered, { ...input, now: LATER });
    expect(documentReferenceDecider.decide(commands[0]!, state)).toEqual([]);
  });

  it('content is required; the subject by national identifier', () => {
    expect(
      validationIssues(() =>
        recordD(documentBody({ content: [], subject: { reference: 'Patient/p-1' } })),
      ).map((issue) => issue.path),
    ).toEqual(['DocumentReference.subject.identifier', 'DocumentReference.content']);
  });

  it('the inline data of every content together is within the configured size, else 413', () => {
    const half = { attachment: { contentType: 'application/pdf', data: data(LIMIT / 2 + 1) } };
    expect(status413(() => recordD(documentBody({ content: [half, half] })))).toBe(413);
    expect(status413(() => recordD(documentBody({ content: [half] })))).toBeUndefined();
    // By URL: no inline data, any size.
    expect(() =>
      recordD(
        documentBody({ content: [{ attachment: { url: 'https://repo.example/d/1', size: 10_000_000 } }] }),
      ),
    ).not.toThrow();
  });

  it('base64 sizes are the decoded bytes', () => {
    for (const bytes of [0, 1, 2, 3, 4, 100]) expect(base64Bytes(data(bytes))).toBe(bytes);
  });
});
