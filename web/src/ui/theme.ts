// Light and dark themes: the system's preference unless the user picked one (kept locally).
export type Theme = 'light' | 'dark';
const KEY = 'cc-analytics-theme';

export function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    /* storage may be off */
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = theme;
  if (!remember) return;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    /* storage may be off */
  }
}

/** A CSS custom property of the current theme (charts draw with these). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Series colours: distinct in both themes. */
export const PALETTE = ['#d97757', '#6a9bcc', '#8fb573', '#c98ad6', '#e2b34d', '#5fb8b0', '#e07a9a', '#9a8cf0', '#b0a48a', '#7f8c9b'];

export function colourFor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
