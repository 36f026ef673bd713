import { describe, expect, it } from 'vitest';
import { codeBlocks, transcript } from '../support/markdown-blocks';

const markdown = [
  '# Title',
  '',
  '```sh',
  'echo one',
  '```',
  '',
  '<!-- not run by the readme test: needs an AWS account -->',
  '```sh',
  'aws s3 ls',
  '```',
  '1. In a list:',
  '   ```sh',
  '   echo indented',
  '     echo deeper',
  '   ```',
  '```text',
  '$ echo a',
  'a',
  '$ printf "b\\nc\\n"',
  'b',
  'c',
  '```',
].join('\n');

describe('codeBlocks: the README test reads blocks as a reader would', () => {
  it('finds every fenced block with its language and line', () => {
    expect(codeBlocks(markdown).map((b) => [b.lang, b.line])).toEqual([
      ['sh', 3],
      ['sh', 8],
      ['sh', 12],
      ['text', 16],
    ]);
  });

  it('takes a "not run" reason only from the line just above the fence', () => {
    expect(codeBlocks(markdown).map((b) => b.notRun)).toEqual([undefined, 'needs an AWS account', undefined, undefined]);
  });

  it("strips the fence's own indentation, keeping deeper indentation", () => {
    expect(codeBlocks(markdown)[2]!.content).toBe('echo indented\n  echo deeper');
  });

  it('refuses a fence that never closes, with its line', () => {
    expect(() => codeBlocks('text\n```sh\necho')).toThrow('line 2: code fence never closed');
  });

  it('reads a text block that starts with "$ " as commands and their output', () => {
    const blocks = codeBlocks(markdown);
    expect(transcript(blocks[3]!)).toEqual([
      { command: 'echo a', output: 'a' },
      { command: 'printf "b\\nc\\n"', output: 'b\nc' },
    ]);
    expect(transcript(blocks[0]!)).toBeUndefined();
  });
});
