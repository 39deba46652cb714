import type { Actor } from '@carenet/access';
import type { Plain } from '@carenet/eventsourcing';
import type { CommunicationContent } from './communication-content.js';

export interface NoCommunication {
  readonly exists: false;
}

export type ExistingCommunication = CommunicationContent & {
  readonly exists: true;
  readonly id: string;
  readonly lastModified: string;
  readonly lastModifiedBy: Plain<Actor>;
};

export type CommunicationState = NoCommunication | ExistingCommunication;

export function initialState(): CommunicationState {
  return { exists: false };
}
