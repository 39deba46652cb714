import type { Coding } from 'fhir/r4.js';
import { COOPERATION_MODES, type CooperationMode } from '../task/index.js';
import { COOPERATION_MODE_SYSTEM } from './task-canonical.js';
import type { ValidationIssues } from '@carenet/eventsourcing';

const DISPLAYS: Readonly<Record<CooperationMode, string>> = {
  delegation: 'Delegation',
  transfer: 'Transfer',
  sharing: 'Sharing',
  distribution: 'Distribution',
};

/** The cooperation mode as a Coding of COOPERATION_MODE_SYSTEM, with its display. */
export function cooperationModeCoding(mode: CooperationMode): Coding {
  return { system: COOPERATION_MODE_SYSTEM, code: mode, display: DISPLAYS[mode] };
}

/** The cooperation mode a Coding names; another system or an unknown code is an issue at `path`. */
export function cooperationModeOf(
  coding: Coding | undefined,
  path: string,
  issues: ValidationIssues,
): CooperationMode | undefined {
  if (coding?.system !== COOPERATION_MODE_SYSTEM || coding.code === undefined) {
    issues.add(path, `a cooperation mode is a valueCoding of ${COOPERATION_MODE_SYSTEM}`);
    return;
  }
  const mode = COOPERATION_MODES.find((candidate) => candidate === coding.code);
  if (mode === undefined) {
    issues.add(`${path}.code`, `${coding.code} is not a cooperation mode (${COOPERATION_MODES.join(', ')})`);
    return;
  }
  return mode;
}
