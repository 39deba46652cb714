import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ReleaseLockError } from './errors.js';
import { CONTEXT_PATTERN, SCHEMA_FILE_PATTERN } from './event-naming.js';
import { isJsonObject } from './json.js';

/**
 * `released.lock.json`: which schema files were released. The released body of each is kept,
 * byte for byte, under `released/<context>/<file>` next to the lock (so the compatibility
 * check needs no git history), and the lock records its SHA-256 so a hand edit shows.
 */
export interface ReleaseLock {
  /** Keyed by `<context>/<EventName>.v<N>.schema.json`. */
  readonly released: Readonly<Record<string, ReleasedSchema>>;
}

export interface ReleasedSchema {
  readonly ceType: string;
  /** SHA-256 (hex) of the released copy. */
  readonly sha256: string;
}

export const RELEASE_LOCK_VERSION = 1;

const COMMENT =
  'Released event schemas: copies under released/, written by `node contracts/dist/src/release-cli.js release` (see contracts/README.md). Do not edit by hand.';

/** The folder of the released copies: `released/` next to the lock file. */
export function releasedDirOf(lockFile: string): string {
  return join(dirname(lockFile), 'released');
}

/** Where the released copy of `<context>/<file>` is. */
export function releasedCopyOf(lockFile: string, relativePath: string): string {
  return join(releasedDirOf(lockFile), ...relativePath.split('/'));
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads and checks the lock file; throws a ReleaseLockError when it is missing or malformed. */
export function readReleaseLock(lockFile: string): ReleaseLock {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (cause) {
    throw new ReleaseLockError(
      lockFile,
      `cannot read it (${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ReleaseLockError(
      lockFile,
      `not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
  if (
    !isJsonObject(parsed) ||
    parsed.lockfileVersion !== RELEASE_LOCK_VERSION ||
    !isJsonObject(parsed.released)
  ) {
    throw new ReleaseLockError(
      lockFile,
      `expected {"lockfileVersion": ${RELEASE_LOCK_VERSION}, "released": {...}}`,
    );
  }
  const released: Record<string, ReleasedSchema> = {};
  for (const [file, entry] of Object.entries(parsed.released)) {
    const [context, name, ...rest] = file.split('/');
    const wellNamed =
      context !== undefined &&
      CONTEXT_PATTERN.test(context) &&
      name !== undefined &&
      SCHEMA_FILE_PATTERN.test(name);
    if (!wellNamed || rest.length > 0) {
      throw new ReleaseLockError(
        lockFile,
        `${JSON.stringify(file)} is not <context>/<EventName>.v<N>.schema.json`,
      );
    }
    if (!isJsonObject(entry) || typeof entry.ceType !== 'string' || typeof entry.sha256 !== 'string') {
      throw new ReleaseLockError(
        lockFile,
        `${JSON.stringify(file)}: expected {"ceType": "...", "sha256": "..."}`,
      );
    }
    released[file] = { ceType: entry.ceType, sha256: entry.sha256 };
  }
  return { released };
}

/** The lock as written on disk: sorted keys, two-space JSON (already in Prettier's style). */
export function serializeReleaseLock(lock: ReleaseLock): string {
  const released = Object.fromEntries(
    Object.keys(lock.released)
      .sort()
      .map((file) => [file, lock.released[file]]),
  );
  return `${JSON.stringify({ $comment: COMMENT, lockfileVersion: RELEASE_LOCK_VERSION, released }, null, 2)}\n`;
}

/** Writes the lock file (through a temporary file and a rename, so a reader never sees half of it). */
export function writeReleaseLock(lockFile: string, lock: ReleaseLock): void {
  const temporary = `${lockFile}.${process.pid}.tmp`;
  writeFileSync(temporary, serializeReleaseLock(lock));
  renameSync(temporary, lockFile);
}
