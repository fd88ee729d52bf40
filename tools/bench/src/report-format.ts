/** Shared pieces of the report's tables: goal lines and number formats. */
import type { Column } from './markdown.ts';
import { formatNumber, renderTable } from './markdown.ts';
import type { TargetSummary } from './rounds.ts';

export interface Goal {
  goal: string;
  reached: string;
  pass: boolean;
}

export const R: Column['align'] = 'right';
export const perRound = (s: TargetSummary) => s.perRound.map((v) => formatNumber(v)).join(' / ');
export const micros = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : formatNumber(value));
/** An instant to the second, as the report states when it measured: `2026-11-22T23:04:32Z`. */
export const formatInstant = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');
export const secondsPer1k = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : (value / 1000).toFixed(3));
const status = (pass: boolean) => (pass ? 'pass' : '**miss**');

export function renderGoals(goals: readonly Goal[]): string {
  return renderTable(
    [{ title: 'target' }, { title: 'reached' }, { title: '' }],
    goals.map((g) => [g.goal, g.reached, status(g.pass)]),
  );
}
