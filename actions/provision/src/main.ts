import * as core from '@actions/core';
import { escapeLogText } from '@keyward/github/log';
import { AuditTrail, errorMessage, oidcTokenSource, provision, systemClock } from '@keyward/provision';
import { readMainSettings, requestedRoles } from './inputs.js';
import { cancellationSignal, coreRunner } from './runner.js';
import { maskSecretInputs, mintingBackend } from './wiring.js';

async function main(): Promise<void> {
  const signal = cancellationSignal((name) => core.warning(`${name} received: revoking what was minted`));
  try {
    const settings = readMainSettings();
    maskSecretInputs(settings, coreRunner);
    if (settings.vault?.tls?.skipVerify) {
      core.warning('vault-tls-skip-verify is true: Vault\'s TLS certificate is not checked, so anyone on the path could read the secrets; use vault-ca-certificate instead');
    }
    const idToken = oidcTokenSource(coreRunner, settings.oidcAudience);
    await provision(
      {
        backend: settings.backend,
        roles: requestedRoles(settings),
        exportModes: settings.exportModes,
        rename: settings.rename,
      },
      {
        runner: coreRunner,
        job: settings.job,
        clock: systemClock,
        audit: new AuditTrail(settings.auditPath, settings.job, systemClock),
        backend: mintingBackend(settings, idToken),
        policy: settings.policy,
        idToken,
        signal,
      },
    );
  } catch (error) {
    core.setFailed(escapeLogText(errorMessage(error)));
  }
}

await main();
// Nothing may keep the process alive (idle sockets, the cancellation timer): main's work is done.
process.exit(process.exitCode ?? 0);
