import { sql, type Kysely } from 'kysely';

/** Core tables: plans, hosting accounts, domains, POP accounts, chat access, audit, sales, rate limits, usage. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('max_pop_accounts', 'integer', (c) => c.notNull().check(sql`max_pop_accounts >= 0`))
    .addColumn('disk_quota_mb', 'integer', (c) => c.notNull().check(sql`disk_quota_mb > 0`))
    .addColumn('default_quota_mb', 'integer', (c) => c.notNull().defaultTo(10).check(sql`default_quota_mb >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('hosting_accounts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique().check(sql`username ~ '^[a-z][a-z0-9]{0,31}$'`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('domains')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('hosting_account_id', 'integer', (c) =>
      c.notNull().references('hosting_accounts.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull().unique().check(sql`name = lower(name) and name ~ '^[a-z0-9.-]+$'`))
    .addColumn('catchall_mode', 'text', (c) =>
      c.notNull().defaultTo('main').check(sql`catchall_mode in ('main', 'account', 'fail', 'blackhole')`),
    )
    .addColumn('catchall_mailbox_id', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('domains_catchall_target', sql`(catchall_mode = 'account') = (catchall_mailbox_id is not null)`)
    .execute();

  await db.schema
    .createTable('mailboxes')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('hosting_account_id', 'integer', (c) =>
      c.notNull().references('hosting_accounts.id').onDelete('cascade'),
    )
    .addColumn('domain_id', 'integer', (c) => c.notNull().references('domains.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`name ~ '^[a-z0-9]{1,64}$'`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('quota_mb', 'integer', (c) => c.notNull().check(sql`quota_mb >= 0`))
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('mailboxes_domain_name', ['domain_id', 'name'])
    .execute();
  await db.schema.createIndex('mailboxes_hosting_account').on('mailboxes').column('hosting_account_id').execute();

  await db.schema
    .alterTable('domains')
    .addForeignKeyConstraint('domains_catchall_mailbox', ['catchall_mailbox_id'], 'mailboxes', ['id'])
    .execute();

  // A binding with a NULL hosting account binds the workspace to every hosting account (support desks).
  await db.schema
    .createTable('bindings')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('slack', 'discord', 'console')`))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('hosting_account_id', 'integer', (c) => c.references('hosting_accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index bindings_unique on bindings (platform, workspace_id, coalesce(hosting_account_id, 0))`.execute(
    db,
  );

  await db.schema
    .createTable('grants')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull().check(sql`subject_kind in ('user', 'role')`))
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('viewer', 'operator', 'admin')`))
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('grants_subject', ['platform', 'workspace_id', 'subject_kind', 'subject_id'])
    .execute();

  await db.schema
    .createTable('audit_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('hosting_account_id', 'integer') // no FK: the history outlives what it describes
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_entries_account_at')
    .on('audit_entries')
    .columns(['hosting_account_id', 'at'])
    .execute();

  await db.schema
    .createTable('sales_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('hosting_account_id', 'integer', (c) =>
      c.notNull().references('hosting_accounts.id').onDelete('cascade'),
    )
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('plan_name', 'text', (c) => c.notNull())
    .addColumn('pop_used', 'integer', (c) => c.notNull())
    .addColumn('pop_allowed', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .execute();

  // Fixed one-minute windows, counted in the database so every popbot process shares them.
  await db.schema
    .createTable('rate_limits')
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limits_pk', ['actor_key', 'action', 'window_start'])
    .execute();

  // Written by the mail server (Dovecot quota_clone upserts ON CONFLICT (username)); read by list/info.
  await db.schema
    .createTable('mailbox_usage')
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('messages', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['mailbox_usage', 'rate_limits', 'sales_requests', 'audit_entries', 'grants', 'bindings']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('domains').dropConstraint('domains_catchall_mailbox').execute();
  for (const table of ['mailboxes', 'domains', 'hosting_accounts', 'plans']) {
    await db.schema.dropTable(table).execute();
  }
}
