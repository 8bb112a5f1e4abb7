import type { Secret } from '../service/secret.ts';

/** Login details for the requester's eyes only. Renderers put these only in a private message. */
export type PrivateLogin = {
  address: string;
  logins: string[];
  password: Secret;
  server: { host: string; port: number };
};

/** A button (Slack/Discord) or follow-up (console). `command` is re-run through the dispatcher, role checks and all. */
export type Action = {
  id: 'confirm-delete' | 'cancel' | 'next-page' | 'own-password' | 'request-more';
  label: string;
  command: string;
  style?: 'primary' | 'danger';
  /** Asks before running: Slack's confirm dialog, the console's typed confirmation. */
  confirm?: { title: string; text: string; confirm: string; deny: string; typed?: string };
};

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
  /** A non-secret line for an audit or sales channel. */
  announce?: { channel: 'audit' | 'sales'; text: string };
};
