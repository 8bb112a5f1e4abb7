import { describe, expect, it } from 'vitest';
import { normalizeAccountName, isValidDomain } from '../../src/service/names.ts';
import { tokenize } from '../../src/commands/tokens.ts';
import { parseSubject } from '../../src/commands/subject.ts';
import { parseArgs } from '../../src/commands/grammar.ts';
import { findCommand } from '../../src/commands/registry.ts';

describe('account names', () => {
  it('accepts a–z and digits, lower-cases', () => {
    expect(normalizeAccountName('scott')).toBe('scott');
    expect(normalizeAccountName('Scott2')).toBe('scott2');
    expect(normalizeAccountName('a'.repeat(64))).toBe('a'.repeat(64));
  });
  it.each(['scott.smith', 'jöe', 'ѕcott', '', 'a'.repeat(65), 'scott+x', 'scott_smith', 'scott-smith', 'ＳＣＯＴＴ'])(
    'rejects %j',
    (name) => {
      expect(normalizeAccountName(name)).toBeNull();
    },
  );
  it('checks domains', () => {
    expect(isValidDomain('example.com')).toBe(true);
    expect(isValidDomain('mail.example.co.uk')).toBe(true);
    expect(isValidDomain('exämple.com')).toBe(false);
    expect(isValidDomain('localhost')).toBe(false);
  });
});

describe('tokenizer', () => {
  const flags = new Set(['page']);
  it('splits words and flags', () => {
    const r = tokenize('list example.com --page 2', flags);
    expect(r.ok && r.tokens.words).toEqual(['list', 'example.com']);
    expect(r.ok && r.tokens.flags.get('page')).toBe('2');
    const s = tokenize('delete scott --yes', flags);
    expect(s.ok && s.tokens.flags.get('yes')).toBe(true);
  });
  it('rejects over-long text and control characters', () => {
    expect(tokenize('x'.repeat(501), flags)).toMatchObject({
      ok: false,
      error: { code: 'INPUT_TOO_LONG', length: 501 },
    });
    expect(tokenize('add sc\u0007ott', flags)).toMatchObject({ ok: false, error: { code: 'CONTROL_CHARACTERS' } });
    expect(tokenize('add scott\nlist', flags)).toMatchObject({ ok: false, error: { code: 'CONTROL_CHARACTERS' } });
  });
});

describe('argument parsing (pure)', () => {
  const parse = (name: string, text: string) => {
    const t = tokenize(text, new Set(['page']));
    if (!t.ok) throw new Error('tokenize');
    return parseArgs(findCommand(name)!, t.tokens);
  };
  it('joins a spaced unit into the quota', () => {
    expect(parse('add', 'scott 10 mb')).toEqual({
      ok: true,
      value: { account: { name: 'scott', domain: undefined }, link: false, quota: { mb: 10, input: '10 mb' } },
    });
  });
  it('answers missing arguments with usage and an example', () => {
    expect(parse('add', '')).toMatchObject({
      ok: false,
      error: {
        code: 'USAGE',
        problem: 'Missing name: name of the new account (a–z, 0–9), or name@domain.',
        usage: 'add <name>[@domain] [quota] [--link]',
        example: 'add scott 10MB',
      },
    });
  });
  it('rejects extra words and unknown options', () => {
    expect(parse('info', 'scott extra')).toMatchObject({
      ok: false,
      error: { code: 'USAGE', problem: 'Too many words: `info` takes <name>[@domain]; `extra` is left over.' },
    });
    expect(parse('list', '--force')).toMatchObject({
      ok: false,
      error: { code: 'USAGE', problem: 'Unknown option --force.' },
    });
  });
  it('parses the catch-all forms', () => {
    expect(parse('catchall', '')).toEqual({ ok: true, value: {} });
    expect(parse('catchall', 'example.com fail')).toMatchObject({
      ok: true,
      value: { domain: 'example.com', setting: { mode: 'fail' } },
    });
    expect(parse('catchall', 'scott')).toMatchObject({
      ok: true,
      value: { setting: { mode: 'account', name: 'scott' } },
    });
    expect(parse('catchall', 'fail example.com')).toMatchObject({ ok: false });
  });
});

describe('grant subjects', () => {
  it('understands Slack and Discord mentions and console forms', () => {
    expect(parseSubject('<@U123ABC|alice>')).toMatchObject({
      ok: true,
      subject: { kind: 'user', id: 'U123ABC', label: '@alice' },
    });
    expect(parseSubject('<@123456789012>')).toMatchObject({ ok: true, subject: { kind: 'user', id: '123456789012' } });
    expect(parseSubject('<@&987654321098>')).toMatchObject({ ok: true, subject: { kind: 'role', id: '987654321098' } });
    expect(parseSubject('slack:T01/U02')).toMatchObject({
      ok: true,
      subject: { platform: 'slack', workspaceId: 'T01', kind: 'user', id: 'U02' },
    });
    expect(parseSubject('discord:111/role:222')).toMatchObject({
      ok: true,
      subject: { platform: 'discord', workspaceId: '111', kind: 'role', id: '222' },
    });
    expect(parseSubject('bob')).toMatchObject({ ok: false, error: { code: 'INVALID_SUBJECT', value: 'bob' } });
  });
});
