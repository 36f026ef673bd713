import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RecordFailure } from '../adapters/sqs/event-handler';
import type { DecisionLookup } from '../scaler/ports';
import type { Clock } from '../shared/clock';
import type { Config } from '../shared/config/schema';
import type { ActionRecorder } from '../shared/decisions';
import type { Log } from '../shared/log';
import type { Metrics } from '../shared/metrics';
import type { EventBus } from '../shared/publish';

/**
 * What local mode hands each stage it wires in process: the configuration,
 * the embedded DynamoDB (dynalite) client and table that every stage's items
 * share, the decisions, the in-process bus, a logger, the clock, and the hook
 * that tells the stage's queue why a record failed.
 */
export interface LocalStageWiring {
  readonly config: Config;
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly decisions: ActionRecorder & DecisionLookup;
  readonly bus: EventBus;
  readonly log: Log;
  readonly clock?: Clock;
  readonly metrics?: Metrics;
  readonly onFailure?: (failure: RecordFailure) => void;
}
