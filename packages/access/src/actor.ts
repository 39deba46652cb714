/**
 * Who acts: the authenticated party behind a request, recorded on every event it causes.
 * Plain JSON (it is stored in events) and compared by national identifier, never by name.
 */

/** A national identifier: `system` is the naming system URI (DESIGN.md §5). */
export interface ActorIdentifier {
  readonly system: string;
  readonly value: string;
}

/** Where a professional works (DOMAIN.md §4: access rules depend on it). */
export type Sector = 'hospital' | 'primary-care' | 'medico-social' | 'social';
export const SECTORS: readonly Sector[] = ['hospital', 'primary-care', 'medico-social', 'social'];

/** A health, medico-social or social professional, identified by IDNPS or RPPS. */
export interface ProfessionalActor {
  readonly kind: 'professional';
  readonly identifier: ActorIdentifier;
  /** Profession code (for France: NOS TRE_G15 ProfessionSante, e.g. 10 doctor, 60 nurse, 21 pharmacist). */
  readonly profession: { readonly system: string; readonly code: string; readonly display?: string };
  /** The organisation the professional acts for (FINESS), when known. */
  readonly organization?: ActorIdentifier;
  readonly sector: Sector;
  readonly name?: string;
}

/** A software system acting on its own behalf (SMART backend services): an EHR, a regional platform. */
export interface SystemActor {
  readonly kind: 'system';
  readonly clientId: string;
  readonly organization?: ActorIdentifier;
  /** An administrator system may do what the rules reserve to administration (e.g. entered-in-error). */
  readonly administrator?: boolean;
}

/** The patient, identified by INS. */
export interface PatientActor {
  readonly kind: 'patient';
  readonly identifier: ActorIdentifier;
}

export type Actor = ProfessionalActor | SystemActor | PatientActor;

/** Whether two actors are the same party (same kind and same national identifier or client id). */
export function sameActor(a: Actor, b: Actor): boolean {
  if (a.kind === 'system' || b.kind === 'system') {
    return a.kind === 'system' && b.kind === 'system' && a.clientId === b.clientId;
  }
  return (
    a.kind === b.kind &&
    a.identifier.system === b.identifier.system &&
    a.identifier.value === b.identifier.value
  );
}
