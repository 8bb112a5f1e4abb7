/** Ends an account's open mail sessions (POP3, IMAP) on the mail server, where it allows it. */
export type MailSessions = { end(login: string): Promise<void> };

/**
 * Dovecot's doveadm HTTP API (`doveadm kick <login>`): `url` is its base, e.g.
 * http://127.0.0.1:8080/doveadm/v1, `apiKey` its doveadm_api_key. Throws when Dovecot does not
 * confirm; the caller logs it (the change itself is made and stays made).
 */
export function createDoveadmSessions(url: string, apiKey: string): MailSessions {
  const authorization = `X-Dovecot-API ${Buffer.from(apiKey).toString('base64')}`;
  return {
    async end(login) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify([['kick', { mask: [login] }, 'popbot']]),
        signal: AbortSignal.timeout(5_000),
      });
      const answer = (await response.json().catch(() => null)) as [string, unknown, string][] | null;
      if (!response.ok || answer?.[0]?.[0] !== 'doveadmResponse') {
        throw new Error(`doveadm kick answered ${response.status} ${JSON.stringify(answer)?.slice(0, 200)}`);
      }
    },
  };
}
