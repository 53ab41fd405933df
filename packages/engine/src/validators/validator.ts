import type { SeededRandom } from '../random.js';

/**
 * A structural check on a candidate secret (a checksum, a decodable body), named from rule files by
 * `checksum: <name>`. `generate` makes a value that passes, so rule examples can be built at test time
 * instead of committing realistic-looking credentials.
 */
export interface Validator {
  name: string;
  validate(secret: string): boolean;
  /** `arg` is the text after the second colon in `{{gen:<name>:<arg>}}`. */
  generate(rng: SeededRandom, arg?: string): string;
}
