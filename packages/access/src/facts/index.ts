export * from './fact-keys.js';
export * from './access-facts-migrations.js';
export * from './postgres-access-facts.js';
export * from './patient-key-of-resource.js';
export * from './facts-access-gate.js';
export * from './access-facts-source.js';
