import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../../shared/log';

/**
 * The `Log` port on Powertools' Logger: structured JSON to CloudWatch, with
 * the Lambda context and cold-start flag that Powertools adds.
 */
export function powertoolsLog(serviceName: string): Log & { readonly logger: Logger } {
  const logger = new Logger({ serviceName });
  const level =
    (at: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, extra?: Record<string, unknown>) =>
      extra ? logger[at](message, extra) : logger[at](message);
  return { logger, debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') };
}
