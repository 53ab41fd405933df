// Runs the keyward CLI bundle in this process and prints its peak RSS to stderr on exit, so the
// benchmark measures the real command, not a re-implementation of it.
const [cli, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], cli, ...args];
process.on('exit', () => {
  process.stderr.write(`\nKEYWARD_BENCH ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
await import(cli);
