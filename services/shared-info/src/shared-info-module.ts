import type { ServiceModule } from '@carenet/runtime';
import { informationAccessGate, informationPatientKeyOf } from './access/index.js';
import {
  consentAccessFactsSource,
  patientAccessFactsSource,
} from './projections/shared-info-access-facts-sources.js';
import {
  openSharedInfoService,
  SHARED_INFO_CATEGORIES,
  SHARED_INFO_CONTEXT,
  SHARED_INFO_SEARCH_SUPPORT,
  SHARED_INFO_TYPES,
} from './shared-info-service.js';

/**
 * The shared-information service as a process composes it (`@carenet/runtime`): Patient, Consent,
 * Communication, DocumentReference and the AuditEvents (the patient's access log, kept from
 * `carenet.audit`); the consents, objections, médecin traitant and aliases in the access facts;
 * shared information keyed and decided by its own data category.
 */
export const sharedInfoModule: ServiceModule = {
  name: SHARED_INFO_CONTEXT,
  categories: SHARED_INFO_CATEGORIES,
  types: [...SHARED_INFO_TYPES, 'AuditEvent'],
  searchSupport: SHARED_INFO_SEARCH_SUPPORT,
  operationDefinitions: [],
  accessFactsSources: [consentAccessFactsSource, patientAccessFactsSource],
  // The access log is the patient's: the care team does not search it.
  patientOnlyTypes: ['AuditEvent'],
  patientKeyOf: informationPatientKeyOf,
  // A Communication or DocumentReference is information of the category it states.
  accessGate: informationAccessGate,
  async open(dependencies) {
    const sharedInfo = await openSharedInfoService({
      db: dependencies.db,
      search: dependencies.search,
      registry: dependencies.registry,
      accessFacts: dependencies.accessFacts,
      ...(dependencies.clock !== undefined && { clock: dependencies.clock }),
      ...(dependencies.documentMaxInlineBytes !== undefined && {
        documentMaxInlineBytes: dependencies.documentMaxInlineBytes,
      }),
    });
    return {
      providers: sharedInfo.providers,
      store: sharedInfo.store,
      subscribers: sharedInfo.subscribers,
      stop: () => sharedInfo.stop(),
    };
  },
};
