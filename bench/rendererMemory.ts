import { execFileSync } from 'node:child_process';

/** Resident memory of Chromium's renderer processes (the pages), in bytes: the largest one. */
export function rendererRss(): number {
  const out = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
  let max = 0;
  for (const line of out.split('\n')) {
    if (!line.includes('--type=renderer') || line.includes('--extension-process')) continue;
    max = Math.max(max, Number(line.trim().split(/\s+/)[0]) * 1024);
  }
  return max;
}

/** Samples renderer memory every `everyMs` until stopped; answers the peak. */
export function sampleRss(everyMs = 100): { stop(): number } {
  let peak = rendererRss();
  const timer = setInterval(() => (peak = Math.max(peak, rendererRss())), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rendererRss());
    },
  };
}
