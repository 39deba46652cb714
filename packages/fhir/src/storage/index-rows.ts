import type { ResourceIndexValues } from '../search/index.js';

/**
 * The index values of one resource as column arrays, one array per column and table, ready for
 * `INSERT ... SELECT FROM unnest(...)` (one statement per resource whatever its number of values).
 */
export interface IndexColumns {
  readonly token: [string[], (string | null)[], (string | null)[], (string | null)[]];
  readonly reference: [
    string[],
    (string | null)[],
    (string | null)[],
    (string | null)[],
    (string | null)[],
    (string | null)[],
    (string | null)[],
  ];
  readonly date: [string[], string[], string[]];
  readonly string: [string[], string[], string[]];
  readonly number: [string[], string[]];
  readonly quantity: [string[], string[], (string | null)[], (string | null)[], (string | null)[]];
  readonly uri: [string[], string[]];
}

export function indexColumns(values: ResourceIndexValues): IndexColumns {
  const columns: IndexColumns = {
    token: [[], [], [], []],
    reference: [[], [], [], [], [], [], []],
    date: [[], [], []],
    string: [[], [], []],
    number: [[], []],
    quantity: [[], [], [], [], []],
    uri: [[], []],
  };
  for (const indexed of values.parameters) {
    const param = indexed.parameter;
    switch (indexed.type) {
      case 'token':
        for (const v of indexed.values) {
          const [params, systems, codes, texts] = columns.token;
          params.push(param);
          systems.push(v.system ?? null);
          codes.push(v.code ?? null);
          texts.push(v.textNormalized ?? null);
        }
        break;
      case 'reference':
        for (const v of indexed.values) {
          const [params, references, types, ids, versions, systems, identifiers] = columns.reference;
          params.push(param);
          references.push(v.reference ?? null);
          types.push(v.targetType ?? null);
          ids.push(v.targetId ?? null);
          versions.push(v.version ?? null);
          systems.push(v.identifier?.system ?? null);
          identifiers.push(v.identifier?.value ?? null);
        }
        break;
      case 'date':
        for (const v of indexed.values) {
          const [params, starts, ends] = columns.date;
          params.push(param);
          starts.push(v.start);
          ends.push(v.end);
        }
        break;
      case 'string':
        for (const v of indexed.values) {
          const [params, raw, normalized] = columns.string;
          params.push(param);
          raw.push(v.value);
          normalized.push(v.normalized);
        }
        break;
      case 'number':
        for (const v of indexed.values) {
          const [params, numbers] = columns.number;
          params.push(param);
          numbers.push(String(v.value));
        }
        break;
      case 'quantity':
        for (const v of indexed.values) {
          const [params, numbers, systems, codes, units] = columns.quantity;
          params.push(param);
          numbers.push(String(v.value));
          systems.push(v.system ?? null);
          codes.push(v.code ?? null);
          units.push(v.unit ?? null);
        }
        break;
      case 'uri':
        for (const v of indexed.values) {
          const [params, uris] = columns.uri;
          params.push(param);
          uris.push(v.value);
        }
        break;
    }
  }
  return columns;
}
