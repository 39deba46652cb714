export * from './data-category.js';
export * from './access-facts.js';
export * from './access-decision.js';
