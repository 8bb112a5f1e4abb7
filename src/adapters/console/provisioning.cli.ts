import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { PopService } from '../../service/index.ts';
import type { ImportRow } from '../../service/import.service.ts';
import { describeError, type Result } from '../../service/errors.ts';
import { Secret } from '../../service/secret.ts';
import { formatBytes, formatMb, parseQuota } from '../../service/units.ts';
import type { ConsoleIO } from './terminal.ts';
import type { Reply } from '../../commands/reply.ts';
import { salesDoneReply } from '../../commands/replies.ts';

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

/** Sends a private message to a person on Slack or Discord; throws when that platform is not set up here. */
export type ProvisioningNotifier = (platform: string, userId: string, reply: Reply) => Promise<void>;

/** What a provisioning command gets: its words by key, its flags, and the helpers every one uses. */
type Run = {
  service: PopService;
  io: ConsoleIO;
  /** Tells a chat user privately on their platform (the console's own Slack and Discord settings). */
  notify: ProvisioningNotifier;
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
const json: ProvisioningParam = { key: 'json', form: 'flag', placeholder: '' };
const sizeFlag = (key: string): ProvisioningParam => ({ key, form: 'value', placeholder: '<size>' });
const countFlag = (key: string, placeholder = '<N>'): ProvisioningParam => ({ key, form: 'value', placeholder });

/** `--accounts 10` and the like: a whole number, or the reason it is not one. */
function countOf(values: Run['values'], key: string): number | string | undefined {
  const value = values[key];
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : `--${key} must be a whole number, got ${value}`;
}

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
const PROVISIONING: readonly ProvisioningCommand[] = [
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
    words: ['plan', 'edit'],
    params: [
      word('name'),
      countFlag('accounts'),
      sizeFlag('disk'),
      sizeFlag('default-quota'),
      countFlag('forwarders', '<N, 0 = unlimited>'),
    ],
    async run({ service, words, values, requestId, usage, report, size }) {
      const accounts = countOf(values, 'accounts');
      const forwarders = countOf(values, 'forwarders');
      const disk = values.disk === undefined ? undefined : size('disk');
      const defaultQuota = values['default-quota'] === undefined ? undefined : size('default-quota');
      for (const bad of [accounts, forwarders, disk, defaultQuota]) if (typeof bad === 'string') return usage(bad);
      if ([accounts, forwarders, disk, defaultQuota].every((v) => v === undefined))
        return usage('Nothing to change: give --accounts, --disk, --default-quota or --forwarders.');
      const result = await service.provisioning.editPlan(
        words.name!,
        {
          maxPopAccounts: accounts as number | undefined,
          diskQuotaMb: disk as number | undefined,
          defaultQuotaMb: defaultQuota as number | undefined,
          maxForwarders: forwarders as number | undefined,
        },
        requestId,
      );
      return report(result, (r) => [
        `✔ Plan "${r.after.name}": ${planLine(r.after)}, ${forwardersOf(r.after)}`,
        `  ${r.hostingAccounts} hosting account${r.hostingAccounts === 1 ? '' : 's'} on it, all within the new limits.`,
      ]);
    },
  },
  {
    words: ['plans'],
    params: [json],
    async run({ service, io, values }) {
      const plans = await service.provisioning.plansUsage();
      if (values.json) {
        io.out(JSON.stringify({ plans }));
        return 0;
      }
      const lines = plans.flatMap((p) => [
        `${p.name}: ${planLine(p)}, ${forwardersOf(p)}`,
        ...(p.hostingAccounts.length === 0
          ? ['  no hosting accounts']
          : p.hostingAccounts.map(
              (h) =>
                `  ${h.username}: ${h.popAccounts} of ${p.maxPopAccounts} POP accounts, ` +
                `${formatBytes(h.usedBytes)} of ${formatMb(p.diskQuotaMb)}, ${h.forwarders} forwarders`,
            )),
      ]);
      io.out(lines.join('\n') || 'No plans yet.');
      return 0;
    },
  },
  {
    words: ['account', 'plan'],
    params: [word('username'), word('plan')],
    async run({ service, words, requestId, report }) {
      const result = await service.provisioning.movePlan(words.username!, words.plan!, requestId);
      return report(result, (r) => [`✔ ${r.username} moved from "${r.from}" to "${r.to.name}": ${planLine(r.to)}`]);
    },
  },
  {
    words: ['sales', 'list'],
    params: [{ key: 'open', form: 'flag', placeholder: '' }, json],
    async run({ service, io, values }) {
      const requests = await service.plans.listSales({ open: Boolean(values.open) });
      if (values.json) {
        io.out(JSON.stringify({ requests }));
        return 0;
      }
      io.out(
        requests
          .map(
            (r) =>
              `#${r.id} ${r.status}${r.doneAt ? ` ${r.doneAt.toISOString().slice(0, 16)} UTC` : ''} · ` +
              `${r.hostingAccount} (plan ${r.planName}, ${r.popUsed} of ${r.popAllowed} POP accounts) · ` +
              `asked by ${r.actorName} on ${r.platform} ${r.workspaceId} at ${r.at.toISOString().slice(0, 16)} UTC` +
              `${r.doneNote ? ` · note: ${r.doneNote}` : ''}`,
          )
          .join('\n') || (values.open ? 'No open sales requests.' : 'No sales requests yet.'),
      );
      return 0;
    },
  },
  {
    words: ['sales', 'done'],
    params: [word('id'), { key: 'note', form: 'value', placeholder: '<text>' }],
    async run({ service, io, words, values, requestId, usage, report, notify }) {
      const id = Number(words.id);
      if (!Number.isInteger(id) || id < 1) return usage(`The request id is a number such as 12, got ${words.id}`);
      const note = typeof values.note === 'string' ? values.note.trim().slice(0, 500) : undefined;
      const result = await service.plans.closeSales(id, note, requestId);
      const code = report(result, (r) => [`✔ Sales request #${r.id} of ${r.actorName} (${r.hostingAccount}) is done.`]);
      if (!result.ok) return code;
      const r = result.value;
      try {
        await notify(r.platform, r.actorId, salesDoneReply(r, note));
        io.out(`  Told ${r.actorName} privately on ${r.platform}.`);
      } catch (error) {
        io.err(`• ${r.actorName} could not be told on ${r.platform}: ${(error as Error).message}. Tell them yourself.`);
      }
      return code;
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
  {
    words: ['import'],
    params: [
      word('file', '<file.csv>'),
      { key: 'dry-run', form: 'flag', placeholder: '' },
      { key: 'links', form: 'flag', placeholder: '' },
      { key: 'out', form: 'value', placeholder: '<file>' },
    ],
    run: runImport,
  },
  bindCommand('bind'),
  bindCommand('unbind'),
  {
    words: ['bindings'],
    params: [json],
    async run({ service, io, values }) {
      const bindings = await service.provisioning.listBindings();
      if (values.json) {
        io.out(JSON.stringify({ bindings }));
        return 0;
      }
      io.out(
        bindings
          .map((b) => `${b.platform} ${b.workspaceId} → ${b.username ?? '* (every hosting account)'}`)
          .join('\n') || 'No bindings yet.',
      );
      return 0;
    },
  },
];

/** `address,quota` rows (quota optional); quoted fields as CSV has them. Line numbers count the header as 1. */
function parseImportCsv(text: string): { rows: ImportRow[] } | { error: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fields = (line: string) =>
    [...line.matchAll(/\s*(?:"((?:[^"]|"")*)"|([^,]*))\s*(?:,|$)/g)]
      .slice(0, -1)
      .map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? '').trim()));
  const header = fields(lines[0] ?? '').map((h) => h.toLowerCase());
  if (header[0] !== 'address' || (header.length > 1 && header[1] !== 'quota') || header.length > 2)
    return { error: `line 1: the header must be "address,quota" (quota optional), got "${lines[0] ?? ''}"` };
  const rows: ImportRow[] = [];
  for (const [i, line] of lines.entries()) {
    if (i === 0 || line.trim() === '') continue;
    const [address = '', quota] = fields(line);
    rows.push({ line: i + 1, address, quota: quota || undefined });
  }
  return { rows };
}

