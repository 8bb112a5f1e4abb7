import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const UNIT = join(import.meta.dirname, '../../deploy/systemd/popbot.service');
const hasAnalyze = spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0;

/** The unit's [Service] keys; a key given twice keeps every value. */
function serviceKeys(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const line of readFileSync(UNIT, 'utf8').split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line.trim());
    if (header) section = header[1]!;
    const pair = /^(\w+)=(.*)$/.exec(line);
    if (section === 'Service' && pair) keys.set(pair[1]!, [...(keys.get(pair[1]!) ?? []), pair[2]!]);
  }
  return keys;
}

describe('deploy/systemd/popbot.service', () => {
  it('runs the packaged executable as an unprivileged user with a private state folder and a read-only system', () => {
    const keys = serviceKeys();
    expect(keys.get('ExecStart')?.[0]).toMatch(/\/node_modules\/popbot\/bin\/popbot\.js serve$/);
    for (const [key, value] of Object.entries({
      DynamicUser: 'yes',
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      StateDirectory: 'popbot',
      StateDirectoryMode: '0700',
      UMask: '0077',
      CapabilityBoundingSet: '',
    })) {
      expect([key, keys.get(key)]).toEqual([key, [value]]);
    }
    expect(keys.get('Environment')).toContain('POPBOT_DATA_DIR=/var/lib/popbot/data');
  });

  // CI has systemd-analyze (Debian's systemd package); it must not be skipped there.
  it.runIf(hasAnalyze || process.env.CI)(
    'passes systemd-analyze verify without a warning, and its exposure score stays low',
    () => {
      const verify = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
      expect(verify.error).toBeUndefined();
      expect(verify.status).toBe(0);
      // Unknown or misspelt keys are only warnings: any output is a failure.
      expect(verify.stderr + verify.stdout).toBe('');
      const security = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', UNIT], {
        encoding: 'utf8',
      });
      expect(security.status).toBe(0);
      const score = Number(/Overall exposure level for popbot\.service: ([\d.]+)/.exec(security.stdout)?.[1]);
      expect(score).toBeLessThanOrEqual(2);
    },
  );
});
