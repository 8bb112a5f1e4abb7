/**
 * "just now", "12 min ago", "3 h ago" within `hoursBefore` hours; after that, the minutes, for the caller
 * to say in its own way.
 */
function recently(at: Date, now: Date, hoursBefore: number): { text: string } | { minutes: number } {
  const minutes = Math.max(0, Math.round((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 1) return { text: 'just now' };
  if (minutes < 60) return { text: `${minutes} min ago` };
  if (minutes < hoursBefore * 60) return { text: `${Math.round(minutes / 60)} h ago` };
  return { minutes };
}

/** "3 h ago over POP3", "never": what support staff ask first when a mailbox looks empty. */
export function formatLastLogin(lastLogin: { at: Date; protocol: string } | null, now: Date): string {
  if (!lastLogin) return 'never';
  const ago = recently(lastLogin.at, now, 48);
  const text = 'text' in ago ? ago.text : `${Math.round(ago.minutes / 1440)} days ago`;
  return `${text} over ${lastLogin.protocol.toUpperCase()} (${formatDate(lastLogin.at)})`;
}

/** `2026-11-26 14:03 UTC`: one unambiguous form on every platform. */
export const formatDate = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "just now", "12 min ago", "3 h ago", then "26 Nov 14:03": short on a phone, exact when it is old. */
export function formatAgo(at: Date, now: Date): string {
  const ago = recently(at, now, 24);
  if ('text' in ago) return ago.text;
  const day = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${day} ${at.toISOString().slice(11, 16)}`;
}

/** An error code stored in the audit (PLAN_LIMIT_REACHED) as words (plan limit reached). */
export const codeAsWords = (text: string): string =>
  /^[A-Z][A-Z_]+$/.test(text) ? text.toLowerCase().replace(/_/g, ' ') : text;
