import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ContractLoadError, type ContractFileProblem } from './errors.js';
import { CONTEXT_PATTERN, SCHEMA_FILE_PATTERN } from './event-naming.js';

/** A schema file found under the events folder, named `<context>/<EventName>.v<N>.schema.json`. */
export interface SchemaFile {
  readonly context: string;
  readonly eventName: string;
  readonly version: number;
  /** `<context>/<EventName>.v<N>.schema.json`, with `/` on every platform. */
  readonly relativePath: string;
  readonly absolutePath: string;
}

export interface SchemaFileListing {
  /** Sorted by context, event name, then version. */
  readonly files: readonly SchemaFile[];
  /** Entries that do not follow the layout. */
  readonly problems: readonly ContractFileProblem[];
}

/** Dotfiles (`.gitkeep`) and notes (`README.md`) may sit anywhere; nothing else may. */
function isIgnored(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.md');
}

/**
 * Lists `<eventsDir>/<context>/<EventName>.v<N>.schema.json`, and reports anything else found
 * there. Throws a ContractLoadError when the folder itself does not exist.
 */
export function listSchemaFiles(eventsDir: string): SchemaFileListing {
  let entries;
  try {
    entries = readdirSync(eventsDir, { withFileTypes: true });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ContractLoadError(eventsDir, [
      { file: '.', message: `cannot read the events folder: ${message}` },
    ]);
  }
  const files: SchemaFile[] = [];
  const problems: ContractFileProblem[] = [];
  for (const entry of entries) {
    if (isIgnored(entry.name)) continue;
    if (!isDirectory(join(eventsDir, entry.name))) {
      problems.push({ file: entry.name, message: 'a schema file must be in a context folder' });
      continue;
    }
    if (!CONTEXT_PATTERN.test(entry.name)) {
      problems.push({ file: entry.name, message: 'a context folder name must be kebab-case' });
      continue;
    }
    const context = entry.name;
    for (const name of readdirSync(join(eventsDir, context))) {
      const relativePath = `${context}/${name}`;
      if (isIgnored(name)) continue;
      const groups = SCHEMA_FILE_PATTERN.exec(name)?.groups;
      if (isDirectory(join(eventsDir, context, name))) {
        problems.push({ file: relativePath, message: 'no folders inside a context folder' });
      } else if (!groups?.eventName || !groups.version) {
        problems.push({
          file: relativePath,
          message: 'the name must be <EventName>.v<N>.schema.json (EventName in PascalCase, N ≥ 1)',
        });
      } else {
        files.push({
          context,
          eventName: groups.eventName,
          version: Number(groups.version),
          relativePath,
          absolutePath: join(eventsDir, context, name),
        });
      }
    }
  }
  files.sort(
    (a, b) =>
      compareStrings(a.context, b.context) ||
      compareStrings(a.eventName, b.eventName) ||
      a.version - b.version,
  );
  problems.sort((a, b) => compareStrings(a.file, b.file));
  return { files, problems };
}

function isDirectory(path: string): boolean {
  // A dangling link is not a folder: it is then reported as a file that cannot be read.
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
