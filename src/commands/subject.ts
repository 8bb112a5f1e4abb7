import type { SubjectSpec } from '../service/admin.service.ts';
import type { DomainError } from '../service/errors.ts';

const EXAMPLE =
  '`@someone`, a Discord role mention, or on the console `slack:T0123/U0456`, `discord:<guild>/user:<id>`, ' +
  '`discord:<guild>/role:<id>`';

/**
 * Who a grant is for: a Slack mention `<@U123|name>`, a Discord mention `<@123>` / role `<@&456>`,
 * a bare id, or (console) a qualified `platform:workspace/…` form. Pure.
 */
export function parseSubject(value: string): { ok: true; subject: SubjectSpec } | { ok: false; error: DomainError } {
  const bad = { ok: false as const, error: { code: 'INVALID_SUBJECT' as const, value, example: EXAMPLE } };
  let m = /^<@([UW][A-Z0-9]{2,20})(?:\|([^>]{1,80}))?>$/.exec(value);
  if (m) return { ok: true, subject: { kind: 'user', id: m[1]!, label: m[2] ? `@${m[2]}` : `<@${m[1]}>` } };
  m = /^<@!?(\d{5,25})>$/.exec(value);
  if (m) return { ok: true, subject: { kind: 'user', id: m[1]!, label: value } };
  m = /^<@&(\d{5,25})>$/.exec(value);
  if (m) return { ok: true, subject: { kind: 'role', id: m[1]!, label: value } };
  m = /^([UW][A-Z0-9]{2,20}|\d{5,25})$/.exec(value);
  if (m) return { ok: true, subject: { kind: 'user', id: m[1]!, label: value } };
  m = /^(slack|discord):([A-Za-z0-9_-]{1,64})\/(?:(user|role):)?([A-Za-z0-9]{1,64})$/.exec(value);
  if (m) {
    const platform = m[1] as 'slack' | 'discord';
    const kind = (m[3] ?? 'user') as 'user' | 'role';
    if (platform === 'slack' && kind === 'role') return bad;
    return { ok: true, subject: { kind, id: m[4]!, label: value, platform, workspaceId: m[2]! } };
  }
  return bad;
}
