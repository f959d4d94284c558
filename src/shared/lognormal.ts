/**
 * Service times are lognormal (what waiting rooms show, and what the simulator draws): the
 * distribution's functions, and a small seeded random source so that the estimator, which
 * draws from them, answers the same on a player and in a replay.
 */

/** A seeded uniform random source in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a string (FNV-1a). */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** A standard normal draw (Box–Muller). */
export function normalDraw(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A lognormal draw with the given mean and log-sd. */
export function lognormalDraw(random: () => number, mean: number, sigma: number): number {
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * normalDraw(random));
}

/**
 * A lognormal draw (mean, log-sd) given that it exceeds `elapsed`, less `elapsed`: how much
 * longer a service that has lasted `elapsed` goes on (inverse CDF on the tail).
 */
export function residualDraw(random: () => number, mean: number, sigma: number, elapsed: number): number {
  return residualSampler(mean, sigma, elapsed)(random);
}

/** `residualDraw` for one service drawn many times: what does not depend on the draw computed once. */
export function residualSampler(mean: number, sigma: number, elapsed: number): (random: () => number) => number {
  if (elapsed <= 0) return (random) => lognormalDraw(random, mean, sigma);
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const from = normalCdf((Math.log(elapsed) - mu) / sigma);
  // Far in the tail the service is about to end.
  if (from > 1 - 1e-6) return (random) => mean * 0.05 * random();
  return (random) => {
    const u = from + (1 - from) * random();
    return Math.max(0, Math.exp(mu + sigma * normalQuantile(u)) - elapsed);
  };
}

export interface Weighted {
  value: number;
  weight: number;
}

/** The q-quantile (0..1) of weighted values sorted by value: the first whose cumulated weight reaches q. */
export function weightedQuantile(sorted: readonly Weighted[], q: number): number {
  const total = sorted.reduce((sum, x) => sum + x.weight, 0);
  let cumulated = 0;
  for (const x of sorted) {
    cumulated += x.weight;
    if (cumulated >= q * total) return x.value;
  }
  return sorted.at(-1)?.value ?? NaN;
}
