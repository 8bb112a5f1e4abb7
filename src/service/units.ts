export const MB = 1_048_576;

/** Quota in whole MB; 0 means unlimited (bounded only by the hosting account's disk quota). */
export type QuotaMb = number;

const UNIT_FACTORS: Record<string, number> = {
  '': 1,
  m: 1,
  mb: 1,
  mib: 1,
  g: 1024,
  gb: 1024,
  gib: 1024,
  t: 1024 * 1024,
  tb: 1024 * 1024,
};

/**
 * Parses `10`, `10MB`, `10 mb`, `10M`, `1.5GB`, `2G`, `0`, `unlimited` into whole MB.
 * Pure; the bound by the hosting account's disk quota is checked by the service.
 */
export function parseQuota(
  input: string,
): { ok: true; mb: QuotaMb } | { ok: false; error: { code: 'INVALID_QUOTA'; value: string; reason: string } } {
  const value = input.trim();
  const bad = (reason: string) => ({ ok: false as const, error: { code: 'INVALID_QUOTA' as const, value, reason } });
  if (/^unlimited$/i.test(value)) return { ok: true, mb: 0 };
  if (/^-/.test(value)) return bad('a quota cannot be negative');
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(value);
  if (!match) return bad('expected a number with an optional unit (MB or GB)');
  const factor = UNIT_FACTORS[match[2]!.toLowerCase()];
  if (factor === undefined) return bad(`unknown unit "${match[2]}"; use MB or GB`);
  const mb = Number(match[1]) * factor;
  if (!Number.isFinite(mb) || mb > 2 ** 31 - 1) return bad('too large');
  if (!Number.isInteger(mb)) return bad('it must come to a whole number of MB');
  return { ok: true, mb };
}

/** "10 MB", "1.5 GB", "unlimited". */
export function formatQuota(mb: QuotaMb): string {
  return mb === 0 ? 'unlimited' : formatMb(mb);
}

export function formatMb(mb: number): string {
  if (mb >= 1024) {
    const gb = mb / 1024;
    return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
  }
  return `${mb} MB`;
}

/** Usage as control panels show it: "0 MB", "0.4 MB", "12 MB", "1.2 GB". */
export function formatBytes(bytes: number): string {
  const mb = bytes / MB;
  if (mb >= 1024) return `${(mb / 1024).toFixed(1)} GB`;
  if (mb >= 10 || mb === 0) return `${Math.round(mb)} MB`;
  return `${mb.toFixed(1)} MB`;
}
