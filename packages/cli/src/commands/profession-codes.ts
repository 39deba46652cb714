import { PROFESSION_SANTE } from '@carenet/access';

/** Friendly names for the NOS TRE_G15 ProfessionSante codes a dev token most often needs. */
export const PROFESSION_ALIASES: Readonly<
  Record<string, { readonly code: string; readonly display: string }>
> = {
  doctor: { code: '10', display: 'Médecin' },
  pharmacist: { code: '21', display: 'Pharmacien' },
  nurse: { code: '60', display: 'Infirmier' },
};

const DISPLAYS = new Map(Object.values(PROFESSION_ALIASES).map((p) => [p.code, p.display]));

/** A profession from an alias (`nurse`) or a TRE_G15 code (`60`); undefined when it is neither. */
export function professionOf(
  text: string,
): { readonly system: string; readonly code: string; readonly display?: string } | undefined {
  const alias = PROFESSION_ALIASES[text.toLowerCase()];
  if (alias) return { system: PROFESSION_SANTE, ...alias };
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const display = DISPLAYS.get(text);
  return { system: PROFESSION_SANTE, code: text, ...(display !== undefined && { display }) };
}
