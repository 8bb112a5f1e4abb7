import type { IssuedPassword } from '../service/index.ts';
import type { Secret } from '../service/secret.ts';

export type MailServer = { host: string; port: number; security: 'SSL/TLS' | 'STARTTLS' };

/** A server as a mail client is set up for it: implicit TLS on 995 and 465, STARTTLS elsewhere. */
export const mailServer = (server: { host: string; port: number }): MailServer => ({
  ...server,
  security: server.port === 995 || server.port === 465 ? 'SSL/TLS' : 'STARTTLS',
});

/** Login details for the requester's eyes only. Renderers put these only in a private message. */
export type PrivateLogin = {
  address: string;
  logins: string[];
  password: Secret;
  /** Incoming (POP3) and outgoing (SMTP submission) servers, with how each is secured. */
  server: MailServer;
  outgoing: MailServer;
  /** What takes the password back if this reply is not delivered (SPEC §4). Never rendered. */
  issued: IssuedPassword;
};

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
