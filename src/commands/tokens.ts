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
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text))
    return { ok: false, error: { code: 'CONTROL_CHARACTERS' } };
  // Zero-width and direction marks: invisible, usually pasted along with text.
  const invisible = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.exec(text)?.[0];
  if (invisible) return { ok: false, error: { code: 'INVISIBLE_CHARACTERS', codePoint: describeCodePoint(invisible) } };
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

/** `U+200B zero-width space`: which invisible character it was. */
function describeCodePoint(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const names: Record<number, string> = {
    8203: 'zero-width space',
    8204: 'zero-width non-joiner',
    8205: 'zero-width joiner',
    8206: 'left-to-right mark',
    8207: 'right-to-left mark',
    65279: 'byte order mark',
  };
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return names[code] ? `${hex} ${names[code]}` : `${hex}, a text-direction control`;
}

/** Joins the parts of a command line popbot shows (the console's follow-up hints), skipping absent ones. */
export const commandLine = (...parts: (string | undefined | false)[]) =>
  parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' ');
