import type { Migration } from 'kysely';
import * as core from './2026_11_26_120000_core.ts';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '2026_11_26_120000_core': core,
};
