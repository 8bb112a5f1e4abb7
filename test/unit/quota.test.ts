import { describe, expect, it } from 'vitest';
import { formatBytes, formatQuota, parseQuota } from '../../src/service/units.ts';

describe('quota grammar', () => {
  it.each([
    ['10', 10],
    ['10MB', 10],
    ['10 mb', 10],
    ['10M', 10],
    ['1.5GB', 1536],
    ['2G', 2048],
    ['0', 0],
    ['0MB', 0],
    ['unlimited', 0],
    ['Unlimited', 0],
  ])('%s is %i MB', (input, mb) => {
    expect(parseQuota(input)).toEqual({ ok: true, mb });
  });

  it.each([
    ['-5MB', 'negative'],
    ['ten', 'number'],
    ['10XB', 'unknown unit'],
    ['10 parsecs', 'unknown unit'],
    ['1.3MB', 'whole number of MB'],
    ['0.1GB', 'whole number of MB'],
    ['', 'number'],
    ['10MB10', 'number'],
  ])('%s is rejected (%s), naming the value', (input, reason) => {
    const result = parseQuota(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'INVALID_QUOTA', value: input.trim() });
    expect(result.error.code === 'INVALID_QUOTA' && result.error.reason).toContain(reason);
  });

  it('formats quotas and usage as control panels do', () => {
    expect(formatQuota(0)).toBe('unlimited');
    expect(formatQuota(10)).toBe('10 MB');
    expect(formatQuota(1536)).toBe('1.5 GB');
    expect(formatQuota(1024)).toBe('1 GB');
    expect(formatBytes(0)).toBe('0 MB');
    expect(formatBytes(400_000)).toBe('0.4 MB');
    expect(formatBytes(120 * 1_048_576)).toBe('120 MB');
  });
});
