import stringWidth from 'string-width';

export type Align = 'left' | 'right';

/**
 * Renders rows as a plain-text table whose columns line up in a terminal, counting
 * full-width Japanese characters as two columns.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  // A row of one or two cells is a heading: it spans the table and does not widen columns.
  const isHeading = (r: readonly string[]) => r.length < header.length;
  const body = rows.filter((r) => !isHeading(r));
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...body.map((r) => stringWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    isHeading(cells)
      ? cells.filter(Boolean).join(' ')
      : cells
      .map((c, i) => {
        const pad = ' '.repeat(widths[i]! - stringWidth(c));
        return align[i] === 'right' ? pad + c : i === cells.length - 1 ? c : c + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Cuts text to a display width, marking the cut with an ellipsis. */
export function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return out + '…';
}
