import { z } from 'zod';
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
  if (name === null) return addDomainIssue(ctx, { code: 'INVALID_NAME', value: rawName });
  if (domain !== undefined && domain.length === 0)
    return addDomainIssue(ctx, { code: 'UNKNOWN_DOMAIN', value: value, domains: [] });
  return { name, domain };
});

/** A quota as typed → whole MB (0 = unlimited), keeping what was typed for messages. */
export const quotaArg = z.string().transform((value, ctx) => {
  const parsed = parseQuota(value);
  if (!parsed.ok) return addDomainIssue(ctx, parsed.error);
  return { mb: parsed.mb, input: value };
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
