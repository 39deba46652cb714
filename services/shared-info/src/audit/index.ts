export * from './audit-event-provider.js';
export * from './audit-event-resource.js';
export * from './audit-records-subscriber.js';
