import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A path under contracts/test/fixtures/. */
export function fixture(...parts: string[]): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'fixtures', ...parts);
}
