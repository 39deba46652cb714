export * from './care-plan/index.js';
export * as careTeam from './care-team/index.js';
export * as goal from './goal/index.js';
