import fhirpath from 'fhirpath';
import { parseDate, POSITIVE_INFINITY, NEGATIVE_INFINITY } from './date-range.js';
import type {
  DateIndexValue,
  ParameterIndexValues,
  QuantityIndexValue,
  ReferenceIndexValue,
  ResourceIndexValues,
  SkippedIndexValue,
  StringIndexValue,
  TokenIndexValue,
} from './index-values.js';
import { normalizeSearchString } from './normalize-search-string.js';
import { R4_MODEL } from './r4-model.js';
import { compileSimplePath } from './simple-path.js';
import { normalizeBaseUrls, parseReferenceString } from './reference-string.js';
import type { SearchParameterDefinition } from './search-parameter-definition.js';
import type { SearchParameterRegistry } from './search-parameter-registry.js';

export interface IndexValueExtractorOptions {
  /** The server's own FHIR base URLs: absolute references on them are indexed as `Type/id`. */
  readonly localBaseUrls?: readonly string[];
  /**
   * Plain paths (`Task.status`) walked without fhirpath.js, to the same values (default true;
   * false: every expression through fhirpath.js, as the tests compare).
   */
  readonly simplePaths?: boolean;
}

export type IndexExtractionErrorReason = 'not-a-resource' | 'unsupported-resource-type' | 'evaluation-failed';

/** The resource cannot be indexed at all (typed; extraction never throws anything else). */
export class IndexExtractionError extends Error {
  constructor(
    readonly reason: IndexExtractionErrorReason,
    readonly resourceType: string | undefined,
    readonly parameter: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IndexExtractionError';
  }
}

/** The items an expression gives for a resource. */
type Evaluator = (resource: unknown) => readonly Item[];

interface CompiledParameter {
  readonly definition: SearchParameterDefinition;
  readonly evaluate: Evaluator;
}

/** One item an expression returned: its FHIR type when the model knows it, and its JSON data. */
interface Item {
  readonly fhirType: string | undefined;
  readonly data: unknown;
}

type Rec = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
}

const SYSTEM_TYPES: Readonly<Record<string, string>> = {
  'System.String': 'string',
  'System.Boolean': 'boolean',
  'System.Integer': 'integer',
  'System.Decimal': 'decimal',
  'System.Date': 'date',
  'System.DateTime': 'dateTime',
  'System.Time': 'time',
  'System.Quantity': 'Quantity',
};

/** Guesses the FHIR type of JSON data the model could not type (e.g. under an extension). */
function inferType(data: unknown): string | undefined {
  switch (typeof data) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'decimal';
    default:
      break;
  }
  if (!isRecord(data)) return undefined;
  if ('coding' in data) return 'CodeableConcept';
  if ('reference' in data || ('identifier' in data && isRecord(data.identifier))) return 'Reference';
  if ('start' in data || 'end' in data) return 'Period';
  if ('family' in data || 'given' in data) return 'HumanName';
  if ('city' in data || 'line' in data || 'postalCode' in data) return 'Address';
  if ('value' in data && typeof data.value === 'number') return 'Quantity';
  if ('value' in data && 'system' in data) return 'Identifier';
  if ('code' in data) return 'Coding';
  return undefined;
}

/**
 * fhirpath.js (5.x) hands a FHIR `decimal` over as an FP_Decimal object (`{ value, asStr,
 * decimalPlaces, decimalPrecision }`), not a JS number: the number is read back from its text.
 * That text is what the JS number prints (JSON.parse made the number: `1.50` arrived as 1.5, and
 * digits beyond ~17 significant ones are gone): the exact decimal of the stored value as far as a
 * JS number can carry it, which the SQL side stores as `numeric` from the same text.
 */
function decimalValue(data: unknown): unknown {
  if (!isRecord(data) || typeof data.value !== 'number' || !('decimalPlaces' in data)) return data;
  const fromText = typeof data.asStr === 'string' ? Number(data.asStr) : Number.NaN;
  return Number.isFinite(fromText) ? fromText : data.value;
}

/** An element's data with the type the model declares for it (Element and backbones: guessed). */
function declaredItem(declared: string | undefined, value: unknown): Item | undefined {
  const data = decimalValue(value);
  if (data === null || data === undefined) return undefined;
  const fhirType =
    declared === undefined || declared === 'Element' || declared === 'BackboneElement'
      ? inferType(data)
      : (SYSTEM_TYPES[declared] ?? declared);
  return { fhirType, data };
}

