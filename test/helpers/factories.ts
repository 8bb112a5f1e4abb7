import { randomUUID } from 'node:crypto';
import type { PopService } from '../../src/service/index.ts';
import { Secret } from '../../src/service/secret.ts';
import type { Actor } from '../../src/service/context.ts';
import type { GrantableRole } from '../../src/service/roles.ts';

const rid = () => randomUUID().slice(0, 8);

export type HostingAccountOverrides = {
  username?: string;
  password?: string;
  domains?: string[];
  maxPopAccounts?: number;
  diskQuotaMb?: number;
  defaultQuotaMb?: number;
};

/** A plan and a hosting account on it, through the real provisioning service. */
export async function makeHostingAccount(service: PopService, overrides: HostingAccountOverrides = {}) {
  const username = overrides.username ?? `acct${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const planName = `plan-${username}`;
  const plan = await service.provisioning.createPlan(
    {
      name: planName,
      maxPopAccounts: overrides.maxPopAccounts ?? 10,
      diskQuotaMb: overrides.diskQuotaMb ?? 1024,
      defaultQuotaMb: overrides.defaultQuotaMb ?? 10,
    },
    rid(),
  );
  if (!plan.ok) throw new Error(`plan: ${plan.error.code}`);
  const password = overrides.password ?? 'Correct-Horse-Battery-42';
  const created = await service.provisioning.createHostingAccount(
    { username, plan: planName, domains: overrides.domains ?? [`${username}.example`], password: new Secret(password) },
    rid(),
  );
  if (!created.ok) throw new Error(`hosting account: ${JSON.stringify(created.error)}`);
  return { username, password, planName, domains: created.value.domains };
}

export function slackActor(overrides: Partial<Actor> = {}): Actor {
  return { platform: 'slack', workspaceId: 'T0001', userId: 'U0001', userName: 'alice', roleIds: [], ...overrides };
}

/** Binds the actor's workspace to a hosting account and grants the actor a role. */
export async function grantActor(service: PopService, actor: Actor, username: string | '*', role: GrantableRole) {
  const bound = await service.provisioning.bind(actor.platform, actor.workspaceId, username, rid());
  if (!bound.ok) throw new Error(`bind: ${bound.error.code}`);
  const owner = await service.access.resolveAccess(
    { platform: 'console', workspaceId: 'local', userId: 'console', userName: 'console', roleIds: [] },
    'grant',
    rid(),
  );
  if (!owner.ok) throw new Error('console access');
  const granted = await service.admin.grant(
    owner.value,
    { kind: 'user', id: actor.userId, label: actor.userName, platform: actor.platform, workspaceId: actor.workspaceId },
    role,
  );
  if (!granted.ok) throw new Error(`grant: ${granted.error.code}`);
}
