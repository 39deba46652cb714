import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { carenetCodeSystem } from '../carenet-canonical.js';
import { childExpression } from './fhirpath-expression.js';
import { isJsonObject } from './json-value.js';

/**
 * R4's rules on a narrative's XHTML (`Narrative.div`, https://hl7.org/fhir/R4/narrative.html):
 *
 * - **txt-1**: only the basic HTML formatting elements and attributes (HTML 4.0 chapters 7-11 and
 *   15, `<a>` with `name` or `href`, images, inline `style`): no `head`/`body`, no scripts,
 *   forms, frames, `iframe`/`object`/`embed`, `base`/`link`, no event attributes (`onclick`…),
 *   no external stylesheets. The lists below are the official validator's (HAPI's
 *   `InstanceValidator`). carenet is stricter in what it knows is unsafe: no `javascript:`-like
 *   or `data:` links, images only from inside the resource (`#id`), a `data:image/…` URL or a
 *   relative reference (never loaded from another server), no `url()` or `expression()` in
 *   styles.
 * - **txt-2**: some non-whitespace content (text, or an image).
 * - The root element is a `div` in the XHTML namespace, and the whole is well-formed XML (no
 *   DOCTYPE, no processing instruction).
 */

export const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

const ELEMENTS = new Set(
  (
    'p br div h1 h2 h3 h4 h5 h6 a span b em i strong small big tt dfn q var abbr acronym cite ' +
    'blockquote hr address bdo kbd sub sup ul ol li dl dt dd pre table caption colgroup col thead ' +
    'tr tfoot tbody th td code samp img map area'
  ).split(' '),
);

/** Attributes every element may have. */
const COMMON_ATTRIBUTES = new Set(
  (
    'title style class id lang dir accesskey tabindex ' +
    // tables
    'span width align valign char charoff abbr axis headers scope rowspan colspan'
  ).split(' '),
);

/** Attributes of one element (`element.attribute`). */
const ELEMENT_ATTRIBUTES = new Set(
  (
    'a.href a.name a.title a.type a.rel a.rev a.hreflang a.charset a.coords a.shape ' +
    'img.src img.border img.alt img.longdesc img.height img.width img.usemap img.ismap ' +
    'blockquote.cite q.cite map.name area.shape area.coords area.href area.nohref area.alt ' +
    'table.summary table.width table.border table.frame table.rules table.cellspacing ' +
    'table.cellpadding pre.space td.nowrap ol.start ol.type ul.type li.value li.type'
  ).split(' '),
);

/** Attributes whose value is a link (followed on a click, never loaded by itself). */
const LINKS = new Set(['href', 'cite', 'longdesc', 'usemap']);

/** Link schemes that run or smuggle content: `javascript:`, `vbscript:`, `data:` (an HTML page). */
const UNSAFE_LINK = /^(?:javascript|vbscript|data|livescript|mocha):/i;

/** Image sources that stay inside: `#contained`, a `data:image/…` URL, a relative reference. */
function isInternalImage(src: string): boolean {
  const url = src.trim();
  if (url.startsWith('#')) return true;
  if (/^data:image\//i.test(url)) return true;
  return !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('//') && !url.startsWith('\\');
}

/** What a style may not do: load something (`url()`, `@import`) or run something. */
const UNSAFE_STYLE = /url\s*\(|expression\s*\(|@import|javascript:|behavior\s*:|-moz-binding/i;

/** Links and image sources are compared without the characters browsers ignore in schemes. */
function normalizedUrl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0020\u007f]+/g, '');
}

/** The rule an issue of this module is about (`txt-1`, `txt-2`), in `issue.details`. */
export const NARRATIVE_RULE_SYSTEM = carenetCodeSystem('business-rule');

type NarrativeRule = 'txt-1' | 'txt-2';

function ruleIssue(rule: NarrativeRule, expression: string, problem: string): OperationOutcomeIssue {
  return {
    severity: 'error',
    code: 'invariant',
    diagnostics:
      `Constraint ${rule} failed: ${expression} ${problem} ` +
      (rule === 'txt-1'
        ? '(a narrative holds only basic XHTML formatting: no scripts, forms, frames, objects, event attributes or external references)'
        : '(a narrative must have some non-whitespace content)'),
    expression: [expression],
    details: { coding: [{ system: NARRATIVE_RULE_SYSTEM, code: rule }] },
  };
}

/** Whether an issue is a narrative rule's (txt-1, txt-2): the resource is R4 JSON, its narrative is refused. */
export function isNarrativeRuleIssue(issue: OperationOutcomeIssue): boolean {
  return (
    issue.code === 'invariant' &&
    issue.details?.coding?.some(
      (c) => c.system === NARRATIVE_RULE_SYSTEM && /^txt-[12]$/.test(c.code ?? ''),
    ) === true
  );
}

