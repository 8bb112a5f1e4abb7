import { describe, expect, it } from 'vitest';
import { renderReply } from '../../src/adapters/console/render.ts';
import { errorReply } from '../../src/commands/replies.ts';
import { Secret } from '../../src/service/secret.ts';

describe('console rendering', () => {
  it('shows login details with both logins and the server', () => {
    const text = renderReply({
      tone: 'success',
      title: 'Created scott@example.com',
      secret: { address: 'scott@example.com', logins: ['scott@example.com', 'scott+example.com'], password: new Secret('abcd-efgh-jkmn-pqrs-tuvw'), server: { host: 'pop.example.net', port: 995 } },
    });
    expect(text).toContain('scott@example.com  or  scott+example.com');
    expect(text).toContain('abcd-efgh-jkmn-pqrs-tuvw');
    expect(text).toContain('pop.example.net, port 995');
  });
  it('renders an error with its rule and value, and the sales action on the plan limit', () => {
    const reply = errorReply({ code: 'PLAN_LIMIT_REACHED', plan: 'Basic', limit: 10, account: 'acme', domain: 'acme.example' });
    expect(reply.errorCode).toBe('PLAN_LIMIT_REACHED');
    expect(reply.actions?.[0]).toMatchObject({ id: 'request-more', command: 'plan acme.example --request' });
    const text = renderReply(reply);
    expect(text).toContain('plan "Basic" of acme allows 10 POP accounts');
    expect(text).toContain('pop plan acme.example --request');
  });
});
