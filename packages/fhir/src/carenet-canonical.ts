/**
 * The one canonical base of carenet's own FHIR artefacts (DESIGN.md §5): code systems,
 * extensions, naming systems and operation definitions are all named under it, here and nowhere
 * else. Changing it changes every URL a client sees, so it never changes once released.
 */
export const CARENET_CANONICAL_BASE = 'https://carenet.example.org/fhir';

/** `…/CodeSystem/<name>`: a project code system (cooperation modes, business rules…). */
export const carenetCodeSystem = (name: string): string => `${CARENET_CANONICAL_BASE}/CodeSystem/${name}`;

/** `…/StructureDefinition/<name>`: a project extension. */
export const carenetExtension = (name: string): string =>
  `${CARENET_CANONICAL_BASE}/StructureDefinition/${name}`;

/** `…/NamingSystem/<name>`: a project identifier system (client ids…). */
export const carenetNamingSystem = (name: string): string => `${CARENET_CANONICAL_BASE}/NamingSystem/${name}`;

/** `…/OperationDefinition/<name>`: a project operation (`$transfer`…). */
export const carenetOperation = (name: string): string =>
  `${CARENET_CANONICAL_BASE}/OperationDefinition/${name}`;
