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
