export * from './actor.js';
export * from './naming-systems.js';
export * from './smart-scopes.js';
export * from './actor-claims.js';
export * from './jwks-source.js';
export * from './access-principal.js';
export * from './token-verifier.js';
export * from './dev-issuer.js';
