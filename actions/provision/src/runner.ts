import * as core from '@actions/core';
import { escapedLogger } from '@keyward/github/log';
import type { ProvisionRunner } from '@keyward/provision';

// Role names, claims and inputs reach the log: every line goes through the escaping logger.
const log = escapedLogger(core);

/** The one place `@actions/core` meets the provision library. */
export const coreRunner: ProvisionRunner = {
  setSecret: (value) => core.setSecret(value),
  exportVariable: (name, value) => core.exportVariable(name, value),
  setOutput: (name, value) => core.setOutput(name, value),
  saveState: (name, value) => core.saveState(name, value),
  getState: (name) => core.getState(name),
  appendSummary: async (markdown) => {
    if (!process.env.GITHUB_STEP_SUMMARY) return; // e.g. run outside Actions
    await core.summary.addRaw(markdown).write();
  },
  warning: (message) => log.warning(message),
  info: (message) => log.info(message),
  getIDToken: (audience) => core.getIDToken(audience),
};

/** Aborts on SIGINT/SIGTERM (the runner's cancellation) and makes sure the process then ends in bounded time. */
export function cancellationSignal(onCancel: (signal: string) => void): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.once(name, () => {
      onCancel(name);
      controller.abort(new Error(`${name} received`));
      // The runner kills us ~10 s after SIGINT anyway; exit on our own terms before that.
      setTimeout(() => process.exit(1), 8_000).unref();
    });
  }
  return controller.signal;
}
