// One generated file: text appended piece by piece, with the exact span of every planted value recorded
// as it is written, so labels can never drift from the text.

export type LabelKind = 'positive' | 'negative';

export interface Label {
  path: string;
  /** The file's syntax (env, yaml, json, ...), for per-type figures. */
  type: string;
  /** 1-based line; columns are 1-based UTF-16 offsets with an exclusive end, as in keyward's SARIF. */
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  kind: LabelKind;
  /** Positive: the provider of the planted credential ("Generic" for passwords and the like). Negative: "negative". */
  provider: string;
  /** Positive: the rule expected to find it ("generic" when any generic rule will do). Negative: "negative". */
  ruleId: string;
  /** How it was planted (plain, base64, percent, unicode-escape, ...) or which kind of look-alike it is. */
  category: string;
  /** Redacted: enough to recognise, never the value. */
  preview: string;
}

export type LabelInfo = Pick<Label, 'kind' | 'provider' | 'ruleId' | 'category'>;

export function redactPreview(value: string): string {
  const flat = value.replace(/\s+/g, ' ');
  if (flat.length < 12) return `${'*'.repeat(Math.min(flat.length, 6))} (${flat.length})`;
  return `${flat.slice(0, 4)}…(${flat.length} chars)`;
}

export class CorpusFile {
  private text = '';
  private readonly spans: Array<{ start: number; end: number; info: LabelInfo; preview: string }> = [];

  constructor(
    readonly path: string,
    readonly type: string,
  ) {}

  put(text: string): this {
    this.text += text;
    return this;
  }

  /** Append `text` and label its span. `preview` defaults to a redaction of `text`. */
  mark(text: string, info: LabelInfo, preview?: string): this {
    const start = this.text.length;
    this.text += text;
    this.spans.push({ start, end: this.text.length, info, preview: preview ?? redactPreview(text) });
    return this;
  }

  get length(): number {
    return this.text.length;
  }

  get content(): string {
    return this.text;
  }

  labels(): Label[] {
    const lineStarts = [0];
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    const locate = (offset: number): [number, number] => {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return [lo + 1, offset - lineStarts[lo]! + 1];
    };
    return this.spans.map((s) => {
      const [startLine, startColumn] = locate(s.start);
      const [endLine, lastColumn] = locate(Math.max(s.start, s.end - 1));
      return {
        path: this.path,
        type: this.type,
        startLine,
        startColumn,
        endLine,
        endColumn: lastColumn + 1,
        ...s.info,
        preview: s.preview,
      };
    });
  }
}
