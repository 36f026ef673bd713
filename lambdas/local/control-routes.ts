import { z } from 'zod';
import type { LocalServerOptions } from './http-server';
import { EVENTS_KEPT } from './event-log';
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

const redriveSchema = z.strictObject({
  queue: z.string().optional(),
  messageIds: z.array(z.string()).max(10_000).optional(),
});

/** A queue's consumer as `GET /api/consumers` shows it: like a Lambda event source mapping, on or off. */
const consumerView = (queue: LocalPipeline['queues'][number]) => ({ queue: queue.name, enabled: queue.enabled, depth: queue.depth });

/**
 * Local mode's routes beyond the webhook and decisions: node groups, the kill
 * switch, capacity refusal (to watch fallback locally), the consumers of the
 * queues (on and off, as a Lambda's event source mapping), the dead-letter
 * list and its redrive.
 *
 * `POST /api/dlq/redrive` is the operator's replay, like SQS's DLQ redrive:
 * it moves parked messages back to their queue with a fresh receive count —
 * all of them, those of one `queue`, or the given `messageIds` — and answers
 * how many moved. A queue's consumer retries a message five times over a few
 * seconds (200 ms doubling) and then parks it, as SQS does after
 * `maxReceiveCount`; an outage longer than that (the embedded store stopped,
 * a channel down) parks work rather than losing it, and this route replays it
 * once the cause is fixed. Redriving is safe to repeat: the consumers are
 * idempotent per message.
 */
export function controlRoutes(pipeline: LocalPipeline): NonNullable<LocalServerOptions['routes']> {
  const { pause, nodeGroups } = pipeline.scaling;
  return {
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
    'GET /api/events': ({ url }) => {
      const limit = Number(url.searchParams.get('limit') ?? 100);
      if (!Number.isInteger(limit) || limit < 1 || limit > EVENTS_KEPT) throw new BadControlRequestError(`limit must be an integer from 1 to ${EVENTS_KEPT}`);
      return pipeline.events.newest(limit, url.searchParams.get('detail_type') ?? undefined);
    },
    'GET /api/consumers': () => pipeline.queues.map(consumerView),
    'PUT /api/consumers': ({ body }) => {
      const { queue, enabled } = parseBody(z.object({ queue: z.string(), enabled: z.boolean() }), body);
      const found = pipeline.queues.find((q) => q.name === queue);
      if (!found) throw new BadControlRequestError(`no queue named "${queue}"; queues: ${pipeline.queues.map((q) => q.name).join(', ')}`);
      found.setEnabled(enabled);
      return consumerView(found);
    },
    'POST /api/dlq/redrive': ({ body }) => {
      const filter = parseBody(redriveSchema, body);
      if (filter.queue !== undefined && !pipeline.queues.some((q) => q.name === filter.queue)) {
        throw new BadControlRequestError(`no queue named "${filter.queue}"; queues: ${pipeline.queues.map((q) => q.name).join(', ')}`);
      }
      return pipeline.redrive(filter);
    },
  };
}
