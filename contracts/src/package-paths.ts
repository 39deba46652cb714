import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of this package (`contracts/`), found from this module whether it runs from
 * `src/` (tests) or `dist/src/` (build): the nearest folder holding a package.json.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return dirname(fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** `contracts/`: the package folder. */
export const CONTRACTS_DIR = findPackageRoot();

/** `contracts/events/`: one folder per context, one JSON Schema per event type and version. */
export const EVENTS_DIR = join(CONTRACTS_DIR, 'events');

/** `contracts/asyncapi.yaml`: the AsyncAPI 3.0 document of the topics. */
export const ASYNCAPI_FILE = join(CONTRACTS_DIR, 'asyncapi.yaml');

/** `contracts/released.lock.json`: the index of released schemas (copies under `released/`). */
export const RELEASE_LOCK_FILE = join(CONTRACTS_DIR, 'released.lock.json');
