import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import {
  GENERATED_PASSWORD_BITS,
  PASSWORD_ALPHABET,
  checkChosenPassword,
  createArgon2Hasher,
  cryptoRandom,
  generatePassword,
  toDovecotOrder,
} from '../../src/service/passwords.ts';
import { Secret } from '../../src/service/secret.ts';
import { createStrengthJudge } from '../../src/service/strength.ts';

const judge = createStrengthJudge();

describe('generated passwords', () => {
  it('carry at least 80 bits, in groups of four, without look-alikes', () => {
    expect(GENERATED_PASSWORD_BITS).toBeGreaterThanOrEqual(80);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const value = generatePassword(cryptoRandom).reveal();
      expect(value).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
      expect(value).not.toMatch(/[01oli]/);
      seen.add(value);
    }
    expect(seen.size).toBe(200);
    expect(PASSWORD_ALPHABET).not.toMatch(/[01oliIO]/);
  });
});

describe('chosen passwords', () => {
  const ctx = { name: 'scott', domain: 'example.com' };
  it.each([
    ['short1!', 'at least 10 characters'],
    ['password123', 'too easy to guess'],
    ['qwertyuiop', 'too easy to guess'],
    ['scott-is-the-best-2026', 'account name'],
    ['example.com-rocks-9Z', 'domain'],
  ])('rejects %j (%s)', async (password, reason) => {
    const reasons = await checkChosenPassword(new Secret(password), ctx, judge);
    expect(reasons.join(' ')).toContain(reason);
    expect(reasons.join(' ')).not.toContain(password);
  });
  it('accepts a strong one', async () => {
    expect(await checkChosenPassword(new Secret('violet-kettle-marsh-harbor'), ctx, judge)).toEqual([]);
  });
});

describe('secrets', () => {
  it('never show their value by accident', () => {
    const s = new Secret('hunter2-hunter2');
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).toBe('[redacted]');
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2-hunter2');
  });
});

describe('argon2id hashes', () => {
  it('are stored in the order Dovecot reads, and verify', async () => {
    const hasher = createArgon2Hasher({ memoryKiB: 19456, time: 2 });
    const hash = await hasher.hash(new Secret('kx7p-m3qa-b2c4-d5e6-f7g8'));
    expect(hash).toMatch(/^\{ARGON2ID\}\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await hasher.verify(hash, new Secret('kx7p-m3qa-b2c4-d5e6-f7g8'))).toBe(true);
    expect(await hasher.verify(hash, new Secret('wrong-wrong-wrong'))).toBe(false);
  });
  it('reorders m,p,t to m,t,p', () => {
    expect(toDovecotOrder('$argon2id$v=19$m=19456,p=1,t=2$c2FsdA$aGFzaA')).toBe(
      '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    );
  });
});
