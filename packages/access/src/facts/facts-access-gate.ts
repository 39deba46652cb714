import type { Resource } from 'fhir/r4.js';
import { ForbiddenError, type SqlExecutor } from '@carenet/eventsourcing';
import type {
  AccessGate,
  AccessGrant,
  AccessRequestDeclaration,
  PatientVisibility,
  Principal,
} from '@carenet/fhir';
import { actorOf } from '../access-principal.js';
import type { Actor } from '../actor.js';
import { decideAccess } from '../decision/access-decision.js';
import type { DataCategory } from '../decision/data-category.js';
import { patientKeyOfResource } from './patient-key-of-resource.js';
import type { PostgresAccessFacts } from './postgres-access-facts.js';

/** A SELECT of no patient key: the filter of a caller who may see no patient. */
const NOBODY: PatientVisibility = { sql: 'SELECT NULL::text WHERE false', params: [] };

export interface FactsAccessGateOptions {
  /** Where the facts are read (the service's database). */
  readonly db: SqlExecutor;
  readonly facts: PostgresAccessFacts;
  /** The instant decisions are for (default: the system clock). */
  readonly now?: () => Date;
  /** The category of information a resource type holds (default: medical). */
  readonly categoryOf?: (type: string) => DataCategory;
  /**
   * Types only the patient themself (and an administrator system) may see, whatever the care
   * relations and consents: the patient's access log (AuditEvent). Default: none.
   */
  readonly patientOnlyTypes?: readonly string[];
}

/** Whether `actor` may see a patient-only type at all: the patient, an administrator system. */
const seesPatientOnly = (actor: Actor): boolean =>
  actor.kind === 'patient' || (actor.kind === 'system' && actor.administrator === true);

/**
 * The router's access gate over a service's access facts (issue 18): a read of a patient's
 * resource is decided by `decideAccess` on what the facts say of that patient (403 with the reason
 * when denied; an emergency declared with `X-Carenet-Break-Glass` is decided as break-glass: a
 * permit flagged for the audit); a search or type history sees the patients `visiblePatients` gives. Resources
 * about no patient are not patient data: the scopes alone decide. Without an authenticated caller
 * (a router with no authenticator: tests, tools) everything is visible.
 */
export function factsAccessGate(options: FactsAccessGateOptions): AccessGate {
  const now = options.now ?? (() => new Date());
  const categoryOf = options.categoryOf ?? (() => 'medical' as const);
  const patientOnly = new Set(options.patientOnlyTypes ?? []);
  return {
    async checkRead(
      principal: Principal | undefined,
      resource: Resource,
      request?: AccessRequestDeclaration,
    ): Promise<AccessGrant | undefined> {
      if (principal === undefined) return;
      const key = patientKeyOfResource(resource);
      if (key === null) return;
      if (patientOnly.has(resource.resourceType) && !seesPatientOnly(actorOf(principal))) {
        throw new ForbiddenError(
          `${resource.resourceType}/${resource.id ?? ''} is shown to the patient it is about only`,
        );
      }
      const breakGlass = request?.breakGlass;
      const bar = key.indexOf('|');
      const patient = { system: key.slice(0, bar), value: key.slice(bar + 1) };
      const decision = decideAccess(
        {
          actor: actorOf(principal),
          patient,
          category: categoryOf(resource.resourceType),
          purpose: breakGlass === undefined ? 'treatment' : 'emergency',
          at: now().toISOString(),
          ...(breakGlass !== undefined && { breakGlass: { reason: breakGlass } }),
        },
        bar < 0
          ? { relations: [], consents: [], objections: [] }
          : await options.facts.factsOf(options.db, patient),
      );
      if (!decision.permit) {
        throw new ForbiddenError(
          `${resource.resourceType}/${resource.id ?? ''} is not shown to you: ${decision.reason}`,
        );
      }
      return {
        basis: decision.basis,
        reason: decision.reason,
        flagged: decision.flagged,
        ...(decision.source !== undefined && { source: decision.source }),
      };
    },
    visibility(principal: Principal | undefined, type: string): PatientVisibility | undefined {
      if (principal === undefined) return undefined;
      if (patientOnly.has(type) && !seesPatientOnly(actorOf(principal))) return NOBODY;
      const visible = options.facts.visiblePatients(
        actorOf(principal),
        categoryOf(type),
        now().toISOString(),
      );
      switch (visible.kind) {
        case 'all':
          return undefined;
        case 'none':
          return NOBODY;
        case 'some':
          return { sql: visible.sql, params: visible.params };
      }
    },
  };
}
