export { provisionTestInfrastructure, type TestInfrastructure } from './infra/provision.js';
export { createTestDatabase, testServerUrl, type TestDatabase } from './test-database.js';
export { testKafkaBrokers, uniqueName } from './test-kafka.js';
export {
  startKafkaBroker,
  type KafkaBroker,
  type KafkaBrokerOptions,
  type KafkaScramUser,
} from './infra/kafka-broker.js';
export { freeLoopbackPort } from './infra/free-port.js';
export { repositoryRoot } from './infra/repository-root.js';
export {
  createRunDirectory,
  reapAbandonedRuns,
  RUNS_ROOT,
  type RunDirectory,
} from './infra/run-directory.js';
export {
  deciderSpecification,
  type DeciderLike,
  type DeciderSpecification,
  type DeciderThen,
} from './decider-specification.js';
export { seededRandom } from './seeded-random.js';
export { ensurePythonEnvironment } from './infra/python-environment.js';
export {
  startRestartableKafkaBroker,
  type RestartableKafkaBroker,
  type RestartableKafkaBrokerOptions,
} from './infra/restartable-kafka-broker.js';
export { startPostgresCluster, type PostgresCluster } from './infra/postgres-cluster.js';
export { postgresClusterControl, type PostgresClusterControl } from './infra/postgres-control.js';
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from './infra/tcp-proxy.js';
export {
  devToken,
  requireGatewayBuilt,
  runCarenetToken,
  spawnGateway,
  startGatewayProcess,
  waitForHealthy,
  type DevIssuerOf,
  type RunningGateway,
  type GatewayProcessOptions,
} from './infra/gateway-process.js';
export {
  ensureHl7ValidatorJars,
  startHl7Validator,
  type Hl7ValidationError,
  type Hl7ValidationResult,
  type Hl7Validator,
} from './infra/hl7-validator.js';
export {
  NETWORK_SERVICES,
  startLocalNetwork,
  type LocalNetwork,
  type LocalNetworkOptions,
  type NetworkProcess,
  type NetworkServiceName,
} from './infra/local-network.js';
