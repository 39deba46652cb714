// The validator's findings as text: the table of requests, the messages grouped by kind, the
// totals. Printed by the conformance report and at the end of the conformance tier.
import type { Hl7ValidationError } from '@carenet/testing';
import type { Row } from './validated-client.js';

export type Out = (line?: string) => void;

/** A message with its variable parts (quoted values, URLs, ids, numbers) blanked: one kind per rule. */
export function kindOf(message: string): string {
  // A quote opens and closes outside words (not the apostrophe of "can't"); a number that ends a
  // rule's name (dom-6, ctm-1) is part of it.
  return message
    .replace(/(?<![A-Za-z])'[^']*'(?![A-Za-z])/g, "'…'")
    .replace(/\b(?:https?|urn):[^\s'"]+/g, '…')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/(?<![-\w])\d+\b/g, 'n');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Prints the messages of `rows` grouped by kind, most frequent first; returns how many kinds. */
export function printByKind(
  title: string,
  rows: readonly Row[],
  messagesOf: (row: Row) => readonly Hl7ValidationError[],
  out: Out,
): number {
  const kinds = new Map<string, { count: number; requests: Set<string>; example: Hl7ValidationError }>();
  for (const row of rows)
    for (const message of messagesOf(row)) {
      const kind = kindOf(message.message);
      const entry = kinds.get(kind) ?? { count: 0, requests: new Set<string>(), example: message };
      entry.count += 1;
      entry.requests.add(row.request);
      kinds.set(kind, entry);
    }
  out();
  out(`${title} by kind (${kinds.size}):`);
  for (const [, entry] of [...kinds].sort((a, b) => b[1].count - a[1].count)) {
    out();
    out(`  ${entry.count} x ${entry.example.message}`);
    out(`      at ${entry.example.location}`);
    const requests = [...entry.requests];
    const more = requests.length > 4 ? `; and ${requests.length - 4} more` : '';
    out(`      in ${requests.slice(0, 4).join('; ')}${more}`);
  }
  return kinds.size;
}

/** The table (request, status, errors, warnings), the errors and warnings by kind, the totals. */
export function printRows(rows: readonly Row[], out: Out): void {
  const width = Math.min(80, Math.max(...rows.map((row) => row.request.length)));
  out();
  out('HL7 FHIR validator (hapi-fhir-validation 8.8.1, R4 core) on every response body');
  out();
  out(`${pad('request', width)}  status  errors  warnings`);
  out(`${'-'.repeat(width)}  ------  ------  --------`);
  for (const row of rows) {
    const request = row.request.length > width ? `${row.request.slice(0, width - 1)}…` : row.request;
    const errors = row.skipped === undefined ? String(row.errors.length) : '-';
    const warnings = row.skipped === undefined ? String(row.warnings) : `(${row.skipped})`;
    out(`${pad(request, width)}  ${pad(String(row.status), 6)}  ${pad(errors, 6)}  ${warnings}`);
    if (row.note !== undefined) out(`    ${row.status}: ${row.note}`);
  }
  const errorKinds = printByKind('Errors', rows, (row) => row.errors, out);
  const warningKinds = printByKind('Warnings', rows, (row) => row.warningMessages, out);
  const validated = rows.filter((row) => row.skipped === undefined);
  const errorCount = validated.reduce((sum, row) => sum + row.errors.length, 0);
  const warningCount = validated.reduce((sum, row) => sum + row.warnings, 0);
  const clean = validated.filter((row) => row.errors.length === 0).length;
  out();
  out(
    `TOTAL: ${rows.length} requests, ${validated.length} bodies validated, ${clean} without errors; ` +
      `${errorCount} errors (${errorKinds} kinds), ${warningCount} warnings (${warningKinds} kinds)`,
  );
  out(
    errorCount === 0
      ? 'Conformance: zero validator errors.'
      : 'Conformance: NOT at zero validator errors yet.',
  );
}

/** The validator errors of `rows`, one line each (request, location, message), for a failing test. */
export function errorLines(rows: readonly Row[]): string[] {
  return rows.flatMap((row) =>
    row.errors.map((error) => `${row.request} (${row.status}): ${error.location}: ${error.message}`),
  );
}
