/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The fence's info string (`sh`, `text`, `yaml`, …); empty when none. */
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The block's text, with the fence's own indentation taken off every line. */
  readonly content: string;
  /** The reason of a `<!-- not run by …: REASON -->` comment on the line just above the fence. */
  readonly notRun?: string | undefined;
}

const FENCE = /^(\s*)```(\S*)\s*$/;
const NOT_RUN = /^\s*<!--\s*not run by [^:]+:\s*(.+?)\s*-->\s*$/;

/** The fenced code blocks of a Markdown text, in order (fences with backticks; no nesting). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    if (j === lines.length) throw new Error(`line ${i + 1}: code fence never closed`);
    const notRun = i > 0 ? NOT_RUN.exec(lines[i - 1]!)?.[1] : undefined;
    blocks.push({ lang: open[2]!, line: i + 1, content: body.join('\n'), ...(notRun ? { notRun } : {}) });
    i = j;
  }
  return blocks;
}

/** One command of a `text` block written as a terminal transcript, and the output it shows. */
export interface TranscriptStep {
  readonly command: string;
  readonly output: string;
}

/** A `text` block whose first line starts with `$ ` is a transcript: each `$ ` line a command, the lines up to the next its output. */
export function transcript(block: CodeBlock): TranscriptStep[] | undefined {
  if (block.lang !== 'text' || !block.content.startsWith('$ ')) return undefined;
  const steps: { command: string; output: string[] }[] = [];
  for (const line of block.content.split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), output: [] });
    else steps.at(-1)!.output.push(line);
  }
  return steps.map((step) => ({ command: step.command, output: step.output.join('\n') }));
}
