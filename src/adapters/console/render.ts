import { linkPurpose, type Reply } from '../../commands/reply.ts';
import type { Secret } from '../../service/secret.ts';

const MARK: Record<Reply['tone'], string> = { success: '✔', info: '•', error: '✖', confirm: '?' };

/**
 * A reply as terminal lines. The console is private to the operator, so the login details
 * (password included) are printed: this is the one place the console reveals a Secret.
 */
export function renderReply(reply: Reply): string {
  const out: string[] = [`${MARK[reply.tone]} ${reply.title}`];
  for (const line of reply.lines ?? []) out.push(...line.split('\n').map((l) => `  ${l}`));
  if (reply.fields?.length) {
    const width = Math.max(...reply.fields.map((f) => f.label.length)) + 1;
    for (const f of reply.fields) out.push(`  ${`${f.label}:`.padEnd(width + 1)} ${f.value}`);
  }
  if (reply.rows?.length) {
    const width = Math.min(48, Math.max(...reply.rows.map((r) => r.title.length)));
    for (const r of reply.rows) out.push(`  ${r.title.padEnd(width)}  ${r.detail}`.trimEnd());
  }
  if (reply.footer) out.push(`  ${reply.footer}`);
  if (reply.secret) {
    const s = reply.secret;
    out.push('', `  Login:     ${s.logins.join('  or  ')}`);
    if (s.password) out.push(`  Password:  ${s.password.reveal()}`);
    out.push(
      `  POP3:      ${s.server.host}, port ${s.server.port} (${s.server.security})`,
      `  SMTP:      ${s.outgoing.host}, port ${s.outgoing.port} (${s.outgoing.security}, same login)`,
    );
    if (s.link)
      out.push(
        `  Link:      ${s.link.url.reveal()}`,
        `             ${linkPurpose(s.link, '`audit` shows when they have.')}`,
      );
  }
  const followUps = (reply.actions ?? []).filter((a) => a.hint && a.kind !== 'confirm-delete');
  if (followUps.length) {
    out.push('');
    for (const a of followUps) out.push(`  ${a.label}: pop ${a.hint}`);
  }
  return out.join('\n');
}

/** What a new embedded database says on screen: the demo account, its control-panel password once, what to try. */
export function renderDemoNotice(
  demo: { username: string; password: Secret; domain: string },
  location: string,
): string {
  return [
    `• New embedded database in ${location}: created the DEMO hosting account "${demo.username}" with domain ` +
      `${demo.domain} (plan Demo: 10 POP accounts, 1 GB).`,
    `  Main Account login: ${demo.username}  control-panel password (shown once): ${demo.password.reveal()}`,
    '  Try: pop add scott 10MB',
  ].join('\n');
}

/**
 * A reply as one JSON object for scripts (`--json`), a stable shape documented in the README:
 * `{ ok: true, title, tone, lines?, fields?, rows?, footer?, login?, actions? }`, or
 * `{ error: { code, message } }`. The console is private to its operator, so `login.password` is
 * there as the console would print it.
 */
export function replyAsJson(reply: Reply): Record<string, unknown> {
  if (reply.errorCode) return { error: { code: reply.errorCode, message: (reply.lines ?? [reply.title]).join('\n') } };
  const s = reply.secret;
  return {
    ok: true,
    tone: reply.tone,
    title: reply.title,
    ...(reply.lines?.length ? { lines: reply.lines } : {}),
    ...(reply.fields?.length ? { fields: reply.fields } : {}),
    ...(reply.rows?.length ? { rows: reply.rows } : {}),
    ...(reply.footer ? { footer: reply.footer } : {}),
    ...(s
      ? {
          login: {
            address: s.address,
            logins: s.logins,
            ...(s.password ? { password: s.password.reveal() } : {}),
            incoming: s.server,
            outgoing: s.outgoing,
            ...(s.link
              ? { link: { kind: s.link.kind, url: s.link.url.reveal(), expiresAt: s.link.expiresAt.toISOString() } }
              : {}),
          },
        }
      : {}),
    ...(reply.actions?.some((a) => a.hint)
      ? {
          actions: reply.actions
            .filter((a) => a.hint)
            .map((a) => ({ kind: a.kind, label: a.label, command: `pop ${a.hint}` })),
        }
      : {}),
  };
}
