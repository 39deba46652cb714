import { _, str, type CodeKeywordDefinition, type KeywordCxt } from 'ajv';
import type { RequiredElement } from './element-rules.js';

/** Schema keyword listing the elements of a definition that must be present. */
export const REQUIRED_ELEMENTS_KEYWORD = 'fhirRequired';

/**
 * `fhirRequired: [{element, properties}]`: an element of minimum cardinality 1 is present when
 * any of its JSON properties is (`status` or `_status`, one of the `value[x]` variants). The
 * plain `required` keyword cannot say that. Generated inline like `required`: one `undefined`
 * check per property, no function call. The error's `params.element` names the element.
 */
export const requiredElementsKeyword: CodeKeywordDefinition = {
  keyword: REQUIRED_ELEMENTS_KEYWORD,
  type: 'object',
  schemaType: 'array',
  error: {
    message: ({ params }) => str`must have required element ${params.element}`,
    params: ({ params }) => _`{element: ${params.element}}`,
  },
  code(cxt: KeywordCxt) {
    const { gen, data } = cxt;
    for (const rule of cxt.schema as readonly RequiredElement[]) {
      const absent = rule.properties
        .map((property) => _`${data}[${property}] === undefined`)
        .reduce((all, one) => _`${all} && ${one}`);
      gen.if(absent, () => {
        cxt.error(false, { element: rule.element });
      });
    }
  },
};
