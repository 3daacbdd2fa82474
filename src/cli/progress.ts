/**
 * A one-line progress bar for long CLI runs, on stderr, only when stderr is a
 * terminal (never in pipes, logs or CI output, where carriage returns are noise):
 *
 *   indexing  [███████████▌            ]  48%  48,112/100,000  812 docs/s  1m 03s left
 *
 * It stays hidden for the first `delayMs` (short runs print nothing), redraws at
 * most every `intervalMs`, and erases itself when done so the command's own
 * output is not interleaved with it. Messages printed through `log` go above it.
 * Dependency-free: a terminal bar needs a carriage return and a width, nothing more.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Unit shown in the rate, e.g. 'docs'. */
  unit?: string;
  /** Show nothing before this much time has passed (default 500 ms). */
  delayMs?: number;
  /** Redraw at most this often (default 100 ms). */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Force drawing even when the stream is not a terminal (tests). */
  force?: boolean;
}

export interface Progress {
  /** Sets how many items are done (and optionally a new total). */
  update(done: number, total?: number): void;
  /** Prints a line above the bar. */
  log(line: string): void;
  /** Erases the bar. */
  done(): void;
}

const NO_PROGRESS: Progress = { update() {}, log() {}, done() {} };

export function createProgress(stream: ProgressStream, options: ProgressOptions): Progress {
  if (!stream.isTTY && !options.force) {
    return { ...NO_PROGRESS, log: (line) => void stream.write(line.endsWith('\n') ? line : line + '\n') };
  }
  const now = options.now ?? (() => Date.now());
  const started = now();
  const delay = options.delayMs ?? 500;
  const interval = options.intervalMs ?? 100;
  let total = options.total;
  let done = 0;
  let shown = false;
  let lastDraw = -Infinity;

  const draw = (): void => {
    const t = now();
    if (t - started < delay || t - lastDraw < interval) return;
    lastDraw = t;
    shown = true;
    stream.write('\r\x1b[K' + renderProgressLine(options.label, done, total, (t - started) / 1000, stream.columns ?? 80, options.unit ?? 'items'));
  };
  const erase = (): void => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  return {
    update(d, t) {
      done = d;
      if (t !== undefined) total = t;
      draw();
    },
    log(line) {
      erase();
      stream.write(line.endsWith('\n') ? line : line + '\n');
      lastDraw = -Infinity;
      draw();
    },
    done: erase,
  };
}

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The bar's text for a terminal `columns` wide (pure, for tests). */
export function renderProgressLine(label: string, done: number, total: number, elapsedSeconds: number, columns: number, unit: string): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const left = rate > 0 ? (total - done) / rate : Infinity;
  const tail = `${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatCount(done)}/${formatCount(total)}` +
    (rate > 0 ? `  ${formatCount(rate)} ${unit}/s  ${formatDuration(left)} left` : '');
  const width = Math.max(0, Math.min(40, columns - label.length - tail.length - 7));
  if (width < 5) return `${label}  ${tail}`.slice(0, Math.max(0, columns - 1));
  const eighths = Math.round(fraction * width * 8);
  const bar = '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8];
  return `${label}  [${bar.padEnd(width)}]  ${tail}`;
}
