/** Parses durations such as `90s`, `15m`, `1h30m`, `2h` or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const pattern = /\s*(\d+)\s*(ms|s|m|h|d)\s*/gy;
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let matched = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * (unitMs[match[2] as string] as number);
    matched += match[0].length;
  }
  if (trimmed === '' || matched !== trimmed.length) {
    throw new Error(`"${text}" is not a duration; write it like 90s, 15m, 1h30m or 2h`);
  }
  return total;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}
