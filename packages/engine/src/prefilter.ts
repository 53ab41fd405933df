// The keyword prefilter: one case-insensitive pass over a fragment with an Aho-Corasick automaton
// compiled to a dense table, reporting where each keyword ends. Rules whose keywords do not occur never
// run their regex. Written here rather than taken from a package because it is the scanner's hot loop and
// needs exactly this shape (ASCII case folding in the table, a flat Int32Array table, hit positions, no allocations
// per character); no maintained npm package offers that.

const ALPHABET = 128; // keywords are ASCII; every other code unit maps to 0, which no keyword contains
const SHIFT = 7; // log2(ALPHABET)

function fold(code: number): number {
  if (code >= ALPHABET) return 0;
  return code >= 65 && code <= 90 ? code + 32 : code;
}

export interface KeywordHit {
  /** Index into the keyword list given to the constructor. */
  keyword: number;
  /** Offset just past the keyword's last character. */
  end: number;
}

export class KeywordPrefilter {
  /** Transitions, indexed by state * ALPHABET + symbol: the next state times ALPHABET, plus 1 if accepting. */
  private readonly delta: Int32Array;
  /** For each state, the keywords that end there (own and inherited through failure links). */
  private readonly outputs: Array<number[] | undefined>;

  constructor(readonly keywords: readonly string[]) {
    const goto: Array<Map<number, number>> = [new Map()];
    const own: number[][] = [[]];
    keywords.forEach((keyword, index) => {
      if (keyword.length === 0) throw new Error('a keyword cannot be empty');
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const c = keyword.charCodeAt(i);
        if (c >= ALPHABET) throw new Error(`keyword "${keyword}" is not ASCII`);
        const symbol = fold(c);
        let next = goto[state]!.get(symbol);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          own.push([]);
          goto[state]!.set(symbol, next);
        }
        state = next;
      }
      own[state]!.push(index);
    });
    const states = goto.length;
    const delta = new Int32Array(states * ALPHABET);
    const fail = new Int32Array(states);
    const outputs: Array<number[] | undefined> = new Array(states);
    // Breadth-first: each state's transitions are its goto edges, else its failure state's transitions.
    const queue: number[] = [];
    for (let symbol = 0; symbol < ALPHABET; symbol++) {
      const next = goto[0]!.get(symbol);
      delta[symbol] = next ?? 0;
      if (next !== undefined) {
        fail[next] = 0;
        queue.push(next);
      }
    }
    outputs[0] = undefined;
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const inherited = outputs[fail[state]!];
      const mine = own[state]!;
      outputs[state] = mine.length || inherited ? [...mine, ...(inherited ?? [])] : undefined;
      for (let symbol = 0; symbol < ALPHABET; symbol++) {
        const next = goto[state]!.get(symbol);
        if (next === undefined) {
          delta[state * ALPHABET + symbol] = delta[fail[state]! * ALPHABET + symbol]!;
        } else {
          delta[state * ALPHABET + symbol] = next;
          fail[next] = delta[fail[state]! * ALPHABET + symbol]!;
          queue.push(next);
        }
      }
    }
    // Store each target as state * ALPHABET, with bit 0 set when the target state has outputs: offsets
    // are multiples of 128, so the flag costs the scan loop no extra load. Upper-case letters get their
    // lower-case transitions, so case folding costs the loop nothing either.
    const table = new Int32Array(states * ALPHABET);
    for (let i = 0; i < delta.length; i++) {
      const target = delta[i - (i % ALPHABET) + fold(i % ALPHABET)]!;
      table[i] = target * ALPHABET + (outputs[target] ? 1 : 0);
    }
    this.delta = table;
    this.outputs = outputs;
  }

  /** Every keyword occurrence in `text`, in order of end position. */
  scan(text: string): KeywordHit[] {
    const hits: KeywordHit[] = [];
    this.forEachHit(text, (keyword, end) => hits.push({ keyword, end }));
    return hits;
  }

  /** As scan, handing each occurrence to `visit` as it is found, so a huge text costs no list of hits. */
  forEachHit(text: string, visit: (keyword: number, end: number) => void): void {
    const { delta, outputs } = this;
    let entry = 0; // current state * ALPHABET, bit 0 set when it has outputs
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      entry = delta[(entry & ~1) + (c < ALPHABET ? c : 0)]!;
      if ((entry & 1) === 1) {
        for (const keyword of outputs[entry >> SHIFT]!) visit(keyword, i + 1);
      }
    }
  }
}
