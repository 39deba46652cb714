import { createResourceValidator } from '../../src/index.js';

const validator = createResourceValidator({ types: ['Bundle'] });

/**
 * What is wrong with a Bundle the server answers a search or a history with, as the HL7
 * validator would see it: the project's R4 validator (the R4 JSON Schema with the
 * StructureDefinitions' required elements, so no empty array, no Task without `intent` in an
 * entry, and the Bundle invariants), plus what the HL7 validator adds for these Bundles: every
 * entry of a `searchset` has a `fullUrl`, a `resource` and a `search.mode`. Empty when valid.
 */
export function searchsetProblems(body: unknown): string[] {
  const result = validator.validate(body, { type: 'Bundle' });
  const problems = result.ok
    ? []
    : result.issues.map((i) => `${i.expression?.join(', ') ?? ''}: ${i.diagnostics ?? i.code}`);
  const bundle = body as { type?: unknown; entry?: unknown };
  if (bundle.type === 'searchset' && Array.isArray(bundle.entry)) {
    (bundle.entry as Record<string, unknown>[]).forEach((entry, i) => {
      if (typeof entry.fullUrl !== 'string') problems.push(`Bundle.entry[${i}]: no fullUrl`);
      if (typeof entry.resource !== 'object') problems.push(`Bundle.entry[${i}]: no resource`);
      const search = entry.search as { mode?: unknown } | undefined;
      if (typeof search?.mode !== 'string') problems.push(`Bundle.entry[${i}]: no search.mode`);
    });
  }
  return problems;
}
