import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  ContractLoadError,
  ContractSchemaError,
  InvalidEventDataError,
  UnknownEventTypeError,
  type ContractFileProblem,
} from './errors.js';
import {
  ceSourceOf,
  ceTypeOf,
  dataSchemaUrlOf,
  JSON_SCHEMA_DIALECT,
  topicOf,
  type EventTypeName,
} from './event-naming.js';
import { isJsonObject, pointerToken, type JsonObject } from './json.js';
import { EVENTS_DIR } from './package-paths.js';
import { PERSONAL_DATA_KEYWORD, SEALED, splitSealed, type SealedSplit } from './personal-data.js';
import { listSchemaFiles, type SchemaFile } from './schema-files.js';
import type {
  ValidationFailure,
  ValidationIssue,
  ValidationResult,
  ValidationSuccess,
} from './validation-result.js';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsModule.default;

/** The schema of one event type at one version, and the CloudEvents headers that go with it. */
export interface EventContract extends EventTypeName {
  /** `carenet.<context>.<EventName>.v<N>`: the `ce_type` header. */
  readonly ceType: string;
  /** The schema's `$id`: the `ce_dataschema` header. */
  readonly ceDataschema: string;
  /** `/carenet/<context>`: the `ce_source` header. */
  readonly ceSource: string;
  /** `carenet.<context>`: the topic the event is published on. */
  readonly topic: string;
  /** `<context>/<EventName>.v<N>.schema.json`, relative to the events folder. */
  readonly file: string;
  /** The JSON Schema of the event data (the Kafka record value). */
  readonly schema: JsonObject;
}

/** Every event schema of an events folder, and validation of event data against them. */
export interface ContractRegistry {
  /** The folder the schemas were loaded from. */
  readonly eventsDir: string;
  /** Every contract, sorted by context, event name and version. */
  readonly contracts: readonly EventContract[];
  /** The contract of a `ce_type`, or `undefined` when there is none. */
  get(ceType: string): EventContract | undefined;
  /**
   * Checks event data against the schema of its `ce_type`. Never throws for bad input: an
   * unknown `ce_type` or invalid data is a failure result carrying a typed error. Each schema
   * is compiled on its first use, then reused.
   */
  validate(ceType: string, data: unknown): ValidationResult;
  /** Compiles every schema now (at start-up, or in CI); throws a ContractSchemaError. */
  compileAll(): void;
  /**
   * Splits event data by the schema of its `ce_type` into what is published in clear and the values
   * its schema marks `"x-personal-data": "sealed"` (README, "Personal data on the topics"). Throws
   * UnknownEventTypeError for an unknown `ce_type`.
   */
  splitSealed<T extends object>(ceType: string, data: T): SealedSplit<T>;
}

interface Entry {
  readonly contract: EventContract;
  validator: ValidateFunction | undefined;
}

const VALID: ValidationSuccess = Object.freeze({ ok: true });

/**
 * Loads every `<context>/<EventName>.v<N>.schema.json` of `eventsDir` (by default this
 * package's `events/` folder). Each file must be a JSON Schema 2020-12 object schema whose
 * `$id` is its canonical URL and whose `title` is its `ce_type`; anything else in the folder
 * (dotfiles and `*.md` aside) is refused. Throws a ContractLoadError listing every problem.
 */
