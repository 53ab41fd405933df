import type { Clock, JobContext, ProvisionRunner } from '../../src/index.js';

/** Every runner effect in order, so tests can assert "masked before exported" and scan what was printed. */
export type RunnerEvent =
  | { kind: 'mask'; value: string }
  | { kind: 'env'; name: string; value: string }
  | { kind: 'output'; name: string; value: string }
  | { kind: 'state'; name: string; value: string }
  | { kind: 'log'; level: 'info' | 'warning'; message: string }
  | { kind: 'summary'; markdown: string };

export class RecordingRunner implements ProvisionRunner {
  readonly events: RunnerEvent[] = [];
  readonly state = new Map<string, string>();
  readonly env = new Map<string, string>();
  readonly outputs = new Map<string, string>();
  summary = '';

  constructor(private readonly idToken: (audience?: string) => Promise<string> = async () => {
    throw new Error('no OIDC in this test');
  }) {}

  setSecret(value: string): void {
    this.events.push({ kind: 'mask', value });
  }
  exportVariable(name: string, value: string): void {
    this.env.set(name, value);
    this.events.push({ kind: 'env', name, value });
  }
  setOutput(name: string, value: string): void {
    this.outputs.set(name, value);
    this.events.push({ kind: 'output', name, value });
  }
  saveState(name: string, value: string): void {
    this.state.set(name, value);
    this.events.push({ kind: 'state', name, value });
  }
  getState(name: string): string {
    return this.state.get(name) ?? '';
  }
  async appendSummary(markdown: string): Promise<void> {
    this.summary += markdown;
    this.events.push({ kind: 'summary', markdown });
  }
  warning(message: string): void {
    this.events.push({ kind: 'log', level: 'warning', message });
  }
  info(message: string): void {
    this.events.push({ kind: 'log', level: 'info', message });
  }
  getIDToken(audience?: string): Promise<string> {
    return this.idToken(audience);
  }

  masks(): string[] {
    return this.events.flatMap((e) => (e.kind === 'mask' ? [e.value] : []));
  }
  warnings(): string[] {
    return this.events.flatMap((e) => (e.kind === 'log' && e.level === 'warning' ? [e.message] : []));
  }
  /** A post-step runner sees main's state, as STATE_* variables. */
  forPost(): RecordingRunner {
    const next = new RecordingRunner(this.idToken);
    for (const [k, v] of this.state) next.state.set(k, v);
    return next;
  }
}

export const testJob = (runnerTemp: string): JobContext => ({
  repository: 'acme/widgets',
  runId: '4242',
  runAttempt: '1',
  job: 'test',
  actor: 'octocat',
  runnerTemp,
  runnerName: 'runner-1',
});

/** A clock whose sleeps return at once (recording what was asked), so retry tests never wait. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = new Date('2030-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new Error('aborted');
    this.sleeps.push(ms);
    this.current = new Date(this.current.getTime() + ms);
  }
}