function attributeProblem(element: string, attribute: SaxesAttributeNS): string | undefined {
  const { uri, local, value, name } = attribute;
  if (uri === XMLNS_NAMESPACE || name === 'xmlns') return undefined;
  if (uri === XML_NAMESPACE)
    return local === 'lang' || local === 'space' ? undefined : `has the attribute ${name}`;
  if (uri !== '') return `has the attribute ${name} (namespace ${uri}), which a narrative may not have`;
  if (/^on/i.test(local)) return `has the event attribute ${name} on <${element}>`;
  if (!COMMON_ATTRIBUTES.has(local) && !ELEMENT_ATTRIBUTES.has(`${element}.${local}`))
    return `has the attribute ${name} on <${element}>, which a narrative may not have`;
  const url = normalizedUrl(value);
  if (LINKS.has(local) && UNSAFE_LINK.test(url))
    return `has a link that runs or embeds content (<${element} ${name}="${value.slice(0, 40)}">)`;
  if (element === 'img' && local === 'src' && !isInternalImage(url))
    return `loads an image from another server (<img src="${value.slice(0, 80)}">): use a contained Binary (#id) or a data: URL`;
  if (local === 'style' && UNSAFE_STYLE.test(url))
    return `has a style that loads or runs something (style="${value.slice(0, 60)}")`;
  return undefined;
}

/**
 * The issues of one narrative `div` at `expression` (`Task.text.div`): not well-formed XHTML
 * (code `structure`), or against txt-1/txt-2 (code `invariant`, the rule in `details`). At most
 * one issue per rule: the first problem found says what to fix.
 */
export function narrativeDivIssues(div: string, expression: string): OperationOutcomeIssue[] {
  const parser = new SaxesParser({ xmlns: true, position: false });
  // What the parser's handlers found: the first txt-1 problem, content, the depth, a root.
  const found: { txt1?: string; hasContent: boolean; depth: number; rootSeen: boolean } = {
    hasContent: false,
    depth: 0,
    rootSeen: false,
  };
  const forbid = (problem: string): void => {
    found.txt1 ??= problem;
  };
  parser.on('doctype', () => {
    forbid('has a DOCTYPE declaration');
  });
  parser.on('processinginstruction', ({ target }) => {
    forbid(`has the processing instruction <?${target}?>`);
  });
  parser.on('text', (text) => {
    if (/\S/.test(text)) found.hasContent = true;
  });
  parser.on('cdata', (text) => {
    if (/\S/.test(text)) found.hasContent = true;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    found.depth += 1;
    if (found.depth === 1) {
      found.rootSeen = true;
      if (tag.local !== 'div' || tag.uri !== XHTML_NAMESPACE)
        forbid(`must be a <div> in the XHTML namespace (${XHTML_NAMESPACE}), not <${tag.name}>`);
    }
    if (tag.uri !== XHTML_NAMESPACE) {
      forbid(`has the element <${tag.name}> outside the XHTML namespace`);
    } else if (!ELEMENTS.has(tag.local)) {
      forbid(`has the element <${tag.local}>, which a narrative may not have`);
    }
    if (tag.local === 'img') found.hasContent = true;
    for (const attribute of Object.values(tag.attributes)) {
      const problem = attributeProblem(tag.local, attribute);
      if (problem !== undefined) forbid(problem);
    }
  });
  parser.on('closetag', () => {
    found.depth -= 1;
  });
  try {
    parser.write(div).close();
  } catch (error) {
    return [
      {
        severity: 'error',
        code: 'structure',
        diagnostics: `${expression} is not well-formed XHTML: ${(error as Error).message.slice(0, 200)}`,
        expression: [expression],
      },
    ];
  }
  const issues: OperationOutcomeIssue[] = [];
  if (!found.rootSeen) forbid('has no element: it must be a <div> in the XHTML namespace');
  if (found.txt1 !== undefined) issues.push(ruleIssue('txt-1', expression, found.txt1));
  if (!found.hasContent) issues.push(ruleIssue('txt-2', expression, 'has no content but whitespace'));
  return issues;
}

/**
 * The issues of every narrative in a resource: its `text.div`, and those of its contained
 * resources (`Task.contained[0].text.div`). A narrative is the only FHIR element with a `div`.
 * Recursive over the resource: call it on a resource whose nesting depth is bounded.
 */
export function narrativeIssues(resource: unknown, root: string): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const visit = (node: unknown, expression: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, `${expression}[${i}]`);
      });
      return;
    }
    if (!isJsonObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const at = childExpression(expression, key);
      if (key === 'text' && isJsonObject(value) && typeof value.div === 'string') {
        issues.push(...narrativeDivIssues(value.div, `${at}.div`));
      } else if (typeof value === 'object' && value !== null) {
        visit(value, at);
      }
    }
  };
  visit(resource, root);
  return issues;
}
