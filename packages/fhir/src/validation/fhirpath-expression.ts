import { isJsonObject } from './json-value.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A FHIRPath identifier, delimited with backticks when it is not a plain name (`foo-bar`). */
function identifier(name: string): string {
  return IDENTIFIER.test(name) ? name : `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

/**
 * The FHIRPath of a child element: `Task` + `status` → `Task.status`. A primitive's JSON sibling
 * `_status` (its id and extensions) is the element `status` in FHIRPath.
 */
export function childExpression(parent: string, property: string): string {
  const element = /^_[A-Za-z]/.test(property) ? property.slice(1) : property;
  return `${parent}.${identifier(element)}`;
}

/**
 * The FHIRPath of a JSON Pointer (ajv's `instancePath`) into a resource whose type is `root`:
 * `/input/0/type/coding/1/code` → `Task.input[0].type.coding[1].code`,
 * `/_status/extension/0/url` → `Task.status.extension[0].url`. The document tells an array index
 * from a property named like a number.
 */
export function pointerToExpression(root: string, pointer: string, document: unknown): string {
  if (pointer === '') return root;
  let expression = root;
  let node = document;
  for (const token of pointer.slice(1).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      expression += `[${key}]`;
      node = (node as unknown[])[Number(key)];
    } else {
      expression = childExpression(expression, key);
      node = isJsonObject(node) ? node[key] : undefined;
    }
  }
  return expression;
}
