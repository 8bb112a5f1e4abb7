import { z } from 'zod';
import type { Param } from './command.ts';
import type { DomainError } from '../service/errors.ts';
import { normalizeAccountName } from '../service/names.ts';
import { parseQuota } from '../service/units.ts';

/** Attaches a DomainError to a zod issue, so the dispatcher can answer with it as is. */
function addDomainIssue(ctx: z.RefinementCtx, error: DomainError) {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: error.code, params: { domainError: error } });
  return z.NEVER;
}

/** `scott` or `scott@example.com` → `{ name, domain? }`; the name is checked and lower-cased. */
export const accountArg = z.string().transform((value, ctx) => {
  const at = value.lastIndexOf('@');
  const rawName = at >= 0 ? value.slice(0, at) : value;
  const domain = at >= 0 ? value.slice(at + 1) : undefined;
  const name = normalizeAccountName(rawName);
  if (name === null) return addDomainIssue(ctx, { code: 'INVALID_NAME', value: rawName, before: domain });
  if (domain !== undefined && domain.length === 0)
    return addDomainIssue(ctx, {
      code: 'INVALID_VALUE',
      what: 'address',
      value,
      rule: 'give a domain after the @ (scott@example.com), or leave the @ out',
    });
  return { name, domain };
});

/** A quota as typed → whole MB (0 = unlimited), keeping what was typed for messages. */
export const quotaArg = z.string().transform((value, ctx) => {
  const parsed = parseQuota(value);
  if (!parsed.ok) return addDomainIssue(ctx, parsed.error);
  return { mb: parsed.mb, input: value };
});

/** The start of account names (`list sc`): the same letters and digits as names, lower-cased. */
export const prefixArg = z.string().transform((value, ctx) => {
  const lower = value.toLowerCase();
  if (/^[a-z0-9]{1,64}$/.test(lower)) return lower;
  return addDomainIssue(ctx, {
    code: 'INVALID_VALUE',
    what: 'name start',
    value,
    rule: 'letters a–z and digits 0–9, the start of account names',
  });
});

/** A domain name as typed (checked against the actor's domains by the service). */
export const domainArg = z.string().regex(/\./, 'a domain such as example.com');

export const pageFlag = z
  .union([z.string(), z.literal(true)])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return 1;
    const page = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
    if (!(page >= 1))
      return addDomainIssue(ctx, {
        code: 'INVALID_VALUE',
        what: 'page',
        value: String(value),
        rule: 'a page number such as 2',
      });
    return page;
  });

export const booleanFlag = z
  .literal(true)
  .optional()
  .transform((v) => v === true);

/** The DomainError a refinement attached, if any. */
export function domainErrorOf(issue: z.ZodIssue): DomainError | undefined {
  return issue.code === z.ZodIssueCode.custom ? (issue.params?.domainError as DomainError | undefined) : undefined;
}

/** The parameters commands share, declared once. */
export const accountParam = (required = true, description = 'account name, or name@domain'): Param => ({
  key: 'account',
  option: 'name',
  form: 'word',
  required,
  description,
  placeholder: required ? '<name>[@domain]' : '[name[@domain]]',
  autocomplete: true,
  maxLength: 320,
});

export const quotaParam = (required: boolean): Param => ({
  key: 'quota',
  form: 'word',
  required,
  description: '10MB, 1.5GB, or 0 / unlimited',
  placeholder: required ? '<quota>' : '[quota]',
  maxLength: 20,
  accepts: (word) => /^\d/.test(word) || word.toLowerCase() === 'unlimited',
});

export const domainParam: Param = {
  key: 'domain',
  form: 'word',
  description: 'one of your domains (needed when you have several)',
  placeholder: '[domain]',
  maxLength: 253,
  accepts: (word) => word.includes('.'),
};

export const pageParam: Param = {
  key: 'page',
  form: 'value',
  type: 'integer',
  description: 'page number',
  placeholder: 'N',
  min: 1,
  max: 10_000,
};

export const flagParam = (key: string, description: string, where: Partial<Param> = {}): Param => ({
  key,
  form: 'flag',
  description,
  ...where,
});
