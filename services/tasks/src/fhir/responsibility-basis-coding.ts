import type { ParametersParameter } from 'fhir/r4.js';
import type { ResponsibilityBasis, ResponsibilityBasisKind } from '../task/index.js';
import { RESPONSIBILITY_BASIS_SYSTEM } from './task-canonical.js';
import type { ValidationIssues } from '@carenet/eventsourcing';

const KINDS: readonly ResponsibilityBasisKind[] = ['protocol', 'care-plan', 'agreement', 'employment'];

const DISPLAYS: Readonly<Record<ResponsibilityBasisKind, string>> = {
  protocol: 'Cooperation protocol',
  'care-plan': 'Care plan',
  agreement: 'Agreement',
  employment: 'Employment',
};

/**
 * A responsibility basis as a Parameters parameter `basis` with parts (a parameter has either a
 * value or parts, never both): `kind` (valueCoding of RESPONSIBILITY_BASIS_SYSTEM) and, when
 * there is one, `reference`: the protocol canonical (valueCanonical), the CarePlan
 * (valueReference), the agreement id (valueString).
 */
export function basisParameter(basis: ResponsibilityBasis): ParametersParameter {
  const kind = {
    name: 'kind',
    valueCoding: { system: RESPONSIBILITY_BASIS_SYSTEM, code: basis.kind, display: DISPLAYS[basis.kind] },
  };
  if (basis.reference === undefined) return { name: 'basis', part: [kind] };
  const reference: ParametersParameter =
    basis.kind === 'protocol'
      ? { name: 'reference', valueCanonical: basis.reference }
      : basis.kind === 'care-plan'
        ? { name: 'reference', valueReference: { reference: basis.reference } }
        : { name: 'reference', valueString: basis.reference };
  return { name: 'basis', part: [kind, reference] };
}

/** The kind of a basis, from a code (`protocol`) or a Coding of RESPONSIBILITY_BASIS_SYSTEM. */
export function basisKindOf(
  code: string | undefined,
  path: string,
  issues: ValidationIssues,
): ResponsibilityBasisKind | undefined {
  const kind = KINDS.find((candidate) => candidate === code);
  if (kind === undefined) issues.add(path, `the kind of basis is one of ${KINDS.join(', ')}`);
  return kind;
}

/** The basis a `basis` parameter (parts `kind` and optional `reference`) states. */
export function basisOfParameter(
  parameter: ParametersParameter,
  path: string,
  issues: ValidationIssues,
): ResponsibilityBasis | undefined {
  const parts = parameter.part ?? [];
  const kindPart = parts.find((part) => part.name === 'kind');
  const coding = kindPart?.valueCoding;
  if (coding !== undefined && coding.system !== RESPONSIBILITY_BASIS_SYSTEM) {
    issues.add(`${path}.part[kind]`, `a basis kind is a valueCoding of ${RESPONSIBILITY_BASIS_SYSTEM}`);
    return;
  }
  const kind = basisKindOf(coding?.code ?? kindPart?.valueCode, `${path}.part[kind]`, issues);
  if (kind === undefined) return undefined;
  const referencePart = parts.find((part) => part.name === 'reference');
  const reference =
    referencePart?.valueCanonical ??
    referencePart?.valueUri ??
    referencePart?.valueString ??
    referencePart?.valueReference?.reference;
  if (referencePart !== undefined && reference === undefined) {
    issues.add(
      `${path}.part[reference]`,
      'is a valueCanonical (protocol), a valueReference (CarePlan) or a valueString (agreement)',
    );
    return;
  }
  return reference === undefined ? { kind } : { kind, reference };
}
