// Build step: the empty, migrated embedded database a new data folder starts from (src/db/embedded.ts).
import { writeEmbeddedSnapshot } from '../dist/src/db/database.js';

process.stdout.write(`embedded database snapshot: ${await writeEmbeddedSnapshot()}\n`);
