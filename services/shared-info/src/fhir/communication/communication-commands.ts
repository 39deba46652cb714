import type { Actor } from '@carenet/access';
import { ValidationIssues } from '@carenet/eventsourcing';
import type { Communication } from 'fhir/r4.js';
import type {
  CommunicationCommand,
  ExistingCommunication,
  RecordCommunication,
} from '../../communication/index.js';
import { optional } from '../../shared/optional.js';
import { communicationOfResource } from './communication-of-resource.js';

interface Input {
  readonly actor: Actor;
  readonly now: string;
  /** The most inline attachment data a Communication carries (decoded bytes; 413 beyond). */
  readonly maxInlineBytes: number;
}

/** The RecordCommunication a POSTed Communication stands for; every content issue in one ValidationError. */
export function recordCommunicationCommand(
  resource: Communication,
  input: Input & { readonly communicationId: string },
): RecordCommunication {
  const issues = new ValidationIssues();
  const { status, information, kept } = communicationOfResource(resource, issues, input);
  issues.throwIfAny();
  if (status === undefined || information === undefined) return issues.fail();
  return {
    type: 'RecordCommunication',
    communicationId: input.communicationId,
    actor: input.actor,
    now: input.now,
    communication: { ...information, status, ...optional('kept', kept) },
  };
}

/** The command a PUT of a Communication stands for: one ReviseCommunication (the whole resource). */
export function updateCommunicationCommands(
  _state: ExistingCommunication,
  resource: Communication,
  input: Input,
): CommunicationCommand[] {
  const issues = new ValidationIssues();
  const { status, information, kept } = communicationOfResource(resource, issues, input);
  issues.throwIfAny();
  if (status === undefined || information === undefined) return issues.fail();
  return [
    {
      type: 'ReviseCommunication',
      actor: input.actor,
      now: input.now,
      status,
      information,
      ...optional('kept', kept),
    },
  ];
}
