import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigProblem, KeySegment, LocateKey, SourcePosition } from './problems';

type Located = { readonly node: unknown; readonly at: number | undefined };

function offsetOf(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/** One step down a key path: the pair's key (or the list item) and the node under it. */
function step(node: unknown, segment: KeySegment, document: Document): Located | undefined {
  const here = isAlias(node) ? node.resolve(document) : node;
  if (isMap(here)) {
    const pair = here.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment);
    return pair ? { node: pair.value, at: offsetOf(pair.key) } : undefined;
  }
  if (isSeq(here) && typeof segment === 'number') {
    const item = here.items[segment];
    return item === undefined ? undefined : { node: item, at: offsetOf(item) };
  }
  return undefined;
}

/**
 * Places key paths in a parsed YAML document: the line and column of the
 * path's last key (or list item) that the text has. A key the text lacks is
 * placed at the mapping that should hold it; a missing top-level key, which
 * has no such place, is not placed at all.
 */
export function locateIn(document: Document, lineCounter: LineCounter): LocateKey {
  return (path) => {
    let node: unknown = document.contents as Node | null;
    let at: number | undefined;
    for (const segment of path) {
      const next = step(node, segment, document);
      if (!next) break;
      ({ node, at } = next);
    }
    if (at === undefined) return undefined;
    const { line, col } = lineCounter.linePos(at);
    return { line, column: col } satisfies SourcePosition;
  };
}

/** YAML text read for validation: its plain value and where each key stands, or its first syntax error as a problem. */
export type ReadYaml =
  | { readonly ok: true; readonly value: unknown; readonly locate: LocateKey }
  | { readonly ok: false; readonly problem: ConfigProblem; readonly error: Error };

/**
 * Reads YAML text the way every alertscale file is read: duplicate keys are
 * errors, and `merge` turns on `<<` merge keys (as Alertmanager's reader has them).
 */
export function readYaml(text: string, options: { readonly merge?: boolean } = {}): ReadYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: options.merge ?? false });
  const [error] = document.errors;
  if (error) {
    const at = error.linePos?.[0];
    return { ok: false, error, problem: { path: [], message: error.message, line: at?.line, column: at?.col, text: error.message } };
  }
  return { ok: true, value: document.toJS(), locate: locateIn(document, lineCounter) };
}
