import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An HTTP API (payload v2) event's headers with lower-case names, as the use cases read them. */
export function lowerCaseHeaders(event: Pick<APIGatewayProxyEventV2, 'headers'>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}
