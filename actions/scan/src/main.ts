// Entry point of the scan action: read the settings, run, and turn a failure into a failed step.
// @actions/core v3 is ESM-only; ncc bundles it cleanly with this package's "type": "module" (as the
// provision action does), so both actions share one version of it.
import * as core from '@actions/core';
import { createGitHubClient, escapeLogText, escapedLogger } from '@keyward/github';
import { systemGit } from './git.js';
import { readSettings } from './inputs.js';
import { run, type ActionIo } from './run.js';
import { engineSources } from './sources.js';

// Every line goes through escapedLogger: paths, commit messages and inputs cannot inject workflow commands.
const io: ActionIo = {
  ...escapedLogger(core),
  setOutput: (name, value) => core.setOutput(name, value),
  writeSummary: async (markdown) => {
    // Locally (no GITHUB_STEP_SUMMARY) there is nowhere to write it; that is not an error.
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  },
};

async function main(): Promise<void> {
  try {
    const settings = readSettings((name) => core.getInput(name), process.env);
    if (settings.fingerprintKey) core.setSecret(settings.fingerprintKey);
    const outcome = await run(settings, { io, sources: engineSources, git: systemGit, createClient: createGitHubClient, now: Date.now });
    if (outcome.failure) core.setFailed(escapeLogText(outcome.failure));
  } catch (error) {
    core.setFailed(escapeLogText(error instanceof Error ? error.message : String(error)));
  }
}

await main();
