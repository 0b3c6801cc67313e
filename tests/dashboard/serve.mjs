// Runs the fixture server in its own process (used by bench.mjs so the server's work is not
// timed together with the browser driver's): reads scenarios as JSON on stdin, prints the
// origin, serves until SIGTERM or until the parent process goes away.
import { startServer } from './server.mjs';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.once('end', async () => {
  const server = await startServer(JSON.parse(input));
  process.stdout.write(`${server.origin}\n`);
  process.on('SIGTERM', async () => { await server.close(); process.exit(0); });
  // The IPC channel closes when the parent exits, even if it crashed: never outlive it.
  process.on('disconnect', () => process.exit(0));
});
