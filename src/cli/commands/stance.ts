/**
 * `claimlens stance --tsv`: directed sentiment between two entities, one
 * sentence per line on stdin (the primitive the speaker stances build on).
 */
import { createInterface } from 'node:readline';
import { classifyDirected, EntityNotFoundError } from '../../core/stance/directed';
import { type CliCommand, type CliIO, UsageError, parseCommandArgs } from '../io';

const usage = `Usage: claimlens stance --tsv [--confidence] < lines

Reads lines 'sentence<TAB>p<TAB>q' on stdin and prints, for each, one JSON
line saying who holds a positive or negative opinion of whom in that sentence:
  {"from": "p" | "q" | null, "polarity": "positive" | "negative" | "neutral"}
The two entities may be marked with [brackets] in the sentence; otherwise they
are looked up in it (case-insensitive, whole words; a multi-word name may be
found by its last word). If the sentence itself contains tabs, the last two
fields are p and q.

Options:
  --tsv          the input format (required; the only one for now)
  --confidence   add "confidence" (0–1) to each output line

A line that cannot be read (fewer than three fields, an empty field, or an
entity that is not in the sentence) is answered with 'null' so that output
line N still belongs to input line N; its line number and the reason go to
stderr, and the exit status is then 1.

Exit status: 0, 1 when some line could not be read, 2 wrong usage.
`;

const command: CliCommand = {
  name: 'stance',
  summary: 'directed sentiment between two entities in a sentence (reads sentence<TAB>p<TAB>q lines)',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs({ args, allowPositionals: false, options: { tsv: { type: 'boolean' }, confidence: { type: 'boolean' } } });
    if (!values.tsv) throw new UsageError('say which input format: --tsv (lines sentence<TAB>p<TAB>q on stdin)');

    let lineNumber = 0;
    let failures = 0;
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    for await (const raw of lines) {
      lineNumber++;
      const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      const problem = (why: string) => {
        failures++;
        io.stderr.write(`claimlens: stdin:${lineNumber}: ${why}\n`);
        io.stdout.write('null\n');
      };
      const fields = line.split('\t');
      if (fields.length < 3) {
        problem(`expected sentence<TAB>p<TAB>q, found ${fields.length === 1 ? 'no tab' : 'one tab'}`);
        continue;
      }
      const q = fields[fields.length - 1].trim();
      const p = fields[fields.length - 2].trim();
      const sentence = fields.slice(0, -2).join('\t');
      if (!sentence.trim() || !p || !q) {
        problem(`empty ${!sentence.trim() ? 'sentence' : !p ? 'p' : 'q'} field`);
        continue;
      }
      try {
        const result = classifyDirected(sentence, p, q);
        const out: Record<string, unknown> = { from: result.from, polarity: result.polarity };
        if (values.confidence) out.confidence = Math.round(result.confidence * 1000) / 1000;
        io.stdout.write(JSON.stringify(out) + '\n');
      } catch (e) {
        if (!(e instanceof EntityNotFoundError)) throw e;
        problem(e.message);
      }
    }
    if (failures) io.stderr.write(`claimlens: ${failures} of ${lineNumber} line${lineNumber === 1 ? '' : 's'} could not be read\n`);
    return failures ? 1 : 0;
  },
};

export default command;
