import { format } from 'node:util';
import { recordLogLine } from './log-sink';

// Everything a test worker prints (Powertools' JSON logs, local mode's console logs, warnings)
// also goes to the run's log directory, for the secret scan in the global teardown.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    recordLogLine(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

// vitest intercepts console.* before it reaches the streams above: record those calls too.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    recordLogLine(format(...args));
    original(...args);
  };
}
