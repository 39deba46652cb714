import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareSchemas, type BreakingChange } from './compatibility.js';
import { loadContractRegistry } from './contract-registry.js';
import { ReleaseRefusedError } from './errors.js';
import { isJsonObject, type JsonSchema } from './json.js';
import {
  readReleaseLock,
  releasedCopyOf,
  sha256,
  writeReleaseLock,
  type ReleaseLock,
  type ReleasedSchema,
} from './release-lock.js';

export type ReleaseViolationKind =
  'incompatible' | 'deleted' | 'unreadable' | 'released-copy-missing' | 'released-copy-altered';

/** A released schema that may no longer be used as it is: fix it, or publish a new version. */
export interface ReleaseViolation {
  readonly kind: ReleaseViolationKind;
  /** `<context>/<EventName>.v<N>.schema.json` */
  readonly file: string;
  readonly ceType: string;
  /** For `incompatible`: what changed; empty otherwise. */
  readonly changes: readonly BreakingChange[];
  readonly message: string;
}

/** A schema file and its `ce_type`. */
export interface ReleaseFile {
  readonly file: string;
  readonly ceType: string;
}

/** What `release` would do. */
export interface ReleasePlan {
  readonly eventsDir: string;
  readonly lockFile: string;
  /** When not empty, nothing may be released. */
  readonly violations: readonly ReleaseViolation[];
  /** Schemas not released yet. */
  readonly added: readonly ReleaseFile[];
  /** Released schemas whose file changed compatibly (wording, a new optional property). */
  readonly updated: readonly ReleaseFile[];
  readonly unchanged: readonly ReleaseFile[];
}

/**
 * The released schemas (per `lockFile`) that the files of `eventsDir` break: a released file
 * deleted, or changed incompatibly (see `compareSchemas`). Also reports a released copy that
 * is missing or does not match its hash. New files and new versions are not violations.
 */
export function checkReleased(eventsDir: string, lockFile: string): ReleaseViolation[] {
  const lock = readReleaseLock(lockFile);
  const violations: ReleaseViolation[] = [];
  for (const [file, entry] of Object.entries(lock.released).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const violation = checkOne(eventsDir, lockFile, file, entry);
    if (violation) violations.push(violation);
  }
  return violations;
}

function checkOne(
  eventsDir: string,
  lockFile: string,
  file: string,
  entry: ReleasedSchema,
): ReleaseViolation | undefined {
  const violation = (
    kind: ReleaseViolationKind,
    message: string,
    changes: readonly BreakingChange[] = [],
  ) => ({
    kind,
    file,
    ceType: entry.ceType,
    changes,
    message: `${file} (${entry.ceType}): ${message}`,
  });
  const copy = releasedCopyOf(lockFile, file);
  if (!existsSync(copy)) return violation('released-copy-missing', `the released copy ${copy} is missing`);
  const releasedBytes = readFileSync(copy);
  if (sha256(releasedBytes) !== entry.sha256) {
    return violation(
      'released-copy-altered',
      `the released copy ${copy} does not match the sha256 in the lock`,
    );
  }
  const currentFile = join(eventsDir, ...file.split('/'));
  if (!existsSync(currentFile)) {
    return violation(
      'deleted',
      'released, then deleted: a released schema must stay (publish a new version instead)',
    );
  }
  const currentBytes = readFileSync(currentFile);
  if (currentBytes.equals(releasedBytes)) return undefined;
  const released = parseSchema(releasedBytes.toString('utf8'));
  const current = parseSchema(currentBytes.toString('utf8'));
  if (released === undefined)
    return violation('released-copy-altered', `the released copy ${copy} is not JSON`);
  if (current === undefined) return violation('unreadable', 'the current file is not a JSON Schema');
  const changes = compareSchemas(released, current);
  if (changes.length === 0) return undefined;
  const list = changes.map((c) => `\n      ${c.path || '(root)'}: ${c.message} [${c.kind}]`).join('');
  return violation(
    'incompatible',
    `changed incompatibly since its release (publish a new version instead):${list}`,
    changes,
  );
}

function parseSchema(text: string): JsonSchema | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'boolean' || isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compares the schemas of `eventsDir` with the lock: violations first (when there are any,
 * nothing else is planned), then the schemas to add and the released schemas changed
 * compatibly (their copy is refreshed on release). The folder is loaded as a registry, so a
 * badly named or malformed schema throws a ContractLoadError.
 */
export function planRelease(eventsDir: string, lockFile: string): ReleasePlan {
  const violations = checkReleased(eventsDir, lockFile);
  if (violations.length > 0)
    return { eventsDir, lockFile, violations, added: [], updated: [], unchanged: [] };
  const registry = loadContractRegistry(eventsDir);
  const lock = readReleaseLock(lockFile);
  const added: ReleaseFile[] = [];
  const updated: ReleaseFile[] = [];
  const unchanged: ReleaseFile[] = [];
  for (const { file, ceType } of registry.contracts) {
    const entry = lock.released[file];
    if (!entry) {
      added.push({ file, ceType });
      continue;
    }
    const current = readFileSync(join(eventsDir, ...file.split('/')));
    (sha256(current) === entry.sha256 ? unchanged : updated).push({ file, ceType });
  }
  return { eventsDir, lockFile, violations, added, updated, unchanged };
}

/**
 * Records every current schema as released: copies the added and updated files under
 * `released/` and rewrites the lock. Throws a ReleaseRefusedError when the plan has violations.
 */
export function writeRelease(plan: ReleasePlan): ReleaseLock {
  if (plan.violations.length > 0) throw new ReleaseRefusedError(plan.violations);
  const released: Record<string, ReleasedSchema> = { ...readReleaseLock(plan.lockFile).released };
  for (const { file, ceType } of [...plan.added, ...plan.updated]) {
    const copy = releasedCopyOf(plan.lockFile, file);
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(join(plan.eventsDir, ...file.split('/')), copy);
    released[file] = { ceType, sha256: sha256(readFileSync(copy)) };
  }
  const lock = { released };
  writeReleaseLock(plan.lockFile, lock);
  return lock;
}
