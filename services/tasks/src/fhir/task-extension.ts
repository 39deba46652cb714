import type { Extension, Task } from 'fhir/r4.js';
import type { ValidationIssues } from '@carenet/eventsourcing';

/** The FHIRPath of an extension of the Task: `Task.extension('<url>')`. */
export function extensionPath(url: string): string {
  return `Task.extension('${url}')`;
}

/** The one extension of the Task with this url; repeated is an issue (`undefined` then). */
export function singleExtension(
  resource: Task,
  url: string,
  issues: ValidationIssues,
): Extension | undefined {
  const found = (resource.extension ?? []).filter((extension) => extension.url === url);
  if (found.length > 1) {
    issues.add(extensionPath(url), 'is given more than once');
    return;
  }
  return found[0];
}
