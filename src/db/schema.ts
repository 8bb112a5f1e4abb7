import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type Platform = 'slack' | 'discord' | 'console';

/** The person who asked for a one-time link, and where (a Slack channel for an ephemeral note). */
export type LinkRequester = { platform: Platform; workspaceId: string; userId: string; userName: string };
export type CatchallMode = 'main' | 'account' | 'fail' | 'blackhole';
export type GrantRole = 'viewer' | 'operator' | 'admin';

export interface PlansTable {
  id: Generated<number>;
  name: string;
  max_pop_accounts: number;
  disk_quota_mb: number;
  default_quota_mb: ColumnType<number, number | undefined, number>;
  /** Forwarders a hosting account on this plan may have; 0 = unlimited. */
  max_forwarders: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface HostingAccountsTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  plan_id: number;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  password_changed_at: Timestamp;
  created_at: CreatedAt;
}

export interface DomainsTable {
  id: Generated<number>;
  hosting_account_id: number;
  name: string;
  catchall_mode: ColumnType<CatchallMode, CatchallMode | undefined, CatchallMode>;
  catchall_mailbox_id: number | null;
  created_at: CreatedAt;
}

export interface MailboxesTable {
  id: Generated<number>;
  hosting_account_id: number;
  domain_id: number;
  name: string;
  password_hash: string;
  quota_mb: number;
  password_changed_at: Timestamp;
  created_at: CreatedAt;
  /** Set only for accounts made before mail folders were keyed by id; the mail server reads it. */
  mail_folder: Generated<string | null>;
  /** Logins refused since then; with suspended_incoming, incoming mail too. */
  suspended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  suspended_incoming: ColumnType<boolean, boolean | undefined, boolean>;
  /** Made with `add --link`: no password anyone knows until the owner sets one through the link. */
  password_pending: ColumnType<boolean, boolean | undefined, boolean>;
}

/** Mail to source_name@domain also (or only) goes to destination. */
export interface ForwardersTable {
  id: Generated<number>;
  hosting_account_id: number;
  domain_id: number;
  source_name: string;
  destination: string;
  created_at: CreatedAt;
}

/** A one-time link: the token's hash and the sealed secret; the token itself is never stored. */
export interface OneTimeLinksTable {
  id: Generated<number>;
  token_hash: Buffer;
  kind: 'reveal' | 'set-own';
  hosting_account_id: number;
  address: string;
  sealed: Buffer;
  mailbox_id: number;
  /** Who asked for the link: told privately when the owner has set a password. */
  requester: ColumnType<LinkRequester, string, string>;
  created_at: CreatedAt;
  expires_at: Date;
}

/** Written by Dovecot's last_login plugin: one row per login and protocol, seconds since 1970. */
export interface LastLoginsTable {
  username: string;
  protocol: string;
  last_login: ColumnType<number, number, number>;
}

export interface BindingsTable {
  id: Generated<number>;
  platform: Platform;
  workspace_id: string;
  hosting_account_id: number | null;
  created_at: CreatedAt;
}

export interface GrantsTable {
  id: Generated<number>;
  platform: Platform;
  workspace_id: string;
  subject_kind: 'user' | 'role';
  subject_id: string;
  role: GrantRole;
  granted_by: string;
  created_at: CreatedAt;
}

export interface AuditEntriesTable {
  id: Generated<number>;
  at: Date | string;
  platform: Platform;
  workspace_id: string;
  actor_id: string;
  actor_name: string;
  hosting_account_id: number | null;
  command: string;
  target: string | null;
  outcome: string;
  detail: string | null;
  request_id: string;
  count: ColumnType<number, number | undefined, number>;
  /** Denials from one actor in one minute share a key and so one row (SPEC §6). */
  collapse_key: string | null;
}

export interface SalesRequestsTable {
  id: Generated<number>;
  at: Date | string;
  hosting_account_id: number;
  platform: Platform;
  workspace_id: string;
  actor_id: string;
  actor_name: string;
  plan_name: string;
  pop_used: number;
  pop_allowed: number;
  status: ColumnType<string, string | undefined, string>;
  done_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  done_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RateLimitsTable {
  actor_key: string;
  action: string;
  window_start: Date | string;
  count: number;
}

export interface MailboxUsageTable {
  username: string;
  bytes: number;
  messages: number;
}

export interface PendingActionsTable {
  id: string;
  kind: string;
  platform: Platform;
  workspace_id: string;
  actor_id: string;
  payload: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  expires_at: Date | string;
  used_at: Date | null;
  used_by: string | null;
  outcome: string | null;
}

export interface DeliveryClaimsTable {
  platform: Platform;
  delivery_id: string;
  claimed_at: CreatedAt;
}

export interface DB {
  plans: PlansTable;
  hosting_accounts: HostingAccountsTable;
  domains: DomainsTable;
  mailboxes: MailboxesTable;
  bindings: BindingsTable;
  grants: GrantsTable;
  audit_entries: AuditEntriesTable;
  sales_requests: SalesRequestsTable;
  rate_limits: RateLimitsTable;
  mailbox_usage: MailboxUsageTable;
  last_logins: LastLoginsTable;
  forwarders: ForwardersTable;
  one_time_links: OneTimeLinksTable;
  pending_actions: PendingActionsTable;
  delivery_claims: DeliveryClaimsTable;
}
