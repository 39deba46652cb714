import { partyOfReference, SECTORS, type ConsentRecipient } from '@carenet/access';
import type { ValidationIssues } from '@carenet/eventsourcing';
import type { Reference } from 'fhir/r4.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { CONSENT_EXTENSIONS } from './consent-canonical.js';

/**
 * Whom a `provision.actor.reference` names (@carenet/access ConsentRecipient):
 * - a profession: the `consent-recipient-profession` extension (valueCoding with system and code);
 * - a sector: the `consent-recipient-sector` extension (valueCode);
 * - else a professional or an organisation, by national identifier or literal reference.
 * Both extensions, or an issue in the reference, are issues at `path` (`undefined` returned).
 */
export function recipientOfReference(
  reference: Reference,
  path: string,
  issues: ValidationIssues,
): ConsentRecipient | undefined {
  const profession = singleExtension(
    reference.extension,
    path,
    CONSENT_EXTENSIONS.recipientProfession,
    issues,
  );
  const sector = singleExtension(reference.extension, path, CONSENT_EXTENSIONS.recipientSector, issues);
  if (profession !== undefined && sector !== undefined) {
    issues.add(path, 'names a profession or a sector, not both');
    return;
  }
  if (profession !== undefined) {
    const coding = profession.valueCoding;
    if (coding?.system === undefined || coding.code === undefined) {
      issues.add(
        `${extensionPath(path, CONSENT_EXTENSIONS.recipientProfession)}.valueCoding`,
        'is required, with system and code: the profession',
      );
      return;
    }
    return { kind: 'profession', system: coding.system, code: coding.code };
  }
  if (sector !== undefined) {
    const code = SECTORS.find((candidate) => candidate === sector.valueCode);
    if (code === undefined) {
      issues.add(
        `${extensionPath(path, CONSENT_EXTENSIONS.recipientSector)}.valueCode`,
        `is one of ${SECTORS.join(', ')}`,
      );
      return;
    }
    return { kind: 'sector', sector: code };
  }
  const party = partyOfReference(reference, path, issues);
  if (party === undefined) return;
  if (party.kind === 'system') {
    issues.add(path, 'names a software system: a consent or an objection is about professionals');
    return;
  }
  return { kind: 'party', party };
}
