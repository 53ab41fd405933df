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
// `- name: X` or `name = "X"`, then `value: …` or `value = …` on the same or the next line.
const FIELD_PAIR = new RegExp(
  String.raw`^[ \t]*(?:-[ \t]+)?name[ \t]*[:=][ \t]*["']?${NAME}["']?[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?value[ \t]*[:=][ \t]*([^\r\n]+)`,
  'gm',
);
// `"name": "X", "value": "…"` (ECS, Azure app settings, Docker API), on one line or two.
const JSON_PAIR = new RegExp(
  String.raw`"name"[ \t]*:[ \t]*"${NAME}"[ \t]*,[ \t]*(?:\r?\n[ \t]*)?"value"[ \t]*:[ \t]*("(?:[^"\\\r\n]|\\.){0,4096}")`,
  'g',
);

/** Every split name/value pair in `text`, in order of the value's position. */
export function findSplitPairs(text: string): SplitPair[] {
  if (!/value/i.test(text)) return [];
  const pairs: SplitPair[] = [];
  for (const re of [FIELD_PAIR, JSON_PAIR]) {
    for (const m of text.matchAll(re)) {
      const name = m[1]!;
      const value = m[2]!;
      const offset = m.index! + m[0].length - value.length;
      pairs.push({ text: `${name}=${value}`, valueStart: name.length + 1, offset });
    }
  }
  return pairs.sort((a, b) => a.offset - b.offset);
}
