import parsePrometheusTextFormat, { type PromFamily, type PromSample } from 'parse-prometheus-text-format';

/** Scrapes a `/metrics` as Prometheus would, and reads it through a real text-format parser. */

export interface Scrape {
  status: number;
  contentType: string | null;
  text: string;
  families: PromFamily[];
}

export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text, families: response.ok ? parsePrometheusTextFormat(text) : [] };
}

function matches(sample: PromSample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value);
}

/** The value of the one sample of `name` with these labels (undefined: no such sample). */
export function sampleValue(families: PromFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = families.find((family) => family.name === name)?.metrics.filter((sample) => matches(sample, labels)) ?? [];
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${found.length} samples match`);
  return found[0]?.value === undefined ? undefined : Number(found[0].value);
}

/**
 * A histogram's count of observations with these labels (0 when none): its `+Inf` bucket. The
 * parser folds a histogram's label sets into one (it knows only unlabelled histograms), so the
 * family's lines of this one label set are given to it alone.
 */
export function histogramCount(result: Scrape, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const lines = result.text.split('\n').filter((line) => line === `# TYPE ${name} histogram` || (line.startsWith(`${name}_bucket{`) && wanted.every((label) => line.includes(label))));
  const family = parsePrometheusTextFormat(`${lines.join('\n')}\n`).find((one) => one.name === name);
  const infinite = family?.metrics[0]?.buckets?.['+Inf'];
  return infinite === undefined ? 0 : Number(infinite);
}
