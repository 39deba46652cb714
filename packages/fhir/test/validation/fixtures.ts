import { readFileSync } from 'node:fs';
import type { Resource } from 'fhir/r4.js';

/** The official FHIR R4 examples stored under fixtures/ (their sources: fixtures/README.md). */
export const OFFICIAL_EXAMPLES = [
  'task-example1.json',
  'task-example2.json',
  'task-example3.json',
  'careplan-f001.json',
  'careplan-gpvisit.json',
  'careteam-example.json',
  'goal-example.json',
] as const;

/** A fresh copy of an example (tests change them). */
export function officialExample(
  file: (typeof OFFICIAL_EXAMPLES)[number],
): Resource & Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as Resource &
    Record<string, unknown>;
}
