/** How the dashboard writes times, sizes and durations, in the chosen language. */

export function ago(iso: string | null, now: number, locale: string, never: string): string {
  if (!iso) return never;
  const s = Math.round((Date.parse(iso) - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(s) < 90) return format.format(s, 'second');
  if (Math.abs(s) < 5400) return format.format(Math.round(s / 60), 'minute');
  if (Math.abs(s) < 172_800) return format.format(Math.round(s / 3600), 'hour');
  return format.format(Math.round(s / 86_400), 'day');
}

/** A file's size as people read it: kilobytes under a megabyte (a poster of 42 KB is not "0 MB"), else megabytes. */
export function fileSize(bytes: number, locale: string): string {
  if (bytes < 1e6) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(Math.max(1, Math.round(bytes / 1e3)));
  return megabytes(bytes, locale);
}

export function megabytes(bytes: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / 1e6);
}

/** The UTC instants written in a text (`urgent until 2026-12-05T10:42:24.431Z`) as the page's local date and time, the rest as it is. */
export function localTimesIn(text: string, locale: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z\b/g, (instant) => dateTime(instant, locale));
}

/** Whether a page's host name is this computer only (an address other computers cannot reach). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\./.test(hostname) || hostname === '[::1]' || hostname === '::1';
}

export function clockTime(ms: number, locale: string, timeZone?: string): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}) });
}

export function dateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
}

/** 3 h 05 min, 12 min 30 s, 8 s */
export function airtime(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** 12 min, 3 h, 2 j (2 days): a long wait, rounded to its largest unit. */
export function roundedDuration(seconds: number, locale: string): string {
  const [value, unit] = seconds < 5400 ? [seconds / 60, 'minute'] : seconds < 172_800 ? [seconds / 3600, 'hour'] : [seconds / 86_400, 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: unit === 'day' ? 'long' : 'short', maximumFractionDigits: 0 }).format(value);
}

/**
 * A number field's text as the value to store: empty is absent; a decimal number (a comma or a
 * point) is a number; anything else (`0x10`, `1e2`, `douze`) is kept as typed, for the schema to refuse.
 */
export function numberFrom(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  if (!/^\s*-?\d+(?:[.,]\d+)?\s*$/.test(text)) return text;
  return Number(text.trim().replace(',', '.'));
}
