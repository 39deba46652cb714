// Jest 30, ESM throughout (the code is ESM, and so are dependencies such as fhir-kit-client):
// @swc/jest strips types (fast), Node's VM modules run the result (`--experimental-vm-modules`,
// set by the `jest` script and by scripts/test-all.mjs).
//
// Tiers, by file name:
//   unit         *.unit.test.ts   pure code, no I/O, no infrastructure
//   integration  *.int.test.ts    real PostgreSQL / Kafka (provisioned by the global setup)
//                test/e2e/**      services as separate processes
//   faults       test/faults/**   the gateway under load through broker, database and network faults
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023', keepClassNames: true },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: {
    // Source imports say `./x.js` (NodeNext); in tests they resolve to `./x.ts`.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Workspace packages are tested from source, not from their build output.
    '^@carenet/contracts$': '<rootDir>/contracts/src/index.ts',
    '^@carenet/(tasks|care-plans|protocols|shared-info|gateway)$': '<rootDir>/services/$1/src/index.ts',
    '^@carenet/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/** @type {import('jest').Config} */
export default {
  // Integration tests wait on real servers; a shared, loaded CI machine can be slow.
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,services,contracts,test}/**/*.unit.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services}/**/*.int.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/jest/global-setup.mjs',
      globalTeardown: '<rootDir>/test/jest/global-teardown.mjs',
    },
    {
      // Fault injection (test/faults): starts its own PostgreSQL and Kafka (it kills and restarts
      // them), so it has no global setup; about 5 minutes.
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
      // Its checker's unit tests belong to the unit tier.
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.unit\\.test\\.ts$'],
    },
    {
      // Conformance (test/conformance, README there): the gateway process (embedded mode, PGlite)
      // and the official HL7 validator (a JVM), every response body validated; needs `pnpm build`
      // first; no global setup. Its deep-diff unit tests belong to the unit tier.
      ...common,
      displayName: 'conformance',
      testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.unit\\.test\\.ts$'],
    },
  ],
};
