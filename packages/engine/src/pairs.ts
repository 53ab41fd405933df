// Name/value pairs written apart: the name in one field and the value in another, often on the next
// line, so no rule that reads `NAME=value` can see both. Kubernetes and Helm env entries
// (`- name: X` / `value: Y`), Terraform `set { name = "x"  value = "y" }` blocks and ECS task
// definitions (`{"name": "X", "value": "Y"}`). Each pair is handed to the detector as one synthetic
// line `X=<value as written>`, and what is found in it is reported at the value's place in the text.
// Linear: two regex passes with no nested quantifiers, run only on text that holds `value`.

export interface SplitPair {
  /** The synthetic line, `<name>=<value as written>`. */
  text: string;
  /** Where the value starts in `text`. */
  valueStart: number;
  /** Where the value starts in the scanned text (the rest of the value follows it unchanged). */
  offset: number;
}

const NAME = String.raw`([A-Za-z_][\w.-]{0,100})`;
// `name: X` or `name = "X"`, then `value: …` or `value = …` on the same or the next line. The pattern
// starts at the literal `name`, which V8 finds with a fast substring search; that only indentation and
// an optional `- ` stand before it on its line is checked by hand (startsLine), since `^[ \t]*` first
// would make the engine try every line start.
const FIELD_PAIR = new RegExp(
  String.raw`name[ \t]*[:=][ \t]*["']?${NAME}["']?[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?value[ \t]*[:=][ \t]*([^\r\n]+)`,
  'g',
);
// `"name": "X", "value": "…"` (ECS, Azure app settings, Docker API), on one line or two.
const JSON_PAIR = new RegExp(
  String.raw`"name"[ \t]*:[ \t]*"${NAME}"[ \t]*,[ \t]*(?:\r?\n[ \t]*)?"value"[ \t]*:[ \t]*("(?:[^"\\\r\n]|\\.){0,4096}")`,
  'g',
);

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function isLineBreak(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

/** True when only `[ \t]*` and an optional `-[ \t]+` (a YAML list item) stand between a line start and `at`. */
function startsLine(text: string, at: number): boolean {
  let i = at;
  while (i > 0 && isBlank(text.charCodeAt(i - 1))) i--;
  if (i > 0 && text.charCodeAt(i - 1) === 45 && i < at) {
    i--;
    while (i > 0 && isBlank(text.charCodeAt(i - 1))) i--;
  }
  return i === 0 || isLineBreak(text.charCodeAt(i - 1));
}

/** Every split name/value pair in `text`, in order of the value's position. */
export function findSplitPairs(text: string): SplitPair[] {
  if (!text.includes('value')) return [];
  const pairs: SplitPair[] = [];
  const add = (m: RegExpExecArray): void => {
    const name = m[1]!;
    const value = m[2]!;
    const offset = m.index + m[0].length - value.length;
    pairs.push({ text: `${name}=${value}`, valueStart: name.length + 1, offset });
  };
  FIELD_PAIR.lastIndex = 0;
  for (let m = FIELD_PAIR.exec(text); m; m = FIELD_PAIR.exec(text)) {
    if (startsLine(text, m.index)) add(m);
    else FIELD_PAIR.lastIndex = m.index + 1; // not a field name (`hostname: …`): look again just after it
  }
  for (const m of text.matchAll(JSON_PAIR)) add(m);
  return pairs.sort((a, b) => a.offset - b.offset);
}
