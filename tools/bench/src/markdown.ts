/** Markdown pieces of the report: tables, number formats, and generated sections inside a hand-written file. */

export type Align = 'left' | 'right';

export interface Column {
  title: string;
  align?: Align;
}

/** A GitHub-flavoured table; `|` inside cells is escaped, missing cells are empty. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  const rule = columns.map((c) => (c.align === 'right' ? '---:' : '---'));
  return [
    line(columns.map((c) => c.title)),
    `|${rule.join('|')}|`,
    ...rows.map((row) => line(columns.map((_, i) => row[i] ?? ''))),
  ].join('\n');
}

/** A number with `digits` decimals and thin grouping (12,345.6); `–` when not finite. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds with two decimals (latencies). */
export function formatMs(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)} ms` : '–';
}

/** A ratio such as 0.63×. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

const startMarker = (name: string) => `<!-- bench:${name}:start -->`;
const endMarker = (name: string) => `<!-- bench:${name}:end -->`;

/** The block that {@link replaceSection} finds again: content between two named markers. */
export function section(name: string, content: string): string {
  return `${startMarker(name)}\n${content.trim()}\n${endMarker(name)}`;
}

/**
 * Replaces the generated section `name` of a document, leaving everything else (hand-written
 * analysis, sections of scenarios not run this time) as it was. A missing section is appended.
 */
export function replaceSection(document: string, name: string, content: string): string {
  const start = document.indexOf(startMarker(name));
  const end = document.indexOf(endMarker(name));
  if (start === -1 || end === -1 || end < start) {
    return `${document.trimEnd()}\n\n${section(name, content)}\n`;
  }
  return document.slice(0, start) + section(name, content) + document.slice(end + endMarker(name).length);
}
