import { randomUUID } from 'node:crypto';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { PopService } from '../../service/index.ts';
import { describeError, type Result } from '../../service/errors.ts';
import { Secret } from '../../service/secret.ts';
import { formatMb, parseQuota } from '../../service/units.ts';
import type { ConsoleIO } from './terminal.ts';

/** One parameter of a provisioning command: a word in order, or a `--flag` (with a value unless `boolean`). */
type ProvisioningParam = {
  key: string;
  form: 'word' | 'value' | 'flag';
  required?: boolean;
  /** How the usage line shows it (`<name>`, `<size>`). */
  placeholder: string;
  /** May be given more than once (`--domain a --domain b`). */
  multiple?: boolean;
};

/** What a provisioning command gets: its words by key, its flags, and the helpers every one uses. */
type Run = {
  service: PopService;
  io: ConsoleIO;
  words: Record<string, string>;
  values: Record<string, string | string[] | boolean | undefined>;
  requestId: string;
  /** Refuses with the rule broken and the usage line: exit code 2. */
  usage(problem?: string): number;
  report<T>(result: Result<T>, success: (value: T) => string[]): number;
  /** A size flag as whole MB, or the reason it is not one. */
  size(key: string, fallbackMb?: number): number | string;
  /** The password piped in with --password-stdin, if asked for. */
  password(): Promise<Secret | undefined>;
};

/**
 * A provisioning command, declared once like the chat commands (STYLE 16): its words and parameters
 * give the parser, the usage line and `popbot help`.
 */
type ProvisioningCommand = {
  words: readonly string[];
  params: readonly ProvisioningParam[];
  run(run: Run): Promise<number>;
};

const word = (key: string, placeholder = `<${key}>`): ProvisioningParam => ({
  key,
  form: 'word',
  required: true,
  placeholder,
});
const passwordStdin: ProvisioningParam = { key: 'password-stdin', form: 'flag', placeholder: '' };

const forwardersOf = (p: { maxForwarders?: number }) =>
  p.maxForwarders ? `${p.maxForwarders} forwarders` : 'unlimited forwarders';

const planLine = (p: { name: string; maxPopAccounts: number; diskQuotaMb: number; defaultQuotaMb: number }) =>
  `${p.maxPopAccounts} POP accounts, ${formatMb(p.diskQuotaMb)} disk, ${formatMb(p.defaultQuotaMb)} default quota`;

function bindCommand(verb: 'bind' | 'unbind'): ProvisioningCommand {
  return {
    words: [verb],
    params: [
      word('platform', '<slack|discord>'),
      word('workspace', '<workspace-or-guild-id>'),
      word('username', '<username|*>'),
    ],
    async run({ service, words, requestId, report }) {
      const { platform, workspace, username } = words as Record<string, string>;
      const result = await service.provisioning.bind(platform!, workspace!, username!, requestId, verb === 'unbind');
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
    },
  };
}

/** The only list of provisioning commands. */
export const PROVISIONING: readonly ProvisioningCommand[] = [
  {
    words: ['plan', 'create'],
    params: [
      word('name'),
      { key: 'accounts', form: 'value', required: true, placeholder: '<N>' },
      { key: 'disk', form: 'value', required: true, placeholder: '<size>' },
      { key: 'default-quota', form: 'value', placeholder: '<size>' },
      { key: 'forwarders', form: 'value', placeholder: '<N, 0 = unlimited>' },
    ],
    async run({ service, words, values, requestId, usage, report, size }) {
      const accounts = Number(values.accounts);
      const forwarders = values.forwarders === undefined ? 0 : Number(values.forwarders);
      const disk = size('disk');
      const defaultQuota = size('default-quota', 10);
      if (!Number.isInteger(accounts) || accounts < 0)
        return usage(`--accounts must be a whole number, got ${values.accounts}`);
      if (!Number.isInteger(forwarders) || forwarders < 0)
        return usage(`--forwarders must be a whole number (0 = unlimited), got ${values.forwarders}`);
      if (typeof disk === 'string') return usage(disk);
      if (typeof defaultQuota === 'string') return usage(defaultQuota);
      const result = await service.provisioning.createPlan(
        {
          name: words.name!,
          maxPopAccounts: accounts,
          diskQuotaMb: disk,
          defaultQuotaMb: defaultQuota,
          maxForwarders: forwarders,
        },
        requestId,
      );
      return report(result, (p) => [`✔ Plan "${p.name}": ${planLine(p)}, ${forwardersOf(p)}`]);
    },
  },
  {
    words: ['plan', 'list'],
    params: [],
    async run({ service, io }) {
      const plans = await service.provisioning.listPlans();
      io.out(plans.map((p) => `${p.name}: ${planLine(p)}, ${forwardersOf(p)}`).join('\n') || 'No plans yet.');
      return 0;
    },
  },
  {
    words: ['account', 'create'],
    params: [
      word('username'),
      { key: 'plan', form: 'value', required: true, placeholder: '<name>' },
      { key: 'domain', form: 'value', required: true, multiple: true, placeholder: '<domain>' },
      passwordStdin,
    ],
    async run({ service, words, values, requestId, report, password }) {
      const result = await service.provisioning.createHostingAccount(
        {
          username: words.username!,
          plan: values.plan as string,
          domains: values.domain as string[],
          password: await password(),
        },
        requestId,
      );
      return report(result, (a) => [
        `✔ Hosting account ${a.username} with ${a.domains.join(', ')}`,
        `  Main Account login: ${a.username}`,
        ...(a.generated ? [`  Control-panel password (shown once): ${a.password.reveal()}`] : []),
      ]);
    },
  },
  {
    words: ['account', 'passwd'],
    params: [word('username'), passwordStdin],
    async run({ service, words, requestId, report, password }) {
      const result = await service.provisioning.setHostingAccountPassword(words.username!, await password(), requestId);
      return report(result, (a) => [
        `✔ New control-panel password for ${a.username}`,
        ...(a.generated ? [`  Password (shown once): ${a.password.reveal()}`] : []),
      ]);
    },
  },
  {
    words: ['account', 'list'],
    params: [],
    async run({ service, io }) {
      const accounts = await service.provisioning.listHostingAccounts();
      io.out(accounts.map((a) => `${a.username}: plan "${a.planName}"`).join('\n') || 'No hosting accounts yet.');
      return 0;
    },
  },
  {
    words: ['domain', 'add'],
    params: [word('username'), word('domain')],
    async run({ service, words, requestId, report }) {
      return report(await service.provisioning.addDomain(words.username!, words.domain!, requestId), (d) => [
        `✔ ${d.domain} added to ${d.username}`,
      ]);
    },
  },
  bindCommand('bind'),
  bindCommand('unbind'),
  {
    words: ['bindings'],
    params: [],
    async run({ service, io }) {
      const bindings = await service.provisioning.listBindings();
      io.out(
        bindings
          .map((b) => `${b.platform} ${b.workspaceId} → ${b.username ?? '* (every hosting account)'}`)
          .join('\n') || 'No bindings yet.',
      );
      return 0;
    },
  },
];

