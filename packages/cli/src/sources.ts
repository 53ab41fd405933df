// Turns the chosen source into the engine's stream of fragments and skip reports.
import { scanDirectory, decodeText, type SourceEvent } from '@keyward/engine';
import type { CliIo } from './io.js';
import { UsageError } from './io.js';
import { existsSync } from 'node:fs';

export type SourceSettings =
  | { kind: 'directory'; root: string }
  | { kind: 'stdin' }
  | { kind: 'history'; root: string; logOpts?: string; since?: string }
  | { kind: 'diff'; root: string; base: string; head: string }
  | { kind: 'staged'; root: string };

export interface SourceContext {
  io: CliIo;
  maxFileSize: number;
  respectGitignore: boolean;
  skipPath: (path: string) => boolean;
}

async function* readStdin(io: CliIo): AsyncGenerator<SourceEvent> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin()) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const buffer = Buffer.concat(chunks);
  yield { kind: 'fragment', fragment: { text: decodeText(buffer), path: '(stdin)' }, bytes: buffer.length };
}

export async function sourceFor(source: SourceSettings, context: SourceContext): Promise<AsyncIterable<SourceEvent>> {
  switch (source.kind) {
    case 'stdin':
      return readStdin(context.io);
    case 'directory':
      if (!existsSync(source.root)) throw new UsageError(`no such file or directory: ${source.root}`);
      return scanDirectory(source.root, {
        maxFileSize: context.maxFileSize,
        respectGitignore: context.respectGitignore,
        skipPath: context.skipPath,
      });
    default:
      throw new UsageError(`--${source.kind} is not available yet`);
  }
}
