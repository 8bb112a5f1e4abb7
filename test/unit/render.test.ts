import { describe, expect, it } from 'vitest';
import { renderReply } from '../../src/adapters/console/render.ts';
import { renderMessage } from '../../src/adapters/discord/render.ts';
import { renderBlocks } from '../../src/adapters/slack/render.ts';
import type { Reply } from '../../src/commands/reply.ts';
import { errorReply } from '../../src/commands/replies.ts';
import { Secret } from '../../src/service/secret.ts';

const created: Reply = {
  tone: 'success',
  title: 'Created scott@example.com',
  secret: {
    address: 'scott@example.com',
    logins: ['scott@example.com', 'scott+example.com'],
    password: new Secret('abcd-efgh-jkmn-pqrs-tuvw'),
    server: { host: 'pop.example.net', port: 995, security: 'SSL/TLS' },
    outgoing: { host: 'smtp.example.net', port: 587, security: 'STARTTLS' },
    issued: {
      command: 'add',
      requestId: 'r1',
      address: 'scott@example.com',
      mailboxId: 1,
      hash: 'h',
      previous: null,
    },
  },
};

describe('login details name both servers and how each is secured, on every platform', () => {
  it('console', () => {
    const text = renderReply(created);
    expect(text).toContain('scott@example.com  or  scott+example.com');
    expect(text).toContain('abcd-efgh-jkmn-pqrs-tuvw');
    expect(text).toContain('pop.example.net, port 995 (SSL/TLS)');
    expect(text).toContain('smtp.example.net, port 587 (STARTTLS, same login)');
  });
  it('Slack and Discord', () => {
    const slack = JSON.stringify(renderBlocks(created));
    expect(slack).toContain('*Incoming (POP3)*\\n`pop.example.net` port 995, SSL/TLS');
    expect(slack).toContain('*Outgoing (SMTP)*\\n`smtp.example.net` port 587, STARTTLS, same login');
    const discord = JSON.stringify(renderMessage(created));
    expect(discord).toContain('`pop.example.net` port 995, SSL/TLS');
    expect(discord).toContain('`smtp.example.net` port 587, STARTTLS, same login');
  });
});

describe('one-time links in the private reply (SPEC §10)', () => {
  const url = `https://pop.example.net/s/${'T'.repeat(43)}`;
  const expiresAt = new Date('2026-11-28T10:15:00Z');
  const withLink = (kind: 'reveal' | 'set-own'): Reply => ({
    ...created,
    secret: {
      ...created.secret!,
      password: kind === 'reveal' ? created.secret!.password : undefined,
      link: { kind, url: new Secret(url), expiresAt },
    },
  });

  it('Slack: the URL copyable in its section, with a link button; no password block for set-own', () => {
    const reveal = renderBlocks(withLink('reveal'));
    const section = reveal.blocks.find((b) => (b.accessory as { url?: string } | undefined)?.url === url);
    expect(section?.accessory).toEqual({
      type: 'button',
      action_id: 'popbot_link',
      text: { type: 'plain_text', text: 'One-time link' },
      url,
    });
    expect(JSON.stringify(section)).toContain('shows the password once, until Sat 28 Nov, 10:15 UTC');
    expect(reveal.text).not.toContain('/s/');
    const setOwn = JSON.stringify(renderBlocks(withLink('set-own')));
    expect(setOwn).not.toContain('*Password*');
    expect(setOwn).toContain('Set-your-own-password link for the owner');
    expect(setOwn).toContain('You get a direct message when they have.');
  });

  it('Discord: a link-style button with the URL; the console prints it with what it is for', () => {
    const discord = renderMessage(withLink('reveal'));
    const buttons = discord.components.flatMap((row) => row.components);
    expect(buttons).toContainEqual({ type: 2, style: 5, url, label: 'One-time link' });
    expect(JSON.stringify(renderMessage(withLink('set-own')))).not.toContain('"name":"Password"');
    const text = renderReply(withLink('set-own'));
    expect(text).toContain(`Link:      ${url}`);
    expect(text).toContain('`audit` shows when they have.');
    expect(text).not.toContain('Password:');
  });
});

describe('console rendering', () => {
  it('renders an error with its rule and value, and a follow-up as the command to type', () => {
    const reply = errorReply({
      code: 'PLAN_LIMIT_REACHED',
      plan: 'Basic',
      limit: 10,
      account: 'acme',
      domain: 'acme.example',
    });
    expect(reply.errorCode).toBe('PLAN_LIMIT_REACHED');
    reply.actions = [
      {
        kind: 'request-more',
        pendingId: 'p'.repeat(16),
        label: 'Request more POP accounts',
        hint: 'plan acme.example --request',
      },
    ];
    const text = renderReply(reply);
    expect(text).toContain('plan "Basic" of acme allows 10 POP accounts');
    expect(text).toContain('pop plan acme.example --request');
  });
});
