// Detection on every core: worker threads that each hold a Detector built from the same rules and
// options. The caller names the script a worker runs (the CLI's own bundle, which serves detection
// when started as a worker), so this works inside single-file bundles too.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Detector, type Detection, type DetectionCounts, type DetectorOptions } from './detector.js';
import type { EncodedFragment, Fragment, Rule } from './types.js';

export interface DetectorSpec {
  rules: Rule[];
  options: DetectorOptions;
}

const WORKER_TAG = 'keyward-detector';

/** Fragments travel in batches: one message each way per batch, not per file. */
interface Request {
  id: number;
  fragments: Array<Fragment | EncodedFragment>;
}
interface Reply {
  id: number;
  /** One detection per fragment, in the order sent. */
  detections?: Detection[];
  counts?: DetectionCounts;
  error?: string;
}

/** True when this thread was started by a DetectorPool and should serve detection. */
export function isDetectorWorker(): boolean {
  return parentPort !== null && (workerData as { tag?: string } | null)?.tag === WORKER_TAG;
}

/** The worker side: build the detector once, then answer fragment after fragment. */
export function serveDetector(): void {
  const port = parentPort;
  if (!port) throw new Error('serveDetector runs only inside a worker thread');
  const spec = (workerData as { spec: DetectorSpec }).spec;
  const detector = new Detector(spec.rules, spec.options);
  port.on('message', (request: Request) => {
    const before = { ...detector.counts };
    try {
      const detections = request.fragments.map((fragment) => detector.detectWithCaps(fragment));
      const counts = {
        allowlist: detector.counts.allowlist - before.allowlist,
        inline: detector.counts.inline - before.inline,
        filtered: detector.counts.filtered - before.filtered,
      };
      port.postMessage({ id: request.id, detections, counts } satisfies Reply);
    } catch (error) {
      port.postMessage({ id: request.id, error: (error as Error).stack ?? String(error) } satisfies Reply);
    }
  });
}

interface Pending {
  resolve: (detections: Detection[]) => void;
  reject: (error: Error) => void;
  worker: number;
  bytes: number;
}

export class DetectorPool {
  readonly counts: DetectionCounts = { allowlist: 0, inline: 0, filtered: 0 };
  private readonly workers: Worker[];
  /** Characters sent to each worker and not yet answered. */
  private readonly load: number[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(spec: DetectorSpec, entry: URL | string, size: number) {
    this.workers = [];
    this.load = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(entry, { workerData: { tag: WORKER_TAG, spec } });
      worker.on('message', (reply: Reply) => this.settle(reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a detection worker exited with code ${code}`));
      });
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Findings (and capped rules) for each fragment, in order; the batch goes to the worker with the least text waiting. */
  detect(fragments: Array<Fragment | EncodedFragment>): Promise<Detection[]> {
    if (this.failure) return Promise.reject(this.failure);
    let chosen = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[chosen]!) chosen = i;
    const id = this.nextId++;
    const bytes = fragments.reduce((sum, f) => sum + ('bytes' in f ? f.bytes.length : f.text.length), 0);
    this.load[chosen]! += bytes;
    return new Promise<Detection[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: chosen, bytes });
      // Bytes that own their whole buffer move to the worker instead of being copied (each buffer once).
      const transfer = new Set<ArrayBuffer>();
      for (const f of fragments) {
        if ('bytes' in f && f.bytes.buffer instanceof ArrayBuffer && f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength) {
          transfer.add(f.bytes.buffer);
        }
      }
      this.workers[chosen]!.postMessage({ id, fragments } satisfies Request, [...transfer]);
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    this.load[waiting.worker]! -= waiting.bytes;
    if (reply.error !== undefined) {
      waiting.reject(new Error(reply.error));
      return;
    }
    if (reply.counts) {
      this.counts.allowlist += reply.counts.allowlist;
      this.counts.inline += reply.counts.inline;
      this.counts.filtered += reply.counts.filtered;
    }
    waiting.resolve(reply.detections ?? []);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
