export { CARE_TEAM_EXTENSIONS } from './care-team-canonical.js';
export { careTeamResource } from './care-team-resource.js';
export { DEFAULT_CARE_TEAM_STATUS, formCareTeamCommand } from './form-care-team-command.js';
export { updateCareTeamCommands } from './update-care-team-commands.js';