/**
 * `popbot import <file.csv>`: checks every row (`--dry-run` stops there), then creates the accounts
 * and writes their passwords to `--out` (a new file only its owner can read), or makes
 * set-your-own-password links (`--links`) and writes those instead.
 */
async function runImport({ service, io, words, values, requestId, usage }: Run): Promise<number> {
  let text: string;
  try {
    text = readFileSync(words.file!, 'utf8');
  } catch (error) {
    return usage(`Cannot read ${words.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseImportCsv(text);
  if ('error' in parsed) return usage(parsed.error);
  const { rows } = parsed;
  const problemLines = (problems: { line: number; value: string; rule: string }[]) =>
    problems.map((p) => `  line ${p.line}: ${p.value ? `${p.value}: ` : ''}${p.rule}`);
  if (values['dry-run']) {
    const checked = await service.imports.check(rows);
    if (checked.problems.length > 0) {
      io.err(
        [
          `✖ ${checked.problems.length} of ${rows.length} rows cannot be imported:`,
          ...problemLines(checked.problems),
        ].join('\n'),
      );
      return 1;
    }
    io.out(`✔ ${rows.length} rows checked: ${checked.accounts} POP accounts would be created. Nothing was changed.`);
    return 0;
  }
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (!out && !values.links)
    return usage('Say where the new passwords go: --out <file>, or --links for set-your-own-password links.');
  let file: number | undefined;
  if (out) {
    try {
      // A new file only: an existing one (someone else's, or last run's passwords) is never overwritten.
      file = openSync(out, 'wx', 0o600);
    } catch (error) {
      return usage(
        `Cannot create ${out}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists already' : (error as Error).message}`,
      );
    }
    writeSync(file, values.links ? 'address,link,expires\n' : 'address,password\n');
  }
  // On a terminal, a line that counts the hashes; a script sees only the result.
  const showProgress = Boolean(io.progress);
  try {
    const result = await service.imports.run(rows, {
      links: Boolean(values.links),
      requestId,
      progress: showProgress ? (done, total) => io.progress?.(`  hashing ${done} of ${total}`) : undefined,
      async created(accounts) {
        const lines = accounts.map((a) =>
          a.link
            ? `${a.address},${a.link.url.reveal()},${a.link.expiresAt.toISOString()}`
            : `${a.address},${a.password?.reveal() ?? ''}`,
        );
        if (file !== undefined) {
          writeSync(file, `${lines.join('\n')}\n`);
          fsyncSync(file);
        } else io.out(lines.join('\n'));
      },
    });
    if (!result.ok) {
      const problems = result.error.code === 'IMPORT_REFUSED' ? result.error.problems : [];
      io.err([`✖ ${describeError(result.error)}`, ...problemLines(problems)].join('\n'));
      return 1;
    }
    io.progress?.('');
    const { created, failed } = result.value;
    io.out(
      `✔ ${created} POP accounts created${out ? `; their ${values.links ? 'links' : 'passwords'} are in ${out} (owner-only)` : ''}.`,
    );
    for (const f of failed) io.err(`✖ ${f.hostingAccount}: nothing created: ${f.reason}`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    if (file !== undefined) closeSync(file);
  }
}

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
export async function runProvisioning(
  service: PopService,
  io: ConsoleIO,
  argv: string[],
  notify: ProvisioningNotifier,
): Promise<number | null> {
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
    notify,
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
