import type { Access, PopService } from '../service/index.ts';
import type { Action, ActionKind } from './reply.ts';
import { commandLine } from './tokens.ts';

/** What a pending action does when its button is used; stored as JSON with the action (SPEC §12). */
export type ActionPayload =
  | { kind: 'delete'; address: string; mailboxId: number }
  | { kind: 'own-password'; address: string }
  | { kind: 'page'; command: 'list' | 'audit'; target?: string; prefix?: string; page: number }
  | { kind: 'request-more'; domain?: string }
  /** A form that picks the account for a new generated password (Slack's picker). */
  | { kind: 'pick-passwd' };

/** How long each kind of button stays usable. */
export const ACTION_TTL_SECONDS: Record<ActionPayload['kind'], number> = {
  delete: 5 * 60,
  'own-password': 15 * 60,
  page: 60 * 60,
  'request-more': 60 * 60,
  'pick-passwd': 15 * 60,
};

/** Stores the action and returns the button(s) that name it: one pending row per question. */
export async function offer(
  ctx: OfferContext,
  payload: ActionPayload,
  buttons: (Omit<Action, 'pendingId'> & { kind: ActionKind })[],
): Promise<Action[]> {
  const pendingId = await ctx.service.pending.create(
    ctx.access,
    payload.kind,
    payload,
    ACTION_TTL_SECONDS[payload.kind],
  );
  return buttons.map((b) => ({ ...b, pendingId }));
}

type OfferContext = { service: PopService; access: Access };

/** "Set my own password" for one account (from standard input on the console with `fromStdin`). */
export const offerOwnPassword = (ctx: OfferContext, address: string, fromStdin = false) =>
  offer(ctx, { kind: 'own-password', address }, [
    {
      kind: 'own-password',
      label: 'Set my own password',
      subject: address,
      hint: commandLine('passwd', address, '--own'),
      fromStdin,
    },
  ]);

/** "Request more POP accounts" for the hosting account of a domain. */
export const offerRequestMore = (ctx: OfferContext, domain: string | undefined, style?: Action['style']) =>
  offer(ctx, { kind: 'request-more', domain }, [
    { kind: 'request-more', label: 'Request more POP accounts', style, hint: commandLine('plan', domain, '--request') },
  ]);

/** "Previous" and "Next" on page `page` of `pages` of `list` or `audit`: each its own pending action. */
export async function offerPages(
  ctx: OfferContext,
  view: { command: 'list' | 'audit'; target?: string; prefix?: string; page: number; pages: number },
): Promise<Action[] | undefined> {
  const { command, target, prefix, page, pages } = view;
  const to = async (label: string, n: number) =>
    offer(ctx, { kind: 'page', command, target, prefix, page: n }, [
      { kind: 'page', label, hint: commandLine(command, target, prefix, '--page', String(n)) },
    ]);
  const actions = [
    ...(page > 1 ? await to('Previous', page - 1) : []),
    ...(page < pages ? await to('Next', page + 1) : []),
  ];
  return actions.length > 0 ? actions : undefined;
}

/**
 * The command a used button or form runs, as words and flags (never a string split apart again), and
 * what using it is called in "Already done: …" — absent for buttons that may be used again (pages).
 * `picked` is the account a form's picker chose.
 */
export function commandOf(
  payload: ActionPayload,
  picked?: string,
): { words: string[]; flags: Record<string, string | true>; outcome?: string; what: string } {
  switch (payload.kind) {
    case 'delete':
      return {
        words: ['delete', payload.address],
        flags: { yes: true },
        outcome: `deleted ${payload.address}`,
        what: `delete ${payload.address}`,
      };
    case 'own-password':
      return {
        words: ['passwd', payload.address],
        flags: { own: true },
        outcome: `set a password for ${payload.address}`,
        what: `set a password for ${payload.address}`,
      };
    case 'page':
      return {
        words: [
          payload.command,
          ...(payload.target ? [payload.target] : []),
          ...(payload.prefix ? [payload.prefix] : []),
        ],
        flags: { page: String(payload.page) },
        what: `see page ${payload.page}`,
      };
    case 'request-more':
      return {
        words: ['plan', ...(payload.domain ? [payload.domain] : [])],
        flags: { request: true },
        outcome: 'asked sales for more POP accounts',
        what: 'ask sales',
      };
    case 'pick-passwd':
      return {
        words: ['passwd', ...(picked ? [picked] : [])],
        flags: {},
        outcome: `set a new password for ${picked ?? 'an account'}`,
        what: 'set a new password',
      };
  }
}

/** Reads a stored payload back; anything that is not one of ours is refused by the caller. */
export function asPayload(value: unknown): ActionPayload | null {
  const v = value as { kind?: unknown } | null;
  const kinds: ActionPayload['kind'][] = ['delete', 'own-password', 'page', 'request-more', 'pick-passwd'];
  return v && typeof v === 'object' && kinds.includes(v.kind as ActionPayload['kind']) ? (v as ActionPayload) : null;
}
