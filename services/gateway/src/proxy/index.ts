export {
  DEFAULT_BATCH_CONCURRENCY,
  FhirProxyConfigError,
  fhirProxyRouter,
  type FhirProxyOptions,
  type FhirProxyRouter,
} from './fhir-proxy-router.js';
export {
  PROXY_SERVICES,
  REQUIRED_SERVICES,
  routingTable,
  RoutingTableError,
  SERVICE_TYPES,
  type ServiceName,
} from './routing-table.js';
export {
  proxyUpstreamsFromEnv,
  serviceUrlVariable,
  type ProxyUpstreamsResult,
} from './upstreams-from-env.js';
export {
  DEFAULT_PROXY_TIMEOUTS,
  DEFAULT_CONNECTIONS_PER_SERVICE,
  type ProxyTimeouts,
} from './upstream-client.js';
export { DEFAULT_METADATA_CACHE_MS, UNREACHABLE_SERVICE_TAG_SYSTEM } from './merged-capability.js';
export { DEFAULT_MAX_BODY_BYTES } from './request-body.js';
