import { z } from 'zod';
import type { LocalServerOptions } from './http-server';
import type { LocalPipeline } from './pipeline';

/** A control request whose body is not what the route takes; answered 400 with the reason. */
export class BadControlRequestError extends Error {
  override readonly name = 'BadControlRequestError';
}

function parseBody<T>(schema: z.ZodType<T>, body: string): T {
  let document: unknown;
  try {
    document = JSON.parse(body || '{}');
  } catch {
    throw new BadControlRequestError('body is not JSON');
  }
  const result = schema.safeParse(document);
  if (!result.success) throw new BadControlRequestError(`${result.error.issues[0]?.path.join('.') || 'body'}: ${result.error.issues[0]?.message}`);
  return result.data;
}

/**
 * Local mode's routes beyond the webhook and decisions: node groups, the kill
 * switch, capacity refusal (to watch fallback locally) and the dead-letter list.
 */
export function controlRoutes(pipeline: LocalPipeline): NonNullable<LocalServerOptions['routes']> {
  const { pause, nodeGroups } = pipeline.scaling;
  return {
    'GET /api/node-groups': () => pipeline.nodeGroups(),
    'GET /api/pause': async () => ({ paused: await pause.isPaused() }),
    'PUT /api/pause': async ({ body }) => {
      const { paused } = parseBody(z.object({ paused: z.boolean() }), body);
      pause.set(paused);
      return { paused };
    },
    'PUT /api/capacity': ({ body }) => {
      const { nodeGroup, refuse } = parseBody(z.object({ nodeGroup: z.string(), refuse: z.boolean() }), body);
      if (!pipeline.config.node_groups.some((g) => g.name === nodeGroup)) throw new BadControlRequestError(`no node group named "${nodeGroup}"`);
      nodeGroups.setRefuseCapacity(nodeGroup, refuse);
      return { nodeGroup, refuse };
    },
    'GET /api/dlq': () => pipeline.deadLetters(),
  };
}
