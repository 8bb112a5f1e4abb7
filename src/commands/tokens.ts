import type { DomainError } from '../service/errors.ts';

export const MAX_COMMAND_LENGTH = 500;

export type Tokens = { words: string[]; flags: Map<string, string | true> };

/** Splits a command line into words and `--flags` (`--page 2`, `--page=2`, `--yes`). Pure. */
export function tokenize(
  text: string,
  valueFlags: ReadonlySet<string>,
): { ok: true; tokens: Tokens } | { ok: false; error: DomainError } {
  if (text.length > MAX_COMMAND_LENGTH)
    return { ok: false, error: { code: 'INPUT_TOO_LONG', length: text.length, max: MAX_COMMAND_LENGTH } };
  // Tabs and newlines included: a command is one line of plain text.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/.test(text))
    return { ok: false, error: { code: 'CONTROL_CHARACTERS' } };
  const raw = text
    .trim()
    .split(/ +/)
    .filter((w) => w.length > 0);
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < raw.length; i++) {
    const word = raw[i]!;
    const flag = /^--([a-z]+(?:-[a-z]+)*)(?:=(.*))?$/.exec(word);
    if (!flag) {
      words.push(word);
      continue;
    }
    const name = flag[1]!;
    if (flag[2] !== undefined) flags.set(name, flag[2]);
    else if (valueFlags.has(name) && i + 1 < raw.length) flags.set(name, raw[++i]!);
    else flags.set(name, true);
  }
  return { ok: true, tokens: { words, flags } };
}

/** Joins the parts of a command line popbot shows (the console's follow-up hints), skipping absent ones. */
export const commandLine = (...parts: (string | undefined | false)[]) =>
  parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' ');
