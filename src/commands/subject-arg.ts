import { z } from 'zod';
import type { Param } from './command.ts';
import { parseSubject } from './subject.ts';

export const subjectArg = z.string().transform((value, ctx) => {
  const parsed = parseSubject(value);
  if (parsed.ok) return parsed.subject;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error.code, params: { domainError: parsed.error } });
  return z.NEVER;
});

/** A person or role: a mention on Slack and Discord, `slack:T…/U…` on the console. */
export const whoParam: Param = {
  key: 'who',
  option: 'target',
  form: 'word',
  type: 'mentionable',
  required: true,
  description: 'a member or a role',
  placeholder: '<who>',
};
