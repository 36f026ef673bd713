import * as z from 'zod/mini';
import { authenticateWithToken } from '../ingest/auth';
import type { IngestResponse } from '../ingest/ingest';
import type { Log } from '../shared/log';
import { DrainConflictError, DrainNotFoundError, type DrainConfirm } from './drain-confirm';
import { DRAIN_CALLBACK_PATH } from './drain-webhook';

/** A confirmation's body: the two ids its drain request carried in `confirm.body`. */
const drainConfirmationSchema = z.object({
  drainId: z.string().check(z.minLength(1)),
  instanceId: z.string().check(z.minLength(1)),
});

/** One HTTP request as both local mode and API Gateway hand it over. */
export interface CallbackRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface DrainCallbackDeps {
  /** The operators' API token, which the control plane confirms with. Without one, every confirmation is refused. */
  readonly token: () => Promise<string | undefined>;
  readonly drains: DrainConfirm;
  readonly log: Log;
}

const json = (statusCode: number, body: unknown): IngestResponse => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body, null, 2) });

function parseConfirmation(body: string): z.infer<typeof drainConfirmationSchema> | string {
  let document: unknown;
  try {
    document = JSON.parse(body || '{}');
  } catch {
    return 'body is not JSON; send {"drainId": "...", "instanceId": "..."} from the drain request';
  }
  const parsed = drainConfirmationSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}; send {"drainId": "...", "instanceId": "..."} from the drain request`;
}

/**
 * `POST /api/drain/complete`, behind the API token: one implementation for
 * local mode's HTTP server and the AWS drain-callback function. 200 with the
 * drain's result once its termination goes on; 400 for a body that is not a
 * confirmation; 401 without the token; 404 for an instance no drain waits
 * for; 409 for another instance's drain id or a drain that has ended; 503
 * when the lifecycle action could not be completed now (retry). Answers
 * `undefined` for any other route.
 */
export function createDrainCallbackApi(deps: DrainCallbackDeps) {
  return async function callback(request: CallbackRequest): Promise<IngestResponse | undefined> {
    if (request.path !== DRAIN_CALLBACK_PATH) return undefined;
    if (request.method !== 'POST') return { ...json(405, { error: `${request.method} is not allowed on ${DRAIN_CALLBACK_PATH}; POST the confirmation` }), headers: { 'content-type': 'application/json', allow: 'POST' } };
    try {
      const auth = authenticateWithToken(request.headers.authorization, await deps.token());
      if (!auth.ok) return json(401, { error: auth.reason });
      const confirmation = parseConfirmation(request.body);
      if (typeof confirmation === 'string') return json(400, { error: confirmation });
      return json(200, await deps.drains.confirm(confirmation));
    } catch (error) {
      if (error instanceof DrainNotFoundError) return json(404, { error: error.message });
      if (error instanceof DrainConflictError) return json(409, { error: error.message });
      deps.log.error('drain confirmation failed; the control plane should retry', { error: (error as Error).message });
      return json(503, { error: 'the drain could not be completed now; retry' });
    }
  };
}
