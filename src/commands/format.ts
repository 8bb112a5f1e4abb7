/** "3 h ago over POP3", "never": what support staff ask first when a mailbox looks empty. */
export function formatLastLogin(lastLogin: { at: Date; protocol: string } | null, now: Date): string {
  if (!lastLogin) return 'never';
  const minutes = Math.max(0, Math.round((now.getTime() - lastLogin.at.getTime()) / 60_000));
  const ago =
    minutes < 1
      ? 'just now'
      : minutes < 60
        ? `${minutes} min ago`
        : minutes < 48 * 60
          ? `${Math.round(minutes / 60)} h ago`
          : `${Math.round(minutes / 1440)} days ago`;
  return `${ago} over ${lastLogin.protocol.toUpperCase()} (${formatDate(lastLogin.at)})`;
}

/** `2026-11-26 14:03 UTC`: one unambiguous form on every platform. */
export const formatDate = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "just now", "12 min ago", "3 h ago", then "26 Nov 14:03": short on a phone, exact when it is old. */
export function formatAgo(at: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.round(minutes / 60)} h ago`;
  const day = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${day} ${at.toISOString().slice(11, 16)}`;
}

/** An error code stored in the audit (PLAN_LIMIT_REACHED) as words (plan limit reached). */
export const codeAsWords = (text: string): string =>
  /^[A-Z][A-Z_]+$/.test(text) ? text.toLowerCase().replace(/_/g, ' ') : text;
