import { describe, expect, it } from 'vitest';
import { escapeHtml, joinMarkup, markup, type MarkupPart } from './markup.ts';

describe('markup (escaped rows, issue 11.4)', () => {
  it('escapes every interpolated text, in content and in attribute values', () => {
    const hostile = `<script>alert(1)</script>"'&`;
    const m = markup`<a href="${`/x?a=${hostile}`}" title="${hostile}">${hostile}</a>`;
    expect(String(m)).toBe(
      '<a href="/x?a=&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;" title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</a>',
    );
    expect(escapeHtml('plain 日本語 text')).toBe('plain 日本語 text');
  });

  it('keeps nested markup as is, prints numbers, drops null/undefined/false and joins lists', () => {
    const inner = markup`<b>${'<i>'}</b>`;
    expect(String(markup`<p>${inner}${3.5}${null}${undefined}${false}${['a', inner, ['<']]}</p>`)).toBe('<p><b>&lt;i&gt;</b>3.5a<b>&lt;i&gt;</b>&lt;</p>');
    expect(String(joinMarkup(['<', inner]))).toBe('&lt;<b>&lt;i&gt;</b>');
  });

  it('refuses an object that is neither markup nor a list (a plain String is not markup)', () => {
    expect(() => markup`${new String('<b>') as unknown as MarkupPart}`).toThrow(TypeError);
    expect(() => markup`${{ toString: () => '<b>' } as unknown as MarkupPart}`).toThrow(TypeError);
  });
});
