/**
 * A job appending to a shared audit trail, as its own process: `vite-node audit-appender.ts PATH N JOB`.
 * Prints "ready" once loaded, waits for a line on stdin (so all processes start appending together), appends
 * N records, prints "done".
 */
import { AuditTrail } from '../../src/audit.js';
import { systemClock } from '../../src/runner.js';

const [path, count, job] = process.argv.slice(2) as [string, string, string];
const trail = new AuditTrail(path, { repository: 'acme/widgets', runId: job, runAttempt: '1', job, actor: 'octocat', runnerTemp: '', runnerName: '' }, systemClock);
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  for (let i = 0; i < Number(count); i++) {
    trail.append({ operation: 'mint', backend: 'postgres', credentialId: `ci_${job}_1_role${i}`, result: 'ok' });
  }
  process.stdout.write('done\n');
  process.exit(0);
});
