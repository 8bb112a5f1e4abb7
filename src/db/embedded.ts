import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'popbot.lock';

/** Raised when another live process holds the embedded data folder. */
class DataDirInUse extends Error {
  constructor(dataDir: string, pid: number | undefined) {
    super(
      `the embedded database in ${dataDir} is in use by another popbot process${pid ? ` (pid ${pid})` : ''}. ` +
        'Embedded PostgreSQL serves one process: stop that one, or set DATABASE_URL so that several share a ' +
        'PostgreSQL server.',
    );
    this.name = 'DataDirInUse';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes the data folder (owner only) and takes it for this process; returns the release. A lock left by
 * a process that ended without releasing it (crash, kill -9) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // A folder made by an older popbot (or by hand) with wider access is closed too.
  chmodSync(dataDir, 0o700);
  const path = join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch {
      continue; // released meanwhile
    }
    // An empty file is a process that has just created it and not yet written its pid.
    const holder = Number.parseInt(content, 10);
    if (!(holder > 0) || holder === process.pid || isAlive(holder))
      throw new DataDirInUse(dataDir, holder > 0 ? holder : undefined);
    rmSync(path, { force: true });
  }
}

/** True when the folder holds no database yet. */
export const isNewDataDir = (dataDir: string) => !existsSync(join(dataDir, 'PG_VERSION'));

/** A snapshot file, when there is one. */
export function readSnapshot(path: string | undefined): Blob | undefined {
  return path && existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}
