import type { CarePlan, Coding, Extension } from 'fhir/r4.js';
import {
  SITUATION_DIMENSIONS,
  type SituationDimension,
  type SituationItem,
  type SituationSummary,
} from '../../care-plan/index.js';
import { extensionPath } from '../shared/extensions.js';
import { optional } from '../shared/optional.js';
import type { ValidationIssues } from '@carenet/eventsourcing';
import { CARE_PLAN_EXTENSIONS, PPCS_DIMENSION_SYSTEM } from './care-plan-canonical.js';

type SituationKind = 'problem' | 'need';

const DIMENSION_DISPLAY: Readonly<Record<SituationDimension, string>> = {
  medical: 'Medical',
  psychological: 'Psychological',
  social: 'Social',
  environmental: 'Environmental',
};

/** The coding of a dimension of the situation summary. */
export function dimensionCoding(dimension: SituationDimension): Coding {
  return { system: PPCS_DIMENSION_SYSTEM, code: dimension, display: DIMENSION_DISPLAY[dimension] };
}

function itemExtension(kind: SituationKind, item: SituationItem): Extension {
  return {
    url: CARE_PLAN_EXTENSIONS.situation,
    extension: [
      { url: 'kind', valueCode: kind },
      { url: 'dimension', valueCoding: dimensionCoding(item.dimension) },
      { url: 'text', valueString: item.text },
      ...(item.code === undefined ? [] : [{ url: 'code', valueCodeableConcept: item.code }]),
    ],
  };
}

/** The situation summary as `care-plan-situation` extensions: the problems, then the needs, each in order. */
export function situationExtensions(situation: SituationSummary): Extension[] {
  return [
    ...situation.problems.map((item) => itemExtension('problem', item)),
    ...situation.needs.map((item) => itemExtension('need', item)),
  ];
}

const PARTS = ['kind', 'dimension', 'text', 'code'] as const;
type Part = (typeof PARTS)[number];

function partsOf(extension: Extension, path: string, issues: ValidationIssues): Map<Part, Extension> {
  const parts = new Map<Part, Extension>();
  for (const sub of extension.extension ?? []) {
    const part = PARTS.find((candidate) => candidate === sub.url);
    if (part === undefined) {
      issues.add(
        `${path}.extension('${sub.url}')`,
        `is not a part of a situation item (${PARTS.join(', ')})`,
      );
    } else if (parts.has(part)) {
      issues.add(`${path}.extension('${part}')`, 'is given more than once');
    } else parts.set(part, sub);
  }
  return parts;
}

function dimensionOf(coding: Coding | undefined, path: string, issues: ValidationIssues) {
  const dimension = SITUATION_DIMENSIONS.find((candidate) => candidate === coding?.code);
  if (coding?.system !== PPCS_DIMENSION_SYSTEM || dimension === undefined) {
    issues.add(path, `is a valueCoding of ${PPCS_DIMENSION_SYSTEM}: ${SITUATION_DIMENSIONS.join(', ')}`);
    return;
  }
  return dimension;
}

function itemOf(
  extension: Extension,
  path: string,
  issues: ValidationIssues,
): { kind: SituationKind; item: SituationItem } | undefined {
  const parts = partsOf(extension, path, issues);
  const kindCode = parts.get('kind')?.valueCode;
  const kind = kindCode === 'problem' || kindCode === 'need' ? kindCode : undefined;
  if (kind === undefined) issues.add(`${path}.extension('kind')`, 'is required: a valueCode problem or need');
  const dimension = dimensionOf(
    parts.get('dimension')?.valueCoding,
    `${path}.extension('dimension')`,
    issues,
  );
  const text = parts.get('text')?.valueString;
  if (text === undefined || text.trim() === '') {
    issues.add(`${path}.extension('text')`, 'is required: a valueString saying the problem or need');
  }
  const code = parts.get('code');
  if (code !== undefined && code.valueCodeableConcept === undefined) {
    issues.add(`${path}.extension('code')`, 'is a valueCodeableConcept');
  }
  if (kind === undefined || dimension === undefined || text === undefined) return undefined;
  return { kind, item: { dimension, text, ...optional('code', code?.valueCodeableConcept) } };
}

/** The situation summary of the `care-plan-situation` extensions (none: an empty summary). */
export function situationOf(resource: CarePlan, issues: ValidationIssues): SituationSummary {
  const url = CARE_PLAN_EXTENSIONS.situation;
  const problems: SituationItem[] = [];
  const needs: SituationItem[] = [];
  (resource.extension ?? [])
    .filter((extension) => extension.url === url)
    .forEach((extension, index) => {
      const read = itemOf(extension, `${extensionPath('CarePlan', url)}[${index}]`, issues);
      if (read !== undefined) (read.kind === 'problem' ? problems : needs).push(read.item);
    });
  return { problems, needs };
}