function toItem(value: unknown): Item | undefined {
  // fhirpath.js ResourceNode: { data, path, fhirNodeDataType, parentResNode, ... }
  if (isRecord(value) && 'parentResNode' in value && 'data' in value) {
    const declared = typeof value.fhirNodeDataType === 'string' ? value.fhirNodeDataType : undefined;
    return declaredItem(declared, value.data);
  }
  if (value === null || value === undefined || Array.isArray(value)) return undefined;
  // a computed System value (FP_DateTime and friends keep their text in `asStr`; a decimal is a number)
  const decimal = decimalValue(value);
  const data =
    decimal !== value ? decimal : isRecord(value) && typeof value.asStr === 'string' ? value.asStr : value;
  return { fhirType: inferType(data), data };
}

const STRING_LIKE = new Set(['string', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown']);
const NUMBER_TYPES = new Set(['integer', 'decimal', 'positiveInt', 'unsignedInt', 'integer64']);
const DATE_TYPES = new Set(['date', 'dateTime', 'instant']);
const QUANTITY_TYPES = new Set([
  'Quantity',
  'Age',
  'Duration',
  'Distance',
  'Count',
  'SimpleQuantity',
  'MoneyQuantity',
]);

interface Out<T> {
  values: T[];
  skip: (valueType: string, reason: string) => void;
}

function tokenValues(item: Item, out: Out<TokenIndexValue>): void {
  const { fhirType, data } = item;
  const push = (system: unknown, code: unknown, text: unknown) => {
    const s = str(system);
    const c = str(code);
    const t = str(text);
    if (s === undefined && c === undefined && t === undefined) return;
    out.values.push({
      ...(s !== undefined && { system: s }),
      ...(c !== undefined && { code: c }),
      ...(t !== undefined && { text: t, textNormalized: normalizeSearchString(t) }),
    });
  };
  if (fhirType === 'Coding' && isRecord(data)) {
    push(data.system, data.code, data.display);
    return;
  }
  if (fhirType === 'CodeableConcept' && isRecord(data)) {
    for (const coding of Array.isArray(data.coding) ? (data.coding as unknown[]) : []) {
      if (isRecord(coding)) push(coding.system, coding.code, coding.display);
    }
    push(undefined, undefined, data.text);
    return;
  }
  if (fhirType === 'Identifier' && isRecord(data)) {
    push(data.system, data.value, isRecord(data.type) ? data.type.text : undefined);
    return;
  }
  // ContactPoint: the value is the code; its system (phone, email...) is used as the token system.
  if (fhirType === 'ContactPoint' && isRecord(data)) push(data.system, data.value, undefined);
  else if (typeof data === 'boolean') push(undefined, data ? 'true' : 'false', undefined);
  else if (typeof data === 'string') push(undefined, data, undefined);
  else if (typeof data === 'number' && Number.isFinite(data)) push(undefined, String(data), undefined);
  else out.skip(fhirType ?? typeof data, 'not a token type');
}

function referenceValues(item: Item, out: Out<ReferenceIndexValue>, bases: readonly string[]): void {
  const { fhirType, data } = item;
  if (fhirType === 'Reference' && isRecord(data)) {
    const value: { -readonly [K in keyof ReferenceIndexValue]: ReferenceIndexValue[K] } = {};
    const ref = str(data.reference);
    if (ref !== undefined) {
      const parsed = parseReferenceString(ref, bases);
      switch (parsed.kind) {
        case 'local':
          value.reference = `${parsed.type}/${parsed.id}`;
          value.targetType = parsed.type;
          value.targetId = parsed.id;
          break;
        case 'absolute':
          value.reference = parsed.url;
          if (parsed.type !== undefined) value.targetType = parsed.type;
          if (parsed.id !== undefined) value.targetId = parsed.id;
          break;
        case 'contained':
          value.reference = ref;
          break;
        case 'invalid':
          out.skip('Reference', `malformed reference "${ref.slice(0, 80)}"`);
          break;
      }
    }
    const type = str(data.type);
    if (value.targetType === undefined && type !== undefined) {
      const short = type.replace(/^http:\/\/hl7\.org\/fhir\/StructureDefinition\//, '');
      if (/^[A-Z][A-Za-z]+$/.test(short)) value.targetType = short;
    }
    if (isRecord(data.identifier)) {
      const system = str(data.identifier.system);
      const idValue = str(data.identifier.value);
      if (system !== undefined || idValue !== undefined) {
        value.identifier = {
          ...(system !== undefined && { system }),
          ...(idValue !== undefined && { value: idValue }),
        };
      }
    }
    if (value.reference !== undefined || value.identifier !== undefined) out.values.push(value);
    return;
  }
  if (typeof data === 'string' && data.length > 0) {
    // canonical (or uri) references: `url|version`
    const bar = data.indexOf('|');
    const url = bar < 0 ? data : data.slice(0, bar);
    const version = bar < 0 ? undefined : data.slice(bar + 1);
    const parsed = parseReferenceString(url, bases);
    const base = { ...(version !== undefined && version.length > 0 && { version }) };
    switch (parsed.kind) {
      case 'local':
        out.values.push({
          reference: `${parsed.type}/${parsed.id}`,
          targetType: parsed.type,
          targetId: parsed.id,
          ...base,
        });
        return;
      case 'absolute':
        out.values.push({
          reference: parsed.url,
          ...(parsed.type !== undefined && { targetType: parsed.type }),
          ...(parsed.id !== undefined && { targetId: parsed.id }),
          ...base,
        });
        return;
      case 'contained':
      case 'invalid':
        out.values.push({ reference: url, ...base });
        return;
    }
  }
  out.skip(fhirType ?? typeof data, 'not a reference type');
}

function dateOf(value: unknown): ReturnType<typeof parseDate> {
  return typeof value === 'string' ? parseDate(value) : undefined;
}

function periodValue(data: Rec, out: Out<DateIndexValue>, what: string): void {
  const start = data.start === undefined ? undefined : dateOf(data.start);
  const end = data.end === undefined ? undefined : dateOf(data.end);
  if ((data.start !== undefined && !start) || (data.end !== undefined && !end)) {
    out.skip(what, 'malformed date in period');
    return;
  }
  if (!start && !end) return;
  out.values.push({
    start: start ? start.range.start : NEGATIVE_INFINITY,
    end: end ? end.range.end : POSITIVE_INFINITY,
  });
}

function dateValues(item: Item, out: Out<DateIndexValue>): void {
  const { fhirType, data } = item;
  if (fhirType === 'Period' && isRecord(data)) {
    periodValue(data, out, 'Period');
    return;
  }
  if (fhirType === 'Timing' && isRecord(data)) {
    const before = out.values.length;
    for (const event of strings(data.event)) {
      const parsed = parseDate(event);
      if (parsed) out.values.push(parsed.range);
      else out.skip('Timing', 'malformed event date');
    }
    const repeat = data.repeat;
    if (isRecord(repeat) && isRecord(repeat.boundsPeriod)) periodValue(repeat.boundsPeriod, out, 'Timing');
    if (out.values.length === before) out.skip('Timing', 'no event and no boundsPeriod');
    return;
  }
  if (typeof data === 'string' && (fhirType === undefined || DATE_TYPES.has(fhirType))) {
    const parsed = parseDate(data);
    if (parsed) out.values.push(parsed.range);
    else out.skip(fhirType ?? 'string', 'malformed date');
    return;
  }
  out.skip(fhirType ?? typeof data, 'not a date type');
}

function stringValues(item: Item, out: Out<StringIndexValue>): void {
  const { fhirType, data } = item;
  const push = (v: string) => out.values.push({ value: v, normalized: normalizeSearchString(v) });
  if (fhirType === 'HumanName' && isRecord(data)) {
    [data.family, data.given, data.prefix, data.suffix, data.text].flatMap(strings).forEach(push);
    return;
  }
  if (fhirType === 'Address' && isRecord(data)) {
    [data.line, data.city, data.district, data.state, data.postalCode, data.country, data.text]
      .flatMap(strings)
      .forEach(push);
    return;
  }
  if (typeof data === 'string') {
    if (data.length > 0) push(data);
    return;
  }
  out.skip(fhirType ?? typeof data, 'not a string type');
}

function numberValues(item: Item, out: Out<{ value: number }>): void {
  const { fhirType, data } = item;
  if (
    typeof data === 'number' &&
    Number.isFinite(data) &&
    (fhirType === undefined || NUMBER_TYPES.has(fhirType))
  ) {
    out.values.push({ value: data });
    return;
  }
  out.skip(fhirType ?? typeof data, 'not a number type');
}

function quantityValues(item: Item, out: Out<QuantityIndexValue>): void {
  const { fhirType, data } = item;
  if (isRecord(data) && typeof data.value === 'number' && Number.isFinite(data.value)) {
    if (fhirType === 'Money') {
      const currency = str(data.currency);
      out.values.push({
        value: data.value,
        system: 'urn:iso:std:iso:4217',
        ...(currency !== undefined && { code: currency }),
      });
      return;
    }
    if (fhirType === undefined || QUANTITY_TYPES.has(fhirType)) {
      const system = str(data.system);
      const code = str(data.code);
      const unit = str(data.unit);
      out.values.push({
        value: data.value,
        ...(system !== undefined && { system }),
        ...(code !== undefined && { code }),
        ...(unit !== undefined && { unit }),
      });
      return;
    }
  }
  out.skip(fhirType ?? typeof data, 'not a Quantity with a value');
}

function uriValues(item: Item, out: Out<{ value: string }>): void {
  const { fhirType, data } = item;
  if (typeof data === 'string' && (fhirType === undefined || STRING_LIKE.has(fhirType))) {
    if (data.length > 0) out.values.push({ value: data });
    return;
  }
  out.skip(fhirType ?? typeof data, 'not a uri type');
}

function dedupe<T>(values: T[]): T[] {
  if (values.length < 2) return values;
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Turns resources into index values: each supported parameter's expression is compiled once (R4
 * model: a plain path to a walk of the JSON, anything else with fhirpath.js), evaluated on the
 * resource, and its results typed for the parameter's type.
 */
export class IndexValueExtractor {
  private readonly byType = new Map<string, readonly CompiledParameter[]>();
  private readonly bases: readonly string[];

  constructor(registry: SearchParameterRegistry, options: IndexValueExtractorOptions = {}) {
    this.bases = normalizeBaseUrls(options.localBaseUrls);
    for (const type of registry.resourceTypes()) {
      const compiled: CompiledParameter[] = [];
      for (const definition of registry.supportedParameters(type)) {
        const expression = definition.expression;
        if (expression === undefined) continue;
        const path =
          options.simplePaths === false ? undefined : compileSimplePath(expression, type, R4_MODEL);
        if (path !== undefined) {
          compiled.push({
            definition,
            evaluate: (resource) => {
              const items: Item[] = [];
              for (const { declaredType, data } of path(resource)) {
                const item = declaredItem(declaredType, data);
                if (item !== undefined) items.push(item);
              }
              return items;
            },
          });
          continue;
        }
        const fn = fhirpath.compile(expression, R4_MODEL, { resolveInternalTypes: false });
        compiled.push({
          definition,
          evaluate: (resource) =>
            (fn(resource) as unknown[]).map(toItem).filter((i): i is Item => i !== undefined),
        });
      }
      this.byType.set(type, compiled);
    }
  }

  /** The index values of every supported parameter of the resource's type. */
  extract(resource: unknown): ResourceIndexValues {
    if (!isRecord(resource) || typeof resource.resourceType !== 'string') {
      throw new IndexExtractionError(
        'not-a-resource',
        undefined,
        undefined,
        'not a FHIR resource (no resourceType)',
      );
    }
    const resourceType = resource.resourceType;
    const compiled = this.byType.get(resourceType);
    if (!compiled) {
      throw new IndexExtractionError(
        'unsupported-resource-type',
        resourceType,
        undefined,
        `${resourceType} is not a searchable type of this registry`,
      );
    }
    const parameters: ParameterIndexValues[] = [];
    const skipped: SkippedIndexValue[] = [];
    for (const { definition, evaluate } of compiled) {
      let items: readonly Item[];
      try {
        items = evaluate(resource);
      } catch (cause) {
        throw new IndexExtractionError(
          'evaluation-failed',
          resourceType,
          definition.code,
          `${resourceType}.${definition.code}: evaluating ${definition.expression ?? ''} failed`,
          { cause },
        );
      }
      const skip = (valueType: string, reason: string) => {
        skipped.push({ parameter: definition.code, valueType, reason });
      };
      parameters.push(this.typed(definition, items, skip));
    }
    const id = str(resource.id);
    return { resourceType, ...(id !== undefined && { id }), parameters, skipped };
  }

  private typed(
    definition: SearchParameterDefinition,
    items: readonly Item[],
    skip: (valueType: string, reason: string) => void,
  ): ParameterIndexValues {
    const parameter = definition.code;
    const collect = <T>(fn: (item: Item, out: Out<T>) => void): T[] => {
      const out: Out<T> = { values: [], skip };
      for (const item of items) fn(item, out);
      return dedupe(out.values);
    };
    switch (definition.type) {
      case 'token':
        return { type: 'token', parameter, values: collect(tokenValues) };
      case 'reference':
        return {
          type: 'reference',
          parameter,
          values: collect<ReferenceIndexValue>((item, out) => {
            referenceValues(item, out, this.bases);
          }),
        };
      case 'date':
        return { type: 'date', parameter, values: collect(dateValues) };
      case 'string':
        return { type: 'string', parameter, values: collect(stringValues) };
      case 'number':
        return { type: 'number', parameter, values: collect(numberValues) };
      case 'quantity':
        return { type: 'quantity', parameter, values: collect(quantityValues) };
      case 'uri':
        return { type: 'uri', parameter, values: collect(uriValues) };
      case 'composite':
      case 'special':
        // The registry refuses to support these; unreachable for a supported parameter.
        throw new IndexExtractionError(
          'evaluation-failed',
          definition.resourceType,
          parameter,
          `${definition.resourceType}.${parameter}: ${definition.type} parameters are not indexed`,
        );
    }
  }
}
