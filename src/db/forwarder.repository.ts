import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';

export type ForwarderRow = { id: number; sourceName: string; domain: string; domainId: number; destination: string };

/** A hosting account's forwarders (optionally one domain's), by source then destination. */
export async function listForwarders(
  db: Kysely<DB>,
  filter: { hostingAccountId: number; domainId?: number },
): Promise<ForwarderRow[]> {
  let query = db
    .selectFrom('forwarders')
    .innerJoin('domains', 'domains.id', 'forwarders.domain_id')
    .select([
      'forwarders.id as id',
      'forwarders.source_name as sourceName',
      'domains.name as domain',
      'domains.id as domainId',
      'forwarders.destination as destination',
    ])
    .where('forwarders.hosting_account_id', '=', filter.hostingAccountId);
  if (filter.domainId !== undefined) query = query.where('forwarders.domain_id', '=', filter.domainId);
  return query.orderBy('domains.name').orderBy('forwarders.source_name').orderBy('forwarders.destination').execute();
}

/** Where mail to one address goes, by its forwarders. */
export async function destinationsOf(db: Kysely<DB>, domainId: number, sourceName: string): Promise<string[]> {
  const rows = await db
    .selectFrom('forwarders')
    .select('destination')
    .where('domain_id', '=', domainId)
    .where('source_name', '=', sourceName)
    .orderBy('destination')
    .execute();
  return rows.map((r) => r.destination);
}

export async function insertForwarder(
  db: Kysely<DB>,
  row: { hostingAccountId: number; domainId: number; sourceName: string; destination: string },
): Promise<boolean> {
  const result = await db
    .insertInto('forwarders')
    .values({
      hosting_account_id: row.hostingAccountId,
      domain_id: row.domainId,
      source_name: row.sourceName,
      destination: row.destination,
    })
    .onConflict((c) => c.columns(['domain_id', 'source_name', 'destination']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return result !== undefined;
}

export async function deleteForwarder(
  db: Kysely<DB>,
  row: { domainId: number; sourceName: string; destination: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('forwarders')
    .where('domain_id', '=', row.domainId)
    .where('source_name', '=', row.sourceName)
    .where('destination', '=', row.destination)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