/** `popbot plan create <name> --accounts <N> …`: a command's usage line, from its parameters. */
function usageOf(command: ProvisioningCommand): string {
  const shown = command.params.map((p) => {
    const text =
      p.form === 'word'
        ? p.placeholder
        : `--${p.key}${p.form === 'value' ? ` ${p.placeholder}` : ''}${p.multiple ? ` [--${p.key} ${p.placeholder}…]` : ''}`;
    return p.required ? text : `[${text}]`;
  });
  return ['popbot', ...command.words, ...shown].join(' ');
}

export const PROVISIONING_USAGE = PROVISIONING.map(usageOf);

const findProvisioning = (argv: readonly string[]) => PROVISIONING.find((c) => c.words.every((w, i) => argv[i] === w));

/** Whether the words name a provisioning command (checked before the database is opened). */
export const isProvisioningCommand = (argv: string[]) => findProvisioning(argv) !== undefined;

/**
 * Provisioning that has no place in chat. Returns the exit code, or null when the words are not a
 * provisioning command.
 */
export async function runProvisioning(service: PopService, io: ConsoleIO, argv: string[]): Promise<number | null> {
  const command = findProvisioning(argv);
  if (!command) return null;
  const usageLine = usageOf(command);
  const usage = (problem?: string) => {
    io.err(`✖ ${problem ? `${problem}\n  Usage: ` : 'Usage: '}${usageLine}`);
    return 2;
  };
  const options: ParseArgsConfig['options'] = {};
  for (const p of command.params)
    if (p.form !== 'word')
      options[p.key] = { type: p.form === 'flag' ? 'boolean' : 'string', ...(p.multiple ? { multiple: true } : {}) };
  let parsed: { values: Record<string, string | string[] | boolean | undefined>; positionals: string[] };
  try {
    // Values are strings (string[] when multiple) or booleans, as the options above declare.
    parsed = parseArgs({
      args: argv.slice(command.words.length),
      options,
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (e) {
    return usage((e as Error).message);
  }
  const slots = command.params.filter((p) => p.form === 'word');
  if (parsed.positionals.length > slots.length)
    return usage(`Too many words: ${parsed.positionals.slice(slots.length).join(' ')}`);
  const words = Object.fromEntries(
    slots.flatMap((p, i) => (parsed.positionals[i] ? [[p.key, parsed.positionals[i]]] : [])),
  );
  const missing = command.params.find((p) => p.required && (p.form === 'word' ? !words[p.key] : !parsed.values[p.key]));
  if (missing) return usage(`Missing ${missing.form === 'word' ? missing.placeholder : `--${missing.key}`}.`);
  const { values } = parsed;
  return command.run({
    service,
    io,
    words,
    values,
    requestId: randomUUID().slice(0, 8),
    usage,
    report(result, success) {
      if (!result.ok) {
        io.err(`✖ ${describeError(result.error)}`);
        return 1;
      }
      io.out(success(result.value).join('\n'));
      return 0;
    },
    size(key, fallbackMb) {
      const value = values[key];
      if (value === undefined) return fallbackMb ?? `missing --${key}`;
      const quota = parseQuota(String(value));
      if (!quota.ok) return describeError(quota.error);
      if (quota.mb === 0) return `--${key} must be a finite size such as 1GB`;
      return quota.mb;
    },
    async password() {
      if (!values['password-stdin']) return undefined;
      const line = await io.readSecret(io.interactive ? 'Control-panel password: ' : '');
      return line ? new Secret(line) : undefined;
    },
  });
}
