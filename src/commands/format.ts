/** `2026-11-26 14:03 UTC`: one unambiguous form on every platform. */
export const formatDate = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
