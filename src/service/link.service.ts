import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { deleteExpiredLinks, findLink, insertLink, takeLink } from '../db/link.repository.ts';
import { writeAudit, type Access, type ServiceDeps } from './context.ts';
import { Secret } from './secret.ts';

/** How long a link works unless told otherwise (SPEC §10: 24 h). */
const LINK_TTL_SECONDS = 24 * 3600;

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

/**
 * One-time links (SPEC §10), the storage and its rules: a reveal link carries a password for the
 * mailbox owner; a set-your-own link carries none. Looking at a link (a GET, an unfurl bot) never
 * burns it; using it does, once. Wrong, used and expired tokens are alike: nothing.
 */
export function createLinkService(deps: ServiceDeps) {
  const { db, clock } = deps;

  async function create(
    access: Access,
    link: { kind: LinkKind; address: string; hostingAccountId: number; password?: Secret },
    ttlSeconds = LINK_TTL_SECONDS,
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = newLinkToken();
    const expiresAt = new Date(clock.now().getTime() + ttlSeconds * 1000);
    const sealed = seal(token, JSON.stringify({ password: link.password?.reveal() ?? null }));
    await db.transaction().execute(async (trx) => {
      await insertLink(trx, {
        tokenHash: tokenHash(token),
        kind: link.kind,
        address: link.address,
        hostingAccountId: link.hostingAccountId,
        sealed,
        createdBy: `${access.actor.platform}:${access.actor.userId}`,
        expiresAt,
      });
      await writeAudit(trx, deps, access.actor, access.requestId, {
        command: 'link',
        target: link.address,
        outcome: 'ok',
        detail: `${link.kind} link created, valid until ${expiresAt.toISOString().slice(0, 16)} UTC`,
        hostingAccountId: link.hostingAccountId,
      });
    });
    return { token, expiresAt };
  }

  return {
    create,

    /** What a link is for, without using it: null for a wrong, used or expired token. */
    async peek(token: string): Promise<{ kind: LinkKind; address: string } | null> {
      const row = await findLink(db, tokenHash(token), clock.now());
      return row ? { kind: row.kind, address: row.address } : null;
    },

    /** Uses a reveal link: its password, once; null for a wrong, used or expired token. */
    async reveal(token: string): Promise<{ address: string; password: Secret } | null> {
      const row = await takeLink(db, tokenHash(token), 'reveal', clock.now());
      if (!row) return null;
      const opened = unseal(token, row.sealed);
      const password = opened ? (JSON.parse(opened) as { password: string | null }).password : null;
      if (password === null) return null;
      return { address: row.address, password: new Secret(password) };
    },

    /** Removes expired links; returns how many. */
    housekeep: (): Promise<number> => deleteExpiredLinks(db, clock.now()),
  };
}
