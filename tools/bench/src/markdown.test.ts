import { formatMs, formatNumber, formatRatio, renderTable, replaceSection, section } from './markdown.ts';

describe('renderTable', () => {
  it('when given columns and rows, then it renders a GitHub table with right-aligned number columns', () => {
    const table = renderTable(
      [{ title: 'target' }, { title: 'req/s', align: 'right' }],
      [
        ['nginx', '15,000'],
        ['gateway', '7,000'],
      ],
    );
    expect(table).toBe('| target | req/s |\n|---|---:|\n| nginx | 15,000 |\n| gateway | 7,000 |');
  });

  it('when a cell holds a pipe or a newline, then it is escaped, and missing cells are empty', () => {
    expect(renderTable([{ title: 'a' }, { title: 'b' }], [['x|y\nz']])).toBe('| a | b |\n|---|---|\n| x\\|y z |  |');
  });
});

describe('number formats', () => {
  it('when numbers are formatted, then they are grouped and rounded, and non-finite ones show a dash', () => {
    expect(formatNumber(12345.678)).toBe('12,346');
    expect(formatNumber(1.234, 2)).toBe('1.23');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatMs(0.456)).toBe('0.46 ms');
    expect(formatRatio(0.6149)).toBe('0.61×');
  });
});

describe('replaceSection', () => {
  const doc = `# Title\n\nhand-written\n\n${section('a', 'old a')}\n\nmore text\n\n${section('b', 'old b')}\n`;

  it('when a section exists, then only its content changes and the text around it stays', () => {
    const out = replaceSection(doc, 'a', 'new a');
    expect(out).toContain('<!-- bench:a:start -->\nnew a\n<!-- bench:a:end -->');
    expect(out).not.toContain('old a');
    expect(out).toContain('hand-written');
    expect(out).toContain('more text');
    expect(out).toContain('old b');
  });

  it('when a section is missing, then it is appended', () => {
    expect(replaceSection('# Title\n', 'c', 'c content')).toBe('# Title\n\n<!-- bench:c:start -->\nc content\n<!-- bench:c:end -->\n');
  });

  it('when a section is replaced twice, then the document does not grow', () => {
    const once = replaceSection(doc, 'b', 'x');
    expect(replaceSection(once, 'b', 'x')).toBe(once);
  });
});
