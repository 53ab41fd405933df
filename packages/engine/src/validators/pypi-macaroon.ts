// PyPI API tokens are `pypi-` + a base64url (unpadded) macaroon in libmacaroons' V2 binary format:
// version byte 2, a header of typed fields (location 1, identifier 2) ended by EOS (0), caveat sections
// each ended by EOS, an EOS closing the caveats, and a 32-byte signature field (type 6).
// Format: https://pypi.org/help/#apitoken and the V2 serialisation of libmacaroons (format.txt).
import type { SeededRandom } from '../random.js';
import type { Validator } from './validator.js';

const PREFIX = 'pypi-';
const EOS = 0;
const LOCATION = 1;
const IDENTIFIER = 2;
const VERIFICATION_ID = 4;
const SIGNATURE = 6;

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }
  peek(): number | undefined {
    return this.bytes[this.offset];
  }
  varint(): number | undefined {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.bytes[this.offset++];
      if (byte === undefined) return undefined;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    return undefined;
  }
  /** One field: its type, and its data length (the data is skipped). */
  field(): { type: number; length: number } | undefined {
    const type = this.varint();
    if (type === undefined) return undefined;
    if (type === EOS) return { type, length: 0 };
    const length = this.varint();
    if (length === undefined || this.offset + length > this.bytes.length) return undefined;
    this.offset += length;
    return { type, length };
  }
}

/** Fields up to and including EOS; undefined when malformed. */
function section(reader: Reader, allowed: readonly number[]): Map<number, number> | undefined {
  const seen = new Map<number, number>();
  let last = 0;
  for (;;) {
    const f = reader.field();
    if (!f) return undefined;
    if (f.type === EOS) return seen;
    // V2 fields come in increasing type order, each at most once
    if (!allowed.includes(f.type) || f.type <= last) return undefined;
    last = f.type;
    seen.set(f.type, f.length);
  }
}

export function isMacaroonV2(bytes: Uint8Array): boolean {
  if (bytes[0] !== 2) return false;
  const reader = new Reader(bytes);
  reader.offset = 1;
  const header = section(reader, [LOCATION, IDENTIFIER]);
  if (!header || !header.get(IDENTIFIER)) return false;
  for (let caveats = 0; ; caveats++) {
    if (caveats > 64 || reader.done) return false;
    if (reader.peek() === EOS) {
      reader.offset++;
      break;
    }
    const caveat = section(reader, [LOCATION, IDENTIFIER, VERIFICATION_ID]);
    if (!caveat || !caveat.get(IDENTIFIER)) return false;
  }
  const signature = reader.field();
  return signature?.type === SIGNATURE && signature.length === 32 && reader.done;
}

function field(type: number, data: Uint8Array): number[] {
  const out = [type];
  let n = data.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n, ...data);
  return out;
}

function randomBytes(rng: SeededRandom, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => rng.int(256));
}

export const pypiMacaroonValidator: Validator = {
  name: 'pypi-macaroon',
  validate(secret) {
    if (!secret.startsWith(PREFIX)) return false;
    const body = secret.slice(PREFIX.length);
    if (!/^[A-Za-z0-9_-]+$/.test(body)) return false;
    return isMacaroonV2(new Uint8Array(Buffer.from(body, 'base64url')));
  },
  /** `arg` is the macaroon location: pypi.org (default) or test.pypi.org. */
  generate(rng, arg) {
    const text = (s: string) => new TextEncoder().encode(s);
    const location = arg || 'pypi.org';
    const identifier = `{"nonce": "${rng.string('0123456789abcdef', 32)}", "version": 1}`;
    const caveat = '{"version": 1, "permissions": "user"}';
    const bytes = [
      2,
      ...field(LOCATION, text(location)),
      ...field(IDENTIFIER, text(identifier)),
      EOS,
      ...field(IDENTIFIER, text(caveat)),
      EOS,
      EOS,
      ...field(SIGNATURE, randomBytes(rng, 32)),
    ];
    return PREFIX + Buffer.from(bytes).toString('base64url');
  },
};
