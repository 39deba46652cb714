export {
  informationAccessGate,
  informationCategoryOfResource,
  informationPatientKeyOf,
  SHARED_INFORMATION_TYPES,
} from './information-access.js';
