import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DEPLOY = join(import.meta.dirname, '../../deploy');

/** `key = value` settings of a Dovecot .conf.ext or Postfix .cf file, with `\` continuations joined. */
function settingsOf(file: string): Map<string, string> {
  const text = readFileSync(join(DEPLOY, file), 'utf8').replace(/\\\n\s*/g, ' ');
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (match) settings.set(match[1]!, match[2]!.trim());
  }
  return settings;
}

/**
 * Every query Dovecot and Postfix run against popbot, as shipped in deploy/, with the address
 * `local@domain` put in the way each program would (Dovecot %n %d %u, Postfix %u %d %s).
 */
export function mailQueries(local: string, domain: string): { name: string; sql: string }[] {
  const dovecot = settingsOf('dovecot/dovecot-popbot-sql.conf.ext');
  const forDovecot = (query: string) =>
    query.replaceAll('%n', local).replaceAll('%d', domain).replaceAll('%u', `${local}@${domain}`);
  const forPostfix = (query: string, key: string) =>
    query.replaceAll('%s', key).replaceAll('%u', local).replaceAll('%d', domain);
  const postfix = (file: string) => settingsOf(`postfix/${file}`).get('query') ?? '';
  return [
    { name: 'Dovecot password_query', sql: forDovecot(dovecot.get('password_query') ?? '') },
    { name: 'Dovecot user_query', sql: forDovecot(dovecot.get('user_query') ?? '') },
    { name: 'Postfix virtual_mailbox_domains', sql: forPostfix(postfix('popbot-pgsql-domains.cf'), domain) },
    {
      name: 'Postfix virtual_mailbox_maps',
      sql: forPostfix(postfix('popbot-pgsql-mailboxes.cf'), `${local}@${domain}`),
    },
    { name: 'Postfix aliases', sql: forPostfix(postfix('popbot-pgsql-aliases.cf'), `${local}@${domain}`) },
    { name: 'Postfix catch-all', sql: forPostfix(postfix('popbot-pgsql-catchall.cf'), `${local}@${domain}`) },
  ];
}
