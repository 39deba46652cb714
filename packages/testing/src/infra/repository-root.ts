import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The carenet checkout this module lives in (the folder holding pnpm-workspace.yaml). */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the carenet repository root (pnpm-workspace.yaml)');
    dir = parent;
  }
  return dir;
}

/** Where downloaded runtimes (Kafka jars) are cached between runs. */
export function cacheDirectory(): string {
  const explicit = process.env.CARENET_CACHE_DIR;
  if (explicit) return explicit;
  const base = process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/tmp', '.cache');
  return join(base, 'carenet');
}
