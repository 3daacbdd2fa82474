/**
 * `claimlens` — the command-line face of the ClaimLens core.
 * Exit codes: 0 success, 1 findings or failure, 2 wrong usage.
 */
import { commands } from './commands/index';
import { CliError, type CliIO, UsageError } from './io';
import packageJson from '../../package.json';

const VERSION: string = packageJson.version;

function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'claimlens — find who says what in news text, and check the annotations people keep beside it.',
    '',
    'Usage: claimlens <command> [options] [arguments]',
    '',
    'Commands:',
    ...(lines.length ? lines : ['  (none yet)']),
    '',
    'Options:',
    '  -h, --help     show help (also: claimlens <command> --help)',
    '  -V, --version  print the version',
    '',
    'Exit codes: 0 success, 1 findings or failure, 2 wrong usage.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      if (first === 'help' && rest[0]) return runCli([rest[0], '--help'], io);
      io.stdout.write(generalHelp());
      return first === undefined ? 2 : 0;
    }
    if (first === '-V' || first === '--version') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const entry = commands.find((c) => c.name === first);
    if (!entry) throw new UsageError(`unknown command '${first}'`);
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, first, io);
  }
}

function reportError(error: unknown, commandName: string | undefined, io: CliIO): number {
  if (error instanceof UsageError) {
    const hint = commandName && commands.some((c) => c.name === commandName)
      ? `claimlens ${commandName} --help`
      : 'claimlens --help';
    io.stderr.write(`claimlens: ${error.message} (see '${hint}')\n`);
    return 2;
  }
  if (error instanceof CliError) {
    io.stderr.write(`claimlens: ${error.message}\n`);
    return error.exitCode;
  }
  // Anything else is a bug in ClaimLens: still one line, with the stack only on request.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`claimlens: internal error: ${message} (set CLAIMLENS_DEBUG=1 for details)\n`);
  if (io.env.CLAIMLENS_DEBUG && error instanceof Error && error.stack) io.stderr.write(error.stack + '\n');
  return 1;
}

if (require.main === module) {
  // Output piped into `head` closes early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
