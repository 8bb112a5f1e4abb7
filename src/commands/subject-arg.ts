import { z } from 'zod';
import { parseSubject } from './subject.ts';

export const subjectArg = z.string().transform((value, ctx) => {
  const parsed = parseSubject(value);
  if (parsed.ok) return parsed.subject;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error.code, params: { domainError: parsed.error } });
  return z.NEVER;
});
