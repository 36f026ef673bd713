import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../../shared/config/schema';
import type { Clock, DecisionStore, EventBus, Log } from '../../shared/ports';

/**
 * What local mode hands each stage it wires in process: the configuration,
 * the embedded DynamoDB (dynalite) client and table that every stage's items
 * share, the decisions, the in-process bus, a logger and the clock.
 */
export interface LocalStageWiring {
  readonly config: Config;
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly decisions: DecisionStore;
  readonly bus: EventBus;
  readonly log: Log;
  readonly clock?: Clock;
}
