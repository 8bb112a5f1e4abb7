import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { PopService } from '../../service/index.ts';
import { describeError, type Result } from '../../service/errors.ts';
import { Secret } from '../../service/secret.ts';
import { formatMb, parseQuota } from '../../service/units.ts';
import type { ConsoleIO } from './terminal.ts';

export const PROVISIONING_USAGE = [
  'popbot plan create <name> --accounts <N> --disk <size> [--default-quota <size>] [--forwarders <N, 0 = unlimited>]',
  'popbot plan list',
  'popbot account create <username> --plan <name> --domain <domain> [--domain <domain>…] [--password-stdin]',
  'popbot account passwd <username> [--password-stdin]',
  'popbot account list',
  'popbot domain add <username> <domain>',
  'popbot bind <slack|discord> <workspace-or-guild-id> <username|*>',
  'popbot unbind <slack|discord> <workspace-or-guild-id> <username|*>',
  'popbot bindings',
];

const OPTIONS = {
  accounts: { type: 'string' },
  disk: { type: 'string' },
  'default-quota': { type: 'string' },
  forwarders: { type: 'string' },
  plan: { type: 'string' },
  domain: { type: 'string', multiple: true },
  'password-stdin': { type: 'boolean' },
} as const;

const forwardersOf = (p: { maxForwarders?: number }) =>
  p.maxForwarders ? `${p.maxForwarders} forwarders` : 'unlimited forwarders';

const TWO_WORD = ['plan create', 'plan list', 'account create', 'account passwd', 'account list', 'domain add'];
const ONE_WORD = ['bind', 'unbind', 'bindings'];

/** Whether the words name a provisioning command (checked before the database is opened). */
export const isProvisioningCommand = (argv: string[]) =>
  TWO_WORD.includes(argv.slice(0, 2).join(' ')) || ONE_WORD.includes(argv[0] ?? '');

/**
 * Provisioning that has no place in chat. Returns the exit code, or null when the words are not a provisioning command.
 */
