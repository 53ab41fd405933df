import * as core from '@actions/core';
import { escapeLogText } from '@keyward/github/log';
import { AuditTrail, StateKey, errorMessage, jobHasFailed, postStep, systemClock } from '@keyward/provision';
import { readPostSettings } from './inputs.js';
import { cancellationSignal, coreRunner } from './runner.js';
import { revokingBackend } from './wiring.js';

async function post(): Promise<void> {
  if (!core.getState(StateKey.MainStarted)) return; // main never ran: nothing was minted
  const signal = cancellationSignal((name) => core.warning(`${name} received: revoking now`));
  try {
    const settings = readPostSettings();
    const { githubToken, job } = settings;
    await postStep({
      runner: coreRunner,
      clock: systemClock,
      audit: new AuditTrail(settings.auditPath, job, systemClock),
      backendFor: (entry) => revokingBackend(entry, settings),
      keepOnFailureMs: settings.keepOnFailureMs,
      jobFailed: githubToken
        ? () => jobHasFailed({ apiUrl: settings.apiUrl, token: githubToken, ...job })
        : undefined,
      signal,
    });
  } catch (error) {
    core.setFailed(escapeLogText(`keyward post: ${errorMessage(error)}`));
  }
}

await post();
process.exit(process.exitCode ?? 0);