export function loadContractRegistry(eventsDir: string = EVENTS_DIR): ContractRegistry {
  const listing = listSchemaFiles(eventsDir);
  const problems: ContractFileProblem[] = [...listing.problems];
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, logger: false });
  addFormats(ajv);
  // `x-personal-data` marks a field holding personal data (README, "Personal data on the topics"):
  // `true` (published in clear) or `"sealed"`. An annotation for validation, declared so that strict
  // mode accepts it and refuses any other value.
  ajv.addKeyword({ keyword: PERSONAL_DATA_KEYWORD, metaSchema: { enum: [true, SEALED] } });

  const entries = new Map<string, Entry>();
  for (const file of listing.files) {
    const contract = readContract(file, problems);
    if (!contract) continue;
    try {
      ajv.addSchema(contract.schema);
    } catch (cause) {
      problems.push({
        file: file.relativePath,
        message: cause instanceof Error ? cause.message : String(cause),
      });
      continue;
    }
    entries.set(contract.ceType, { contract, validator: undefined });
  }
  if (problems.length > 0) throw new ContractLoadError(eventsDir, problems);

  const compile = (entry: Entry): ValidateFunction => {
    if (entry.validator) return entry.validator;
    try {
      entry.validator = ajv.getSchema(entry.contract.ceDataschema);
    } catch (cause) {
      throw new ContractSchemaError(entry.contract.ceType, cause);
    }
    if (!entry.validator) throw new ContractSchemaError(entry.contract.ceType, 'not registered');
    return entry.validator;
  };

  const contracts = [...entries.values()].map((entry) => entry.contract);
  return {
    eventsDir,
    contracts,
    get: (ceType) => entries.get(ceType)?.contract,
    validate(ceType, data) {
      const entry = entries.get(ceType);
      if (!entry) return unknownType(ceType);
      const validator = entry.validator ?? compile(entry);
      if (validator(data)) return VALID;
      const issues = toIssues(validator.errors);
      return { ok: false, error: new InvalidEventDataError(ceType, issues), errors: issues };
    },
    compileAll() {
      for (const entry of entries.values()) compile(entry);
    },
    splitSealed(ceType, data) {
      const entry = entries.get(ceType);
      if (!entry) throw new UnknownEventTypeError(ceType);
      return splitSealed(entry.contract.schema, data);
    },
  };
}

/** Reads one schema file and checks it against its name; records problems, returns the contract if sound. */
function readContract(file: SchemaFile, problems: ContractFileProblem[]): EventContract | undefined {
  const report = (message: string): void => {
    problems.push({ file: file.relativePath, message });
  };
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(file.absolutePath, 'utf8'));
  } catch (cause) {
    report(`not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
    return undefined;
  }
  if (!isJsonObject(schema)) {
    report('must be a JSON Schema object');
    return undefined;
  }

  const ceType = ceTypeOf(file);
  const ceDataschema = dataSchemaUrlOf(file);
  const before = problems.length;
  if (schema.$schema !== JSON_SCHEMA_DIALECT)
    report(`$schema must be ${JSON.stringify(JSON_SCHEMA_DIALECT)}`);
  if (schema.$id !== ceDataschema) {
    report(`$id must be ${JSON.stringify(ceDataschema)} (got ${JSON.stringify(schema.$id ?? null)})`);
  }
  if (schema.title !== ceType) {
    report(
      `title must be the ce_type ${JSON.stringify(ceType)} (got ${JSON.stringify(schema.title ?? null)})`,
    );
  }
  if (schema.type !== 'object') report('the event data must be an object: "type": "object"');
  if (problems.length > before) return undefined;

  return {
    context: file.context,
    eventName: file.eventName,
    version: file.version,
    ceType,
    ceDataschema,
    ceSource: ceSourceOf(file.context),
    topic: topicOf(file.context),
    file: file.relativePath,
    schema,
  };
}

function unknownType(ceType: string): ValidationFailure {
  const error = new UnknownEventTypeError(ceType);
  return { ok: false, error, errors: [{ path: '', message: error.message }] };
}

/** Ajv's errors as data paths and messages; `required` and `additionalProperties` point at the property. */
function toIssues(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).map((error): ValidationIssue => {
    const params: Record<string, unknown> = error.params;
    switch (error.keyword) {
      case 'required':
        if (typeof params.missingProperty === 'string') {
          return {
            path: `${error.instancePath}/${pointerToken(params.missingProperty)}`,
            message: 'is required',
          };
        }
        break;
      case 'additionalProperties':
        if (typeof params.additionalProperty === 'string') {
          return {
            path: `${error.instancePath}/${pointerToken(params.additionalProperty)}`,
            message: 'is not an allowed property',
          };
        }
        break;
      case 'enum':
        if (Array.isArray(params.allowedValues)) {
          const allowed = params.allowedValues.map((value) => JSON.stringify(value)).join(', ');
          return { path: error.instancePath, message: `must be one of ${allowed}` };
        }
        break;
    }
    return { path: error.instancePath, message: error.message ?? `fails "${error.keyword}"` };
  });
}
