import { sql, type Kysely } from 'kysely';

/**
 * Exactly once (SPEC §12): pending actions behind every button and modal, claims on platform
 * deliveries, and audit entries that a flood of denials collapses into one row with a count.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pending_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('used_by', 'text')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema.createIndex('pending_actions_expires').on('pending_actions').column('expires_at').execute();

  await db.schema
    .createTable('delivery_claims')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('delivery_claims_pkey', ['platform', 'delivery_id'])
    .execute();
  await db.schema.createIndex('delivery_claims_claimed_at').on('delivery_claims').column('claimed_at').execute();

  await db.schema
    .alterTable('audit_entries')
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('audit_entries')
    .addColumn('collapse_key', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('rate_limits_window_start').on('rate_limits').column('window_start').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('rate_limits_window_start').execute();
  await db.schema.alterTable('audit_entries').dropColumn('collapse_key').execute();
  await db.schema.alterTable('audit_entries').dropColumn('count').execute();
  await db.schema.dropTable('delivery_claims').execute();
  await db.schema.dropTable('pending_actions').execute();
}
