import { randomInt } from 'node:crypto';
import argon2 from 'argon2';
import { fail } from './errors.ts';
import { Secret } from './secret.ts';
import type { StrengthJudge } from './strength.ts';
import {
  cheapProblems,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_SCORE,
  strengthInputs,
  weakScoreProblem,
  type PasswordContext,
} from './password-rules.ts';

/** A source of uniform random integers in [0, max). Production uses the OS CSPRNG. */
export type Random = { int(max: number): number };
export const cryptoRandom: Random = { int: (max) => randomInt(max) };

// Lower-case letters and digits without look-alikes (0/o, 1/l/i): 31 symbols, easy on a phone keyboard.
export const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 5;
const GROUP_LENGTH = 4;

/** Bits of entropy of a generated password: 20 symbols of 31 ≈ 99 bits. */
export const GENERATED_PASSWORD_BITS = GROUPS * GROUP_LENGTH * Math.log2(PASSWORD_ALPHABET.length);

/** `k7mq-x3ph-…`: five groups of four, from a cryptographic random source. */
export function generatePassword(random: Random): Secret {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += PASSWORD_ALPHABET[random.int(PASSWORD_ALPHABET.length)];
    groups.push(group);
  }
  return new Secret(groups.join('-'));
}

export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE } from './password-rules.ts';

/**
 * Rules for a password the requester chooses. Returns the broken rules, never the password.
 * The cheap rules come first; the strength estimate (zxcvbn score 0–4, with the account's own
 * words as a dictionary) runs only on a password that passed them, off the event loop.
 */
export async function checkChosenPassword(
  password: Secret,
  context: PasswordContext,
  judge: StrengthJudge,
): Promise<string[]> {
  const reasons = cheapProblems(password.reveal(), context);
  if (reasons.length > 0) return reasons;
  const score = await judge.score(password, strengthInputs(context));
  if (score === null) fail({ code: 'STRENGTH_UNAVAILABLE' });
  return score < MIN_PASSWORD_SCORE ? [weakScoreProblem(score)] : [];
}

/** Fails with PASSWORD_TOO_LONG or WEAK_PASSWORD when a chosen password breaks a rule. */
export async function requireStrongPassword(
  password: Secret,
  context: { name: string; domain: string },
  judge: StrengthJudge,
): Promise<void> {
  requireBoundedPassword(password);
  const reasons = await checkChosenPassword(password, context, judge);
  if (reasons.length > 0) fail({ code: 'WEAK_PASSWORD', reasons });
}

/** The length cap, checked before anything costly (SPEC §4). */
export function requireBoundedPassword(password: Secret): void {
  const length = password.reveal().length;
  if (length > MAX_PASSWORD_LENGTH) fail({ code: 'PASSWORD_TOO_LONG', length, max: MAX_PASSWORD_LENGTH });
}

/** Hashes and verifies passwords in the exact form Dovecot reads. */
export type Hasher = {
  hash(password: Secret): Promise<string>;
  verify(stored: string, password: Secret): Promise<boolean>;
  readonly params: Argon2Params;
};

export type Argon2Params = { memoryKiB: number; time: number };

const PREFIX = '{ARGON2ID}';

/**
 * argon2id with parallelism 1, stored as `{ARGON2ID}$argon2id$v=19$m=…,t=…,p=1$salt$hash`.
 * The argon2 package writes the parameters as `m,p,t`; Dovecot 2.3 accepts only `m,t,p`, so they are reordered.
 */
export function createArgon2Hasher(params: Argon2Params): Hasher {
  return {
    params,
    async hash(password) {
      const phc = await argon2.hash(password.reveal(), {
        type: argon2.argon2id,
        memoryCost: params.memoryKiB,
        timeCost: params.time,
        parallelism: 1,
      });
      return PREFIX + toDovecotOrder(phc);
    },
    async verify(stored, password) {
      if (!stored.startsWith(PREFIX)) return false;
      return argon2.verify(stored.slice(PREFIX.length), password.reveal());
    },
  };
}

/** `$argon2id$v=19$m=19456,p=1,t=2$…` → `$argon2id$v=19$m=19456,t=2,p=1$…`. */
export function toDovecotOrder(phc: string): string {
  return phc.replace(/\$m=(\d+),p=(\d+),t=(\d+)\$/, '$m=$1,t=$3,p=$2$');
}
