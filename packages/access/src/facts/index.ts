export * from './fact-keys.js';
export * from './access-facts-migrations.js';
export * from './postgres-access-facts.js';
