// Build step (scripts/build.js): the empty, migrated embedded database a new data folder starts from.
import { writeEmbeddedSnapshot } from '../src/db/database.ts';

export const writeSnapshot = (path: string) => writeEmbeddedSnapshot(path);
