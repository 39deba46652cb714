export * from './access-recorded.js';
export * from './event-store-access-audit.js';
