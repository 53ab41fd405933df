#!/usr/bin/env node
// The `keyward` command. Thin: wire the real process into main() and set the exit code.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isDetectorWorker, serveDetector } from '@keyward/engine';
import { main } from './main.js';
import type { CliIo } from './io.js';

// Large scans start this same file again as detection worker threads.
if (isDetectorWorker()) serveDetector();
else run();

function run(): void {
const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => process.stdin,
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
  now: () => performance.now(),
  workerEntry: new URL(import.meta.url),
  cores: availableParallelism(),
  self: { node: process.execPath, script: fileURLToPath(import.meta.url) },
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`keyward: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
}
