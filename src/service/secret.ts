import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A password in transit. Its value comes out only through `reveal()`, which renderers call
 * when they build a private message; logging, JSON, string templates and `inspect` all see "[redacted]".
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
