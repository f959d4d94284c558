/** Distinct colours for charts and the timeline, each at least 3:1 against white (WCAG 1.4.11 for graphics). */
export const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf', '#475569', '#c2410c'];

export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
