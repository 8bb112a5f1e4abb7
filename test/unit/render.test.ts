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
