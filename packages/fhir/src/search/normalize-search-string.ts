/**
 * The normal form string search compares: case- and accent-insensitive (R4 string search). NFD,
 * combining marks removed, the letters NFD does not decompose folded (œ → oe, æ → ae, ß → ss,
 * ø → o, ł → l, đ → d, ı → i), lower case, whitespace runs collapsed to one space, trimmed.
 * The same function runs on indexed values and on search values, so both sides always agree.
 */
const FOLD: Readonly<Record<string, string>> = {
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

const COMBINING_MARKS = /\p{M}/gu;
const FOLDED = /[œæßøłđðþı]/g;
const WHITESPACE = /\s+/g;

export function normalizeSearchString(value: string): string {
  return value
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(FOLDED, (ch) => FOLD[ch] ?? ch)
    .replace(WHITESPACE, ' ')
    .trim();
}
