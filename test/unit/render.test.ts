import { describe, expect, it } from 'vitest';
import { renderReply } from '../../src/adapters/console/render.ts';
import { errorReply } from '../../src/commands/replies.ts';
import { Secret } from '../../src/service/secret.ts';

describe('console rendering', () => {
  it('shows login details with both logins and the server', () => {
    const text = renderReply({
      tone: 'success',
      title: 'Created scott@example.com',
      secret: {
        address: 'scott@example.com',
        logins: ['scott@example.com', 'scott+example.com'],
        password: new Secret('abcd-efgh-jkmn-pqrs-tuvw'),
        server: { host: 'pop.example.net', port: 995 },
        issued: {
          command: 'add',
          requestId: 'r1',
          address: 'scott@example.com',
          mailboxId: 1,
          hash: 'h',
          previous: null,
        },
      },
    });
    expect(text).toContain('scott@example.com  or  scott+example.com');
    expect(text).toContain('abcd-efgh-jkmn-pqrs-tuvw');
    expect(text).toContain('pop.example.net, port 995');
  });
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
