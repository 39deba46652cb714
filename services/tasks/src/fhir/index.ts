export { createTaskCommand } from './create-task-command.js';
export { responsibilityParameters } from './responsibility-parameters.js';
export {
  COOPERATION_MODE_SYSTEM,
  RESPONSIBILITY_OPERATION,
  TASK_EXTENSIONS,
  TRANSFER_OPERATION,
} from './task-canonical.js';
export {
  RESPONSIBILITY_OPERATION_DEFINITION,
  TASK_OPERATION_DEFINITIONS,
  TRANSFER_OPERATION_DEFINITION,
} from './task-operation-definitions.js';
export { taskResource } from './task-resource.js';
export { transferTaskCommand } from './transfer-task-command.js';
export { updateTaskCommands } from './update-task-commands.js';
