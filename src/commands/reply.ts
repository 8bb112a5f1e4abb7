import type { IssuedPassword, LoginDetails } from '../service/index.ts';
import type { Secret } from '../service/secret.ts';

export type MailServer = { host: string; port: number; security: 'SSL/TLS' | 'STARTTLS' };

/** A server as a mail client is set up for it: implicit TLS on 995 and 465, STARTTLS elsewhere. */
export const mailServer = (server: { host: string; port: number }): MailServer => ({
  ...server,
  security: server.port === 995 || server.port === 465 ? 'SSL/TLS' : 'STARTTLS',
});

/**
 * A one-time link for the mailbox owner (SPEC §10): `reveal` shows them the password once; `set-own`
 * lets them choose it. Whoever has the URL can use it, so it is as secret as a password.
 */
export type OwnerLink = { kind: 'reveal' | 'set-own'; url: Secret; expiresAt: Date };

/**
 * Login details for the requester's eyes only. Renderers put these only in a private message. No
 * password with a set-your-own-password link: the owner chooses it.
 */
export type PrivateLogin = {
  address: string;
  logins: string[];
  password?: Secret;
  link?: OwnerLink;
  /** Incoming (POP3) and outgoing (SMTP submission) servers, with how each is secured. */
  server: MailServer;
  outgoing: MailServer;
  /** What takes the password back if this reply is not delivered (SPEC §4). Never rendered. */
  issued: IssuedPassword;
};

/** A new password's or link's login details as a reply carries them. */
export const loginOf = (details: LoginDetails): PrivateLogin => ({
  address: details.address,
  logins: details.logins,
  password: details.password,
  link: details.link && { kind: details.link.kind, url: details.link.url, expiresAt: details.link.expiresAt },
  server: mailServer(details.pop3),
  outgoing: mailServer(details.smtp),
  issued: details.issued,
});

export type ActionKind = 'confirm-delete' | 'cancel' | 'own-password' | 'page' | 'request-more';

/**
 * A button (Slack/Discord) or follow-up (console). It names a pending action stored by popbot (SPEC §12);
 * each adapter encodes `kind` and `pendingId` its own way, and nothing else travels through the platform.
 */
export type Action = {
  kind: ActionKind;
  pendingId: string;
  label: string;
  style?: 'primary' | 'danger';
  /** Asks before running: Slack's confirm dialog, the console's typed confirmation. */
  confirm?: { title: string; text: string; confirm: string; deny: string; typed?: string };
  /** own-password on the console: the password comes on standard input (`--password-stdin`). */
  fromStdin?: boolean;
  /** The account the action is about, for a form's label. */
  subject?: string;
  /** What a person at a terminal types instead: shown by the console, never parsed. */
  hint?: string;
};

/** "until Sat 28 Nov, 10:15 UTC": when a link stops working, as people read it. */
export function untilText(at: Date): string {
  const day = at.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `until ${day}, ${at.toISOString().slice(11, 16)} UTC`;
}

/**
 * What a link is for: the renderers' text next to it. `told`: how this platform's requester learns that
 * the owner chose a password.
 */
export function linkPurpose(link: OwnerLink, told: string): string {
  return link.kind === 'reveal'
    ? `Send it to the mailbox owner instead of the password: it shows the password once, ${untilText(link.expiresAt)}.`
    : `Send it to the mailbox owner: they choose their password there, ${untilText(link.expiresAt)}. ${told}`;
}

/** A non-secret line for an audit or sales channel. */
export type Announcement = { channel: 'audit' | 'sales'; text: string };

/**
 * What a command answers, whatever the platform. Every reply goes privately to the requester;
 * `announce` is the only part meant for a shared channel, and never holds a secret.
 */
export type Reply = {
  tone: 'success' | 'info' | 'error' | 'confirm';
  title: string;
  lines?: string[];
  fields?: { label: string; value: string }[];
  rows?: { title: string; detail: string }[];
  footer?: string;
  secret?: PrivateLogin;
  actions?: Action[];
  /** Set on errors: a DomainError code, or INTERNAL. */
  errorCode?: string;
  announce?: Announcement;
};

/**
 * How an adapter delivers a reply. `reply` resolves once the platform accepted the message and
 * throws when it did not (after its own bounded retries); popbot then withdraws any password the
 * reply carried and says so through `fallback`, another private path.
 */
export type Delivery = {
  reply(reply: Reply): Promise<void>;
  fallback?(reply: Reply): Promise<void>;
  announce?(announcement: Announcement): Promise<void>;
};
