export { GOAL_EXTENSIONS } from './goal-canonical.js';
export { goalResource } from './goal-resource.js';
export { setGoalCommand } from './set-goal-command.js';
export { updateGoalCommands } from './update-goal-commands.js';
