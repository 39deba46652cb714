// The official HL7 FHIR R4 validator (HAPI's FhirInstanceValidator, infra/hl7-validator/) as one
// long-lived JVM: documents go to its stdin one per line, results come back one JSON line each.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cacheDirectory, repositoryRoot } from './repository-root.js';

/** One message of the validator (severity error or fatal, or warning). */
export interface Hl7ValidationError {
  readonly severity: string;
  /** A FHIRPath-like location in the document, e.g. `Bundle.entry[0].resource.intent`. */
  readonly location: string;
  readonly message: string;
}

export interface Hl7ValidationResult {
  readonly errors: readonly Hl7ValidationError[];
  /** How many messages of severity warning (information is not counted). */
  readonly warnings: number;
  /** The messages of severity warning. */
  readonly warningMessages: readonly Hl7ValidationError[];
}

export interface Hl7Validator {
  /** Validates one FHIR R4 JSON resource (an object, or its JSON text). */
  validate(resource: unknown): Promise<Hl7ValidationResult>;
  /** Ends the JVM (closes its stdin, then SIGTERM if it lingers). */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 180_000;
const MAIN_CLASS = 'org.carenet.hl7.ValidateStdin';

/**
 * The validator's jars and compiled class, resolved once per content of the pom and of
 * ValidateStdin.java into `$CARENET_CACHE_DIR/hl7-validator/<hash>/` (Maven from Debian if missing).
 */
export function ensureHl7ValidatorJars(log: (line: string) => void): string {
  const here = join(repositoryRoot(), 'infra', 'hl7-validator');
  const digest = createHash('sha256')
    .update(readFileSync(join(here, 'pom.xml')))
    .update(readFileSync(join(here, 'src', 'main', 'java', 'org', 'carenet', 'hl7', 'ValidateStdin.java')))
    .digest('hex')
    .slice(0, 16);
  const dir = join(cacheDirectory(), 'hl7-validator', digest);
  if (!existsSync(join(dir, '.complete')))
    log(`resolving the HL7 FHIR validator jars from Maven Central into ${dir} (once)`);
  const result = spawnSync('bash', [join(here, 'fetch-validator.sh'), dir], { stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`could not resolve the HL7 validator (fetch-validator.sh exited ${result.status})`);
  return dir;
}

/**
 * Starts the validator JVM and resolves once it has loaded the R4 definitions (tens of seconds);
 * `validate` then takes milliseconds per document. Results come back in the order sent.
 */
export async function startHl7Validator({
  log = () => undefined,
}: { log?: (line: string) => void } = {}): Promise<Hl7Validator> {
  const dir = ensureHl7ValidatorJars(log);
  const child = spawn(
    'java',
    ['-Xss4m', '-cp', `${join(dir, 'lib', '*')}:${join(dir, 'classes')}`, MAIN_CLASS],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let exited: string | undefined;
  const waiting: {
    resolve: (result: Hl7ValidationResult) => void;
    reject: (error: Error) => void;
  }[] = [];
  const failAll = (reason: string) => {
    for (const pending of waiting.splice(0)) pending.reject(new Error(reason));
  };
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the HL7 validator was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${stderr}`));
    }, READY_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^READY$/m.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      exited = `the HL7 validator exited with ${code ?? signal}:\n${stderr}`;
      clearTimeout(timer);
      reject(new Error(exited));
      failAll(exited);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const pending = waiting.shift();
    if (pending === undefined) return;
    try {
      const parsed = JSON.parse(line) as Hl7ValidationResult;
      pending.resolve({
        errors: parsed.errors,
        warnings: parsed.warnings,
        warningMessages: parsed.warningMessages,
      });
    } catch {
      pending.reject(new Error(`unexpected line from the HL7 validator: ${line}`));
    }
  });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    validate(resource: unknown): Promise<Hl7ValidationResult> {
      if (exited !== undefined) return Promise.reject(new Error(exited));
      return new Promise((resolve, reject) => {
        // One document per line: re-serialised, so no raw newline can split it.
        const line = JSON.stringify(
          typeof resource === 'string' ? (JSON.parse(resource) as unknown) : resource,
        );
        waiting.push({ resolve, reject });
        child.stdin.write(`${line}\n`);
      });
    },
    async stop(): Promise<void> {
      if (exited !== undefined) return;
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
      await ended;
      clearTimeout(timer);
    },
  };
}
