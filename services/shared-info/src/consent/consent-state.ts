import type { Actor } from '@carenet/access';
import type { Plain } from '@carenet/eventsourcing';
import type { ConsentContent } from './consent-content.js';

export interface NoConsent {
  readonly exists: false;
}

export type ExistingConsent = ConsentContent & {
  readonly exists: true;
  readonly id: string;
  /** When the consent was given (became active), if it was. */
  readonly givenAt?: string;
  /** When it was withdrawn, if it was. */
  readonly withdrawnAt?: string;
  readonly lastModified: string;
  readonly lastModifiedBy: Plain<Actor>;
};

export type ConsentState = NoConsent | ExistingConsent;

export function initialState(): ConsentState {
  return { exists: false };
}