export async function runProvisioning(service: PopService, io: ConsoleIO, argv: string[]): Promise<number | null> {
  const key = argv.slice(0, 2).join(' ');
  if (!isProvisioningCommand(argv)) return null;

  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.err(`✖ ${(e as Error).message}\nUsage:\n  ${PROVISIONING_USAGE.join('\n  ')}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const requestId = randomUUID().slice(0, 8);
  const usage = (line: string) => {
    io.err(`✖ Usage: ${line}`);
    return 2;
  };
  const report = <T>(result: Result<T>, success: (value: T) => string[]) => {
    if (!result.ok) {
      io.err(`✖ ${describeError(result.error)}`);
      return 1;
    }
    io.out(success(result.value).join('\n'));
    return 0;
  };
  const size = (value: string | undefined, what: string): number | string => {
    if (value === undefined) return `missing --${what}`;
    const quota = parseQuota(value);
    if (!quota.ok) return describeError(quota.error);
    if (quota.mb === 0) return `--${what} must be a finite size such as 1GB`;
    return quota.mb;
  };
  const password = async () => {
    if (!values['password-stdin']) return undefined;
    const line = await io.readSecret(io.interactive ? 'Control-panel password: ' : '');
    return line ? new Secret(line) : undefined;
  };

  switch (ONE_WORD.includes(argv[0] ?? '') ? argv[0] : key) {
    case 'plan create': {
      const name = positionals[2];
      const accounts = Number(values.accounts);
      const disk = size(values.disk, 'disk');
      const defaultQuota = values['default-quota'] === undefined ? 10 : size(values['default-quota'], 'default-quota');
      const forwarders = values.forwarders === undefined ? 0 : Number(values.forwarders);
      if (!name || !Number.isInteger(accounts) || accounts < 0) return usage(PROVISIONING_USAGE[0]!);
      if (!Number.isInteger(forwarders) || forwarders < 0)
        return usage(
          `--forwarders must be a whole number (0 = unlimited), got ${values.forwarders}\n  ${PROVISIONING_USAGE[0]}`,
        );
      if (typeof disk === 'string') return usage(`${disk}\n  ${PROVISIONING_USAGE[0]}`);
      if (typeof defaultQuota === 'string') return usage(`${defaultQuota}\n  ${PROVISIONING_USAGE[0]}`);
      const result = await service.provisioning.createPlan(
        { name, maxPopAccounts: accounts, diskQuotaMb: disk, defaultQuotaMb: defaultQuota, maxForwarders: forwarders },
        requestId,
      );
      return report(result, (p) => [
        `✔ Plan "${p.name}": ${p.maxPopAccounts} POP accounts, ${formatMb(p.diskQuotaMb)} disk, ` +
          `${formatMb(p.defaultQuotaMb)} default quota, ${forwardersOf(p)}`,
      ]);
    }
    case 'plan list': {
      const plans = await service.provisioning.listPlans();
      io.out(
        plans
          .map(
            (p) =>
              `${p.name}: ${p.maxPopAccounts} POP accounts, ${formatMb(p.diskQuotaMb)} disk, ` +
              `${formatMb(p.defaultQuotaMb)} default quota, ${forwardersOf(p)}`,
          )
          .join('\n') || 'No plans yet.',
      );
      return 0;
    }
    case 'account create': {
      const username = positionals[2];
      if (!username || !values.plan || !values.domain?.length) return usage(PROVISIONING_USAGE[2]!);
      const result = await service.provisioning.createHostingAccount(
        { username, plan: values.plan, domains: values.domain, password: await password() },
        requestId,
      );
      return report(result, (a) => [
        `✔ Hosting account ${a.username} with ${a.domains.join(', ')}`,
        `  Main Account login: ${a.username}`,
        ...(a.generated ? [`  Control-panel password (shown once): ${a.password.reveal()}`] : []),
      ]);
    }
    case 'account passwd': {
      const username = positionals[2];
      if (!username) return usage(PROVISIONING_USAGE[3]!);
      const result = await service.provisioning.setHostingAccountPassword(username, await password(), requestId);
      return report(result, (a) => [
        `✔ New control-panel password for ${a.username}`,
        ...(a.generated ? [`  Password (shown once): ${a.password.reveal()}`] : []),
      ]);
    }
    case 'account list': {
      const accounts = await service.provisioning.listHostingAccounts();
      io.out(accounts.map((a) => `${a.username}: plan "${a.planName}"`).join('\n') || 'No hosting accounts yet.');
      return 0;
    }
    case 'domain add': {
      const [, , username, domain] = positionals;
      if (!username || !domain) return usage(PROVISIONING_USAGE[5]!);
      return report(await service.provisioning.addDomain(username, domain, requestId), (d) => [
        `✔ ${d.domain} added to ${d.username}`,
      ]);
    }
    case 'bind':
    case 'unbind': {
      const [verb, platform, workspace, username] = positionals;
      if (!platform || !workspace || !username || positionals.length > 4)
        return usage(PROVISIONING_USAGE[verb === 'bind' ? 6 : 7]!);
      const result = await service.provisioning.bind(platform, workspace, username, requestId, verb === 'unbind');
      const what = username === '*' ? 'every hosting account' : username;
      return report(result, (r) =>
        [
          verb === 'bind'
            ? r.changed
              ? `✔ ${platform} ${workspace} is bound to ${what}`
              : `• ${platform} ${workspace} was already bound to ${what}`
            : r.changed
              ? `✔ ${platform} ${workspace} is no longer bound to ${what}`
              : `• ${platform} ${workspace} was not bound to ${what}`,
        ].concat(
          verb === 'bind' && r.changed ? [`  Next: popbot pop grant ${platform}:${workspace}/<user-id> admin`] : [],
        ),
      );
    }
    default: {
      const bindings = await service.provisioning.listBindings();
      io.out(
        bindings
          .map((b) => `${b.platform} ${b.workspaceId} → ${b.username ?? '* (every hosting account)'}`)
          .join('\n') || 'No bindings yet.',
      );
      return 0;
    }
  }
}
