// `--output` through the real bundle: a regular file is replaced atomically, but a device, a FIFO or a
// symlink is written through and stays what it was (`-o /dev/null`, `-o /dev/stdout`, a named pipe).
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom, validators } from '../../packages/engine/src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'packages/cli/dist/index.js');
const secret = validators.get('github-crc32')!.generate(new SeededRandom('output-file'), 'ghp_');

const scratch = mkdtempSync(path.join(tmpdir(), 'keyward-output-'));
const project = path.join(scratch, 'project');
mkdirSync(project);
writeFileSync(path.join(project, 'app.env'), `GITHUB_TOKEN=${secret}\n`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const scanArgs = (out: string) => [cli, 'scan', project, '-f', 'json', '-o', out, '--exit-zero', '--no-progress'];
const isRoot = process.getuid?.() === 0;

describe('keyward scan --output', () => {
  it('a regular file is replaced whole, and no temp file is left beside it', () => {
    const out = path.join(scratch, 'report.json');
    writeFileSync(out, 'old report');
    const r = spawnSync(process.execPath, scanArgs(out), { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).findings).toHaveLength(1);
    expect(readdirSync(scratch).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  // As root a rename would replace the node itself: so use a null device of our own, never the machine's.
  it('a character device stays a character device', () => {
    let device = '/dev/null';
    if (isRoot) {
      device = path.join(scratch, 'null');
      const made = spawnSync('mknod', [device, 'c', '1', '3']);
      if (made.status !== 0) device = '/dev/null'; // no mknod here (a container without the capability): not as root, then
    }
    if (isRoot && device === '/dev/null') return; // cannot test safely without replacing the real one
    const r = spawnSync(process.execPath, scanArgs(device), { encoding: 'utf8' });
    expect(r.stderr).not.toContain('cannot write');
    expect(r.status).toBe(0);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
    expect(readdirSync(path.dirname(device)).filter((n) => n.startsWith(`${path.basename(device)}.`))).toEqual([]);
  });

  it('-o /dev/stdout reaches stdout (a pipe), and the link is left alone', () => {
    const r = spawnSync(process.execPath, scanArgs('/dev/stdout'), { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ ruleId: 'github-pat', redacted: 'ghp_*****' });
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('a symlink is written through to what it points at and stays a symlink', () => {
    const target = path.join(scratch, 'target.json');
    const link = path.join(scratch, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    const r = spawnSync(process.execPath, scanArgs(link), { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).findings).toHaveLength(1);
  });

  it('a FIFO receives the report and stays a FIFO', async () => {
    const fifo = path.join(scratch, 'report.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    const chunks: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => chunks.push(c));
    const readerDone = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    const writer = spawn(process.execPath, scanArgs(fifo));
    const status = await new Promise<number | null>((resolve) => writer.on('close', resolve));
    const stillFifo = lstatSync(fifo).isFIFO();
    if (!stillFifo) reader.kill(); // the old code renamed a file over the FIFO: cat would wait forever
    await readerDone;
    expect(status).toBe(0);
    expect(stillFifo).toBe(true);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8')).findings).toHaveLength(1);
  });
});
