import type { Actor } from '@carenet/access';
import { ValidationIssues } from '@carenet/eventsourcing';
import type { DocumentReference } from 'fhir/r4.js';
import type {
  DocumentReferenceCommand,
  ExistingDocumentReference,
  RecordDocumentReference,
} from '../../document-reference/index.js';
import { optional } from '../../shared/optional.js';
import { documentReferenceOfResource } from './document-reference-of-resource.js';

interface Input {
  readonly actor: Actor;
  readonly now: string;
  /** The most inline attachment data a DocumentReference carries (decoded bytes; 413 beyond). */
  readonly maxInlineBytes: number;
}

/** The RecordDocumentReference a POSTed DocumentReference stands for. */
export function recordDocumentReferenceCommand(
  resource: DocumentReference,
  input: Input & { readonly documentReferenceId: string },
): RecordDocumentReference {
  const issues = new ValidationIssues();
  const { status, information, kept } = documentReferenceOfResource(resource, issues, input);
  issues.throwIfAny();
  if (status === undefined || information === undefined) return issues.fail();
  return {
    type: 'RecordDocumentReference',
    documentReferenceId: input.documentReferenceId,
    actor: input.actor,
    now: input.now,
    document: { ...information, status, ...optional('kept', kept) },
  };
}

/** The command a PUT of a DocumentReference stands for: one ReviseDocumentReference. */
export function updateDocumentReferenceCommands(
  _state: ExistingDocumentReference,
  resource: DocumentReference,
  input: Input,
): DocumentReferenceCommand[] {
  const issues = new ValidationIssues();
  const { status, information, kept } = documentReferenceOfResource(resource, issues, input);
  issues.throwIfAny();
  if (status === undefined || information === undefined) return issues.fail();
  return [
    {
      type: 'ReviseDocumentReference',
      actor: input.actor,
      now: input.now,
      status,
      information,
      ...optional('kept', kept),
    },
  ];
}
