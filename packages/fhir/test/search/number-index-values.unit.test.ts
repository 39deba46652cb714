import { describe, expect, it } from '@jest/globals';
import {
  IndexValueExtractor,
  parseSearchRequest,
  SearchParameterRegistry,
  searchMatches,
  type ParameterIndexValues,
  type ResourceIndexValues,
} from '../../src/search/index.js';
import { NOW } from './search-fixtures.js';

const registry = SearchParameterRegistry.r4({
  supported: {
    RiskAssessment: ['probability'],
    MolecularSequence: ['variant-start', 'window-end'],
    ChargeItem: ['factor-override'],
  },
});
const extractor = new IndexValueExtractor(registry);

function valuesOf(resource: object, parameter: string): ParameterIndexValues['values'] | undefined {
  return extractor.extract(resource).parameters.find((p) => p.parameter === parameter)?.values;
}

const risk = (...probabilities: (number | { low: number })[]) => ({
  resourceType: 'RiskAssessment',
  id: `risk-${probabilities.map((p) => JSON.stringify(p)).join('-')}`,
  status: 'final',
  subject: { reference: 'Patient/pat-1' },
  prediction: probabilities.map((p) =>
    typeof p === 'number' ? { probabilityDecimal: p } : { probabilityRange: { low: { value: p.low } } },
  ),
});

function matches(values: ResourceIndexValues, query: string): boolean {
  const parsed = parseSearchRequest(values.resourceType, new URLSearchParams(query), { registry, now: NOW });
  if (!parsed.ok) throw new Error(`${query}: ${JSON.stringify(parsed.errors)}`);
  return searchMatches(parsed.request, values);
}

describe('number index values on decimal elements', () => {
  it('RiskAssessment.prediction.probability (decimal) is indexed as its number', () => {
    const result = extractor.extract(risk(0.1, 0.15));
    expect(result.parameters.filter((p) => p.parameter === 'probability')).toEqual([
      { type: 'number', parameter: 'probability', values: [{ value: 0.1 }, { value: 0.15 }] },
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('keeps the decimal as written as far as a JS number does (no binary noise)', () => {
    expect(valuesOf(risk(0.3), 'probability')).toEqual([{ value: 0.3 }]);
    expect(valuesOf(risk(1e-7), 'probability')).toEqual([{ value: 1e-7 }]);
    expect(valuesOf(risk(0.12345678901234566), 'probability')).toEqual([{ value: 0.12345678901234566 }]);
    expect(String((valuesOf(risk(0.7), 'probability')?.[0] as { value: number }).value)).toBe('0.7');
  });

  it('a Range under a number parameter is skipped, not thrown', () => {
    const result = extractor.extract(risk({ low: 0.2 }));
    expect(result.parameters.find((p) => p.parameter === 'probability')?.values).toEqual([]);
    expect(result.skipped).toEqual([
      { parameter: 'probability', valueType: 'Range', reason: 'not a number type' },
    ]);
  });

  it('decimal (ChargeItem.factorOverride) and integer (MolecularSequence) number parameters', () => {
    const chargeItem = {
      resourceType: 'ChargeItem',
      status: 'billable',
      code: { text: 'x' },
      subject: { reference: 'Patient/pat-1' },
      factorOverride: 0.8,
    };
    expect(valuesOf(chargeItem, 'factor-override')).toEqual([{ value: 0.8 }]);
    const sequence = {
      resourceType: 'MolecularSequence',
      coordinateSystem: 0,
      variant: [{ start: 128, end: 129 }],
      referenceSeq: { strand: 'watson', windowStart: 22125500, windowEnd: 22125510 },
    };
    expect(valuesOf(sequence, 'variant-start')).toEqual([{ value: 128 }]);
    expect(valuesOf(sequence, 'window-end')).toEqual([{ value: 22125510 }]);
  });

  it('0 and 1: falsy and integral decimals', () => {
    expect(valuesOf(risk(0, 1), 'probability')).toEqual([{ value: 0 }, { value: 1 }]);
  });
});

describe('number search on decimal elements (implicit precision of the search value)', () => {
  const at = (p: number) => extractor.extract(risk(p));

  it.each([
    ['probability=0.1', 0.1, true],
    ['probability=0.1', 0.149, true],
    ['probability=0.1', 0.05, true],
    ['probability=0.1', 0.15, false],
    ['probability=0.1', 0.0499, false],
    ['probability=0.10', 0.104, true],
    ['probability=0.10', 0.105, false],
    ['probability=0.10', 0.0949, false],
    ['probability=0.100', 0.1, true],
    ['probability=0.100', 0.1004, true],
    ['probability=0.100', 0.1005, false],
    ['probability=1e-1', 0.149, true],
    ['probability=1e-1', 0.15, false],
    ['probability=ne0.1', 0.15, true],
    ['probability=gt0.1', 0.10001, true],
    ['probability=gt0.1', 0.1, false],
    ['probability=ge0.1', 0.1, true],
    ['probability=lt0.1', 0.099, true],
    ['probability=le0.1', 0.1, true],
    ['probability=sa0.1', 0.2, true],
    ['probability=eb0.1', 0.099, true],
    ['probability=ap0.5', 0.54, true],
    ['probability=ap0.5', 0.56, false],
  ])('%s against %p: %p', (query, stored, expected) => {
    expect(matches(at(stored), query)).toBe(expected);
  });

  it('several predictions: any of them matches; :missing', () => {
    const values = extractor.extract(risk(0.02, 0.9));
    expect(matches(values, 'probability=0.9')).toBe(true);
    expect(matches(values, 'probability=0.5')).toBe(false);
    expect(matches(values, 'probability:missing=false')).toBe(true);
    expect(matches(extractor.extract(risk({ low: 0.2 })), 'probability:missing=true')).toBe(true);
  });
});
