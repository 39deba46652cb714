/**
 * Literal references (`Reference.reference`) as the network keeps them (issue 15): a relative
 * reference `Type/id` (optionally `/_history/vid`), an absolute URL to another FHIR server
 * (`https://ehr.example/fhir/Type/id`), or a reference to a contained resource (`#id`). A party or
 * patient named only by a literal reference is identified by the reference itself: its
 * identifier is `{ system: LITERAL_REFERENCE_SYSTEM, value: <the reference as given> }`, so that
 * parties compare, index and search alike whichever way they were named.
 */

/** The naming system of parties and patients named by a literal reference only. */
export const LITERAL_REFERENCE_SYSTEM = 'https://carenet.example.org/fhir/NamingSystem/literal-reference';

export type LiteralReference = Readonly<{
  /** The reference as given. */
  reference: string;
  /** The resource type it names; absent for a contained reference (`#id`). */
  type?: string;
  /** `relative` (`Type/id` on this server), `absolute` (another server), `contained` (`#id`). */
  form: 'relative' | 'absolute' | 'contained';
}>;

const ID = '[A-Za-z0-9\\-.]{1,64}';
const RELATIVE = new RegExp(`^([A-Z][A-Za-z]{1,63})/${ID}(?:/_history/${ID})?$`);
const ABSOLUTE = new RegExp(
  `^https?://[^\\s/?#]+(?:/[^\\s?#]*)?/([A-Z][A-Za-z]{1,63})/${ID}(?:/_history/${ID})?$`,
);
const CONTAINED = new RegExp(`^#${ID}$`);

/** The literal reference a string is, or `undefined` when it is none of the three forms. */
export function literalReferenceOf(reference: string): LiteralReference | undefined {
  if (reference.length > 2048) return undefined;
  const relative = RELATIVE.exec(reference);
  if (relative?.[1] !== undefined) return { reference, type: relative[1], form: 'relative' };
  const absolute = ABSOLUTE.exec(reference);
  if (absolute?.[1] !== undefined) return { reference, type: absolute[1], form: 'absolute' };
  if (CONTAINED.test(reference)) return { reference, form: 'contained' };
  return undefined;
}

/** What a literal reference must look like, for issue messages. */
export const LITERAL_REFERENCE_FORMS =
  'a relative reference Type/id, an absolute URL https://…/Type/id, or #id for a contained resource';
