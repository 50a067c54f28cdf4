import { runHeadless, EXIT } from './headless-runner.js';
import { parseHeadlessArgs, UsageError, USAGE } from './headless-options.js';
import { errorMessage } from '../util/errors.js';

/** Entry point of `npm run headless`. Every failure ends in one clear line on stderr and an exit status. */
async function main(): Promise<number> {
  let options;
  try {
    options = parseHeadlessArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hearth: ${error.message} (see --help)\n`);
      return EXIT.usage;
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.done;
  }
  const stopSignal = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  return runHeadless(options, {
    env: process.env,
    printError: (line) => process.stderr.write(`hearth: ${line}\n`),
    stopSignal,
  });
}

process.on('unhandledRejection', (reason) => {
  // Never crash on a stray rejection: report it once and carry on.
  process.stderr.write(`hearth: internal error (unhandled rejection): ${String(reason)}\n`);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`hearth: internal error: ${errorMessage(error)}\n`);
    process.exit(EXIT.failed);
  },
);
