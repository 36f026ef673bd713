import { authenticateWithToken } from '../ingest/auth';
import type { IngestResponse } from '../ingest/ingest';
import type { DecisionRecord } from '../shared/decisions';
import { decisionView } from '../shared/decision-view';
import type { Log } from '../shared/log';

/**
 * The most decisions one `GET /api/decisions` returns. A record is about 1 KB
 * as the read API prints it, so on AWS a large `limit` can pass the 6 MB a
 * Lambda response may hold (API Gateway then answers 5xx): ask for a few
 * thousand at most there; local mode has no such bound.
 */
export const MAX_DECISIONS_LIMIT = 10_000;
export const DEFAULT_DECISIONS_LIMIT = 100;

export interface ReadApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface ReadApiDeps {
  /** The API token (on AWS not Alertmanager's webhook token, which can only post). Without one, every read is refused. */
  readonly token: () => Promise<string | undefined>;
  readonly listDecisions: (limit: number) => Promise<readonly DecisionRecord[]>;
  /** Each configured node group with its size and last scaling action. */
  readonly nodeGroups: () => Promise<unknown>;
  readonly log: Log;
}

const json = (statusCode: number, body: unknown): IngestResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

/**
 * The two reads, `GET /api/decisions?limit=N` (newest first) and
 * `GET /api/node-groups`, behind the API token. One implementation for
 * local mode's HTTP server and the AWS `api` function; answers `undefined` for
 * any other path so the caller can serve it or answer 404.
 */
export function createReadApi(deps: ReadApiDeps) {
  return async function read(request: ReadApiRequest): Promise<IngestResponse | undefined> {
    const route = `${request.method} ${request.path}`;
    if (route !== 'GET /api/decisions' && route !== 'GET /api/node-groups') return undefined;
    try {
      const token = await deps.token();
      const auth = authenticateWithToken(request.headers.authorization, token);
      if (!auth.ok) return json(401, { error: auth.reason });
      if (route === 'GET /api/node-groups') return json(200, await deps.nodeGroups());
      const limit = Number(request.query.get('limit') ?? DEFAULT_DECISIONS_LIMIT);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DECISIONS_LIMIT) {
        return json(400, { error: `limit must be an integer from 1 to ${MAX_DECISIONS_LIMIT}` });
      }
      return json(200, (await deps.listDecisions(limit)).map(decisionView));
    } catch (error) {
      deps.log.error('read failed', { route, error: (error as Error).message });
      return json(500, { error: 'internal error' });
    }
  };
}
