// Narrative XHTML (R4 txt-1, txt-2): what a `text.div` may hold, and how the validator refuses it.
import { describe, expect, it } from '@jest/globals';
import {
  createResourceValidator,
  isNarrativeRuleIssue,
  narrativeDivIssues,
} from '../../src/validation/index.js';
import { OFFICIAL_EXAMPLES, officialExample } from './fixtures.js';

const XHTML = 'http://www.w3.org/1999/xhtml';
const div = (inner: string, attributes = '') => `<div xmlns="${XHTML}"${attributes}>${inner}</div>`;
const rulesOf = (text: string) =>
  narrativeDivIssues(text, 'Task.text.div').map((i) => i.details?.coding?.[0]?.code ?? i.code);

describe('narrative XHTML (txt-1, txt-2)', () => {
  it('takes the narratives of the official examples', () => {
    const divs = OFFICIAL_EXAMPLES.map(
      (file) => [file, (officialExample(file) as { text?: { div?: string } }).text?.div ?? ''] as const,
    );
    expect(divs.filter(([, text]) => text !== '')).toHaveLength(OFFICIAL_EXAMPLES.length);
    for (const [file, text] of divs)
      expect([file, narrativeDivIssues(text, 'X.text.div')]).toEqual([file, []]);
  });

  it('takes basic formatting, tables, links, internal images, styles, xml:lang and entities', () => {
    for (const ok of [
      div('<p>Wound care <b>daily</b>, <i>2</i>&#160;times &amp; more &lt;3</p>'),
      div('<table border="1"><tbody><tr><td colspan="2" style="color: red">x</td></tr></tbody></table>'),
      div('<a href="https://example.org/leaflet">leaflet</a> <a name="top">top</a> <a href="#top">up</a>'),
      div('<img src="#photo" alt="wound"/>'),
      div('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x"/>'),
      div('<p xml:lang="fr" lang="fr">Soins</p><!-- a comment -->'),
      div('<ul><li>one</li></ul><ol start="2"><li>two</li></ol><pre>  x</pre><br/><hr/>'),
    ]) {
      expect([ok, narrativeDivIssues(ok, 'Task.text.div')]).toEqual([ok, []]);
    }
  });

  it.each([
    ['a script', div('<p>x</p><script>alert(1)</script>')],
    ['an iframe', div('x<iframe src="https://evil.example"></iframe>')],
    ['an object', div('x<object data="x.swf"></object>')],
    ['an embed', div('x<embed src="x"/>')],
    ['a form', div('<form action="https://evil.example"><input name="pw"/></form>x')],
    ['a style element', div('<style>p { color: red }</style>x')],
    ['a link element', div('<link rel="stylesheet" href="https://evil.example/x.css"/>x')],
    ['a base element', div('<base href="https://evil.example/"/>x')],
    ['an onclick attribute', div('<p onclick="alert(1)">x</p>')],
    ['an onerror attribute', div('<img src="#x" onerror="alert(1)"/>')],
    ['a javascript: link', div('<a href="javascript:alert(1)">x</a>')],
    ['a javascript: link with spaces and case', div('<a href=" JaVa\tScRiPt:alert(1)">x</a>')],
    ['a data: link', div('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>')],
    ['an external image', div('<img src="https://tracker.example/pixel.gif"/>x')],
    ['a protocol-relative image', div('<img src="//tracker.example/pixel.gif"/>x')],
    ['a style loading a url', div('<p style="background: url(https://tracker.example/x)">x</p>')],
    ['a style expression', div('<p style="width: expression(alert(1))">x</p>')],
    ['an xlink attribute', div('<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="x">x</a>')],
    ['an svg element', div('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>x')],
    ['a root other than div', `<p xmlns="${XHTML}">x</p>`],
    ['a div outside the XHTML namespace', '<div>x</div>'],
    ['a body', div('<body>x</body>')],
    ['a processing instruction', div('<?xml-stylesheet href="https://evil.example/x.xsl"?>x')],
  ])('refuses %s (txt-1)', (_what, text) => {
    expect(rulesOf(text)).toContain('txt-1');
  });

  it('refuses a narrative of whitespace alone (txt-2); an image is content', () => {
    expect(rulesOf(div(' \n\t<p> </p> '))).toEqual(['txt-2']);
    expect(rulesOf(div('<p><img src="#x"/></p>'))).toEqual([]);
  });

  it('says when the div is not well-formed XHTML (a structure issue, not a rule)', () => {
    for (const text of [div('<p>x'), 'not xml', div('<p>&nbsp;</p>'), `${div('x')}<div/>`]) {
      const issues = narrativeDivIssues(text, 'Task.text.div');
      expect(issues).toEqual([expect.objectContaining({ code: 'structure', expression: ['Task.text.div'] })]);
      expect(issues.some(isNarrativeRuleIssue)).toBe(false);
    }
  });

  it('a DOCTYPE (entity declarations) is refused, never expanded', () => {
    const text = `<!DOCTYPE div [<!ENTITY x "xxxxxxxx">]><div xmlns="${XHTML}">&x;</div>`;
    expect(narrativeDivIssues(text, 'Task.text.div')).not.toEqual([]);
  });
});

describe('the validator and narratives', () => {
  const validator = createResourceValidator({ types: ['Task', 'CarePlan'] });
  const task = (text: unknown, extra: Record<string, unknown> = {}) => ({
    ...officialExample('task-example2.json'),
    text,
    ...extra,
  });

  it('422 naming Task.text.div and the rule when only the narrative is refused', () => {
    const result = validator.validate(task({ status: 'generated', div: div('<script>alert(1)</script>x') }), {
      type: 'Task',
    });
    expect(result).toMatchObject({
      ok: false,
      status: 422,
      issues: [
        {
          severity: 'error',
          code: 'invariant',
          expression: ['Task.text.div'],
          details: { coding: [{ code: 'txt-1' }] },
        },
      ],
    });
    expect(result.ok ? undefined : result.issues[0]?.diagnostics).toMatch(
      /^Constraint txt-1 failed: Task\.text\.div has the element <script>/,
    );
  });

  it('checks the narratives of contained resources too', () => {
    const result = validator.validate(
      task(undefined, {
        contained: [
          {
            resourceType: 'Patient',
            id: 'p1',
            text: { status: 'generated', div: div('<p onmouseover="x()">x</p>') },
          },
        ],
        for: { reference: '#p1' },
      }),
      { type: 'Task' },
    );
    expect(result).toMatchObject({
      ok: false,
      status: 422,
      issues: [expect.objectContaining({ expression: ['Task.contained[0].text.div'] })],
    });
  });

  it('400 when the narrative is not XHTML at all, and with other errors', () => {
    const malformed = validator.validate(task({ status: 'generated', div: '<div>' }), { type: 'Task' });
    expect(malformed).toMatchObject({ ok: false, issues: [expect.objectContaining({ code: 'structure' })] });
    expect(malformed).not.toHaveProperty('status');
    const both = validator.validate(
      task({ status: 'generated', div: div('<script/>x') }, { status: 'nonsense' }),
      { type: 'Task' },
    );
    expect(both).toMatchObject({ ok: false });
    expect(both).not.toHaveProperty('status');
  });

  it('takes a safe narrative', () => {
    expect(
      validator.validate(task({ status: 'generated', div: div('<p>Wound care</p>') }), { type: 'Task' }).ok,
    ).toBe(true);
  });
});
