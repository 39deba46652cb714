export {
  FR_CORE_IDENTITY_RELIABILITY,
  IDENTITY_RELIABILITY_SYSTEM,
  IDENTITY_STATUS_CODES,
  IDENTITY_STATUS_SUB_EXTENSION,
  PATIENT_EXTENSIONS,
} from './patient-canonical.js';
export { patientResource } from './patient-resource.js';
export { registerPatientCommand } from './register-patient-command.js';
export { updatePatientCommands, type MergeTargetLookup } from './update-patient-commands.js';
