import { carenetExtension } from '@carenet/fhir';
import type { Extension } from 'fhir/r4.js';
import type { ValidationIssues } from '@carenet/eventsourcing';

/** The FHIRPath of an extension of an element: `<elementPath>.extension('<url>')`. */
export function extensionPath(elementPath: string, url: string): string {
  return `${elementPath}.extension('${url}')`;
}

/** The one extension with this url among `extensions`; repeated is an issue (`undefined` then). */
export function singleExtension(
  extensions: readonly Extension[] | undefined,
  elementPath: string,
  url: string,
  issues: ValidationIssues,
): Extension | undefined {
  const found = (extensions ?? []).filter((extension) => extension.url === url);
  if (found.length > 1) {
    issues.add(extensionPath(elementPath, url), 'is given more than once');
    return;
  }
  return found[0];
}

/**
 * `recorded-by` (valueReference): who made the latest change of the resource. Server-owned,
 * ignored in request bodies. The same URL as on Task, CarePlan, CareTeam and Goal.
 */
export const RECORDED_BY_EXTENSION: string = carenetExtension('recorded-by');
