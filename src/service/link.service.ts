import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB, LinkRequester } from '../db/schema.ts';
import {
  deleteLinksOf,
  findLink,
  insertLink,
  takeExpiredLinks,
  takeLink,
  type LinkRow,
} from '../db/link.repository.ts';
import { countRateLimitHit, rateLimitCount } from '../db/access.repository.ts';
import { lockMailboxById, setMailboxPassword } from '../db/mailbox.repository.ts';
import { fail, guard, type Result } from './errors.ts';
import { loginsOf } from './names.ts';
import { requireBoundedPassword, requireStrongPassword } from './passwords.ts';
import { writeAudit, type Access, type Actor, type ServiceDeps } from './context.ts';
import { Secret } from './secret.ts';

/** 256 random bits, URL-safe: the part of a link that opens it. Never stored, logged or audited. */
const newLinkToken = (): string => randomBytes(32).toString('base64url');

/** What the database keeps instead of the token. */
export const tokenHash = (token: string): Buffer => createHash('sha256').update(token).digest();

/** The key that seals a link's secret: derived from the token, so the database alone cannot open it. */
const keyOf = (token: string): Buffer =>
  Buffer.from(hkdfSync('sha256', token, 'popbot one-time link', 'aes-256-gcm key', 32));

/** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext. */
export function seal(token: string, plaintext: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The plaintext, or null when the token is not the one it was sealed with (or the data was altered). */
export function unseal(token: string, sealed: Buffer): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(token), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export type LinkKind = 'reveal' | 'set-own';
export type { LinkRequester };

/** A link just made: its address (a secret: whoever has it can use it) and what withdraws it. */
export type IssuedLink = { kind: LinkKind; url: Secret; tokenHash: Buffer; expiresAt: Date };

/** A token as it appears in a link: 43 URL-safe characters. Anything else is not looked up at all. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Misses (wrong, used, expired tokens) and password tries per client address in a window. */
const LINK_TRIES_PER_WINDOW = 20;
const LINK_WINDOW_MS = 10 * 60 * 1000;

/**
 * Inside a change's transaction (add, passwd): a new link for one mailbox, replacing its earlier ones
 * (a new password or link makes them moot), audited. Needs PUBLIC_URL.
 */
export async function issueLinkIn(
  trx: Transaction<DB>,
  deps: ServiceDeps,
  access: Access,
  link: { kind: LinkKind; mailboxId: number; hostingAccountId: number; address: string; password?: Secret },
): Promise<IssuedLink> {
  const { publicUrl, linkTtlSeconds } = deps.settings;
  if (!publicUrl) fail({ code: 'LINKS_NOT_CONFIGURED' });
  const token = newLinkToken();
  const hash = tokenHash(token);
  const expiresAt = new Date(deps.clock.now().getTime() + linkTtlSeconds * 1000);
  const { actor } = access;
  await deleteLinksOf(trx, link.mailboxId);
  await insertLink(trx, {
    tokenHash: hash,
    kind: link.kind,
    address: link.address,
    hostingAccountId: link.hostingAccountId,
    mailboxId: link.mailboxId,
    sealed: seal(token, JSON.stringify({ password: link.password?.reveal() ?? null })),
    requester: {
      platform: actor.platform,
      workspaceId: actor.workspaceId,
      userId: actor.userId,
      userName: actor.userName,
    },
    expiresAt,
  });
  await writeAudit(trx, deps, actor, access.requestId, {
    command: 'link',
    target: link.address,
    outcome: 'ok',
    detail: `${LINK_NAMES[link.kind]} created, valid until ${expiresAt.toISOString().slice(0, 16)} UTC`,
    hostingAccountId: link.hostingAccountId,
  });
  return { kind: link.kind, url: new Secret(`${publicUrl}/s/${token}`), tokenHash: hash, expiresAt };
}

const LINK_NAMES: Record<LinkKind, string> = { reveal: 'one-time link', 'set-own': 'set-your-own-password link' };

const newRef = () => randomUUID().slice(0, 8);

/** The owner, acting through a link, as the audit shows them: in the requester's workspace. */
const ownerActor = (requester: LinkRequester): Actor => ({
  platform: requester.platform,
  workspaceId: requester.workspaceId,
  userId: 'link',
  userName: 'owner (one-time link)',
  roleIds: [],
});

/** What the owner's page shows once a link is used: everything a mail client needs. */
export type OwnerLogin = {
  address: string;
  logins: string[];
  pop3: { host: string; port: number };
  smtp: { host: string; port: number };
};

/** A link that can still be used, as its page describes it. */
export type OpenLink = { kind: LinkKind; address: string; expiresAt: Date };

/**
 * One-time links (SPEC §10), as the owner's pages use them. Looking (GET, unfurl bots) never burns a
 * link; using it does, once. Wrong, used and expired tokens are alike (LINK_GONE), and every client
 * address gets a bounded number of misses and password tries per window before anything is looked up.
 */
export function createLinkService(deps: ServiceDeps) {
  const { db, clock, hasher, strength, settings, logger } = deps;
  let lastHousekeeping = 0;

  /** This window and the one before: a client's tries count until a whole window has passed. */
  const windowOf = () => {
    const now = clock.now().getTime();
    const start = now - (now % LINK_WINDOW_MS);
    return { start: new Date(start), previous: new Date(start - LINK_WINDOW_MS), left: start + LINK_WINDOW_MS - now };
  };

  /**
   * Refuses a client whose earlier tries (this window and the last) reached the limit; nothing is looked up
   * for it. `counted`: this window's tries before the current one, when already known.
   */
  async function checkClient(client: string, counted?: number) {
    const { start, previous, left } = windowOf();
    const key = `web:${client}`;
    const current = counted ?? (await rateLimitCount(db, key, 'link', start));
    if (current + (await rateLimitCount(db, key, 'link', previous)) < LINK_TRIES_PER_WINDOW) return;
    const wait = current >= LINK_TRIES_PER_WINDOW ? left + LINK_WINDOW_MS : left;
    fail({ code: 'LINK_TRIES', limit: LINK_TRIES_PER_WINDOW, retryAfterSeconds: Math.ceil(wait / 1000) });
  }

  /** Counts one miss or one password try against the client; refuses it when the limit was reached before. */
  async function countTry(client: string) {
    const counted = await countRateLimitHit(db, `web:${client}`, 'link', windowOf().start);
    await checkClient(client, counted - 1);
  }

  /** The link behind a token, or LINK_GONE (and a miss counted). */
  async function find(token: string, client: string): Promise<LinkRow> {
    await checkClient(client);
    const row = LINK_TOKEN.test(token) ? await findLink(db, tokenHash(token), clock.now()) : undefined;
    if (row) return row;
    await countTry(client);
    fail({ code: 'LINK_GONE' });
  }

  const ownerLogin = (address: string): OwnerLogin => {
    const at = address.lastIndexOf('@');
    return {
      address,
      logins: loginsOf(address.slice(0, at), address.slice(at + 1)),
      pop3: settings.pop3,
      smtp: settings.smtp,
    };
  };

  return {
    /** What a link is for, without using it. */
    async open(token: string, client: string): Promise<Result<OpenLink>> {
      return guard(async () => {
        const row = await find(token, client);
        return { kind: row.kind, address: row.address, expiresAt: row.expiresAt };
      });
    },

    /** Uses a reveal link: its password and login details, once. */
    async reveal(token: string, client: string): Promise<Result<OwnerLogin & { password: Secret }>> {
      return guard(async () => {
        await checkClient(client);
        const opened = await db.transaction().execute(async (trx) => {
          const row = LINK_TOKEN.test(token) ? await takeLink(trx, tokenHash(token), 'reveal', clock.now()) : undefined;
          const sealed = row && unseal(token, row.sealed);
          const password = sealed ? (JSON.parse(sealed) as { password: string | null }).password : null;
          if (!row || password === null) return undefined;
          await writeAudit(trx, deps, ownerActor(row.requester), newRef(), {
            command: 'link',
            target: row.address,
            outcome: 'ok',
            detail: 'password revealed through the one-time link (link used up)',
            hostingAccountId: row.hostingAccountId,
          });
          return { address: row.address, password: new Secret(password) };
        });
        if (!opened) {
          await countTry(client);
          fail({ code: 'LINK_GONE' });
        }
        logger.info({ command: 'link', target: opened.address }, 'one-time link used: password revealed');
        return { ...ownerLogin(opened.address), password: opened.password };
      });
    },

    /**
     * The owner chooses the password through a set-your-own link: the §2 rules, checked here whatever
     * the page did. A refused password leaves the link usable; an accepted one uses it up.
     */
    async setOwn(
      token: string,
      client: string,
      chosen: Secret,
    ): Promise<Result<OwnerLogin & { requester: LinkRequester }>> {
      return guard(async () => {
        const row = await find(token, client);
        if (row.kind !== 'set-own') fail({ code: 'LINK_GONE' });
        // Every try costs, before any estimate or hash (STYLE 19).
        await countTry(client);
        requireBoundedPassword(chosen);
        const at = row.address.lastIndexOf('@');
        await requireStrongPassword(
          chosen,
          { name: row.address.slice(0, at), domain: row.address.slice(at + 1) },
          strength,
        );
        const passwordHash = await hasher.hash(chosen);
        await db.transaction().execute(async (trx) => {
          const taken = await takeLink(trx, tokenHash(token), 'set-own', clock.now());
          const mailbox = taken && (await lockMailboxById(trx, taken.mailboxId));
          if (!mailbox || !(await setMailboxPassword(trx, mailbox.id, passwordHash, clock.now())))
            fail({ code: 'LINK_GONE' });
          await writeAudit(trx, deps, ownerActor(row.requester), newRef(), {
            command: 'passwd',
            target: row.address,
            outcome: 'ok',
            detail: 'password chosen by the owner through a set-your-own-password link',
            hostingAccountId: row.hostingAccountId,
          });
        });
        logger.info({ command: 'link', target: row.address }, 'one-time link used: password set by the owner');
        if (deps.mailSessions)
          await deps.mailSessions
            .end(row.address)
            .catch((error: unknown) =>
              logger.warn({ err: { message: (error as Error).message } }, 'open mail sessions not ended'),
            );
        return { ...ownerLogin(row.address), requester: row.requester };
      });
    },

    /** Removes expired links (at most once a minute), each audited as expired unused; returns how many. */
    async housekeep(force = false): Promise<number> {
      const now = clock.now();
      if (!force && now.getTime() - lastHousekeeping < 60_000) return 0;
      lastHousekeeping = now.getTime();
      return db.transaction().execute(async (trx) => {
        const expired = await takeExpiredLinks(trx, now, 500);
        for (const row of expired)
          await writeAudit(trx, deps, ownerActor(row.requester), newRef(), {
            command: 'link',
            target: row.address,
            outcome: 'ok',
            detail: `${LINK_NAMES[row.kind]} expired unused`,
            hostingAccountId: row.hostingAccountId,
          });
        return expired.length;
      });
    },
  };
}

export type LinkService = ReturnType<typeof createLinkService>;
