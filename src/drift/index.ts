// Drift (pure): a field-level diff of desired against live that names the field manager who wrote
// each differing value. The live objects come from kube/'s watch-fed cache.
export {
  diffObject,
  matchesDesired,
  MAX_VALUE_LENGTH,
  type FieldDrift,
  type ObjectDrift,
} from './diff.ts';
export {
  formatFieldPath,
  ownerOf,
  parseFieldsV1,
  readManagedFields,
  type FieldOwner,
  type FieldPath,
  type ManagedFieldSet,
  type PathElement,
} from './fields.ts';
export { parseQuantity, quantitiesEqual } from './quantity.ts';
