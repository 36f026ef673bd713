import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DecisionWriter, StepClaim } from '../../router/ports';
import type { DecisionLookup } from '../../scaler/ports';
import { sleep } from '../../shared/backoff';
import { systemClock, type Clock } from '../../shared/clock';
import type { ActionRecord, ActionRecorder, DecisionRecord } from '../../shared/decisions';
import { conditionalWrite, isExpired, itemKey, keyOf, RECENT_DECISIONS_INDEX, TABLE_PARTITION_KEY, whenExpiredCountsAsAbsent } from './table';

const KIND = 'decision';
/** `settings.decision_ttl`'s default: thirty days. */
const DEFAULT_DECISION_TTL_MS = 30 * 86_400_000;
/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_KEYS = 100;

interface StoredAction extends ActionRecord {
  readonly seq: number;
}

interface StoredDecision {
  pk: string;
  kind: typeof KIND;
  decisionId: string;
  fingerprint: string;
  startsAt: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  receivers: string[];
  actions: Record<string, StoredAction>;
  step: number;
  refireAt?: number;
  originEventId?: string;
  stepEventId?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
  /** The partition key of the recent-decisions index: the UTC day it was created. */
  recentBucket: string;
}

/** The recent-decisions index's partition of one UTC day. */
const recentBucketOf = (iso: string) => `${KIND}#${iso.slice(0, 10)}`;

function toRecord(item: StoredDecision): DecisionRecord {
  const actions = Object.values(item.actions ?? {}).sort((a, b) => a.seq - b.seq || a.actionId.localeCompare(b.actionId));
  return {
    decisionId: item.decisionId,
    fingerprint: item.fingerprint,
    startsAt: item.startsAt,
    status: item.status,
    labels: item.labels,
    receivers: item.receivers,
    actions: actions.map(({ seq: _seq, ...action }) => action),
    step: item.step,
    refireAt: item.refireAt === undefined ? undefined : new Date(item.refireAt).toISOString(),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    expiresAt: item.expiresAt,
    originEventId: item.originEventId,
    stepEventId: item.stepEventId,
  };
}

function toItem(decision: DecisionRecord, now: Date): StoredDecision {
  return {
    pk: itemKey.decision(decision.decisionId),
    kind: KIND,
    decisionId: decision.decisionId,
    fingerprint: decision.fingerprint,
    startsAt: decision.startsAt,
    status: decision.status,
    labels: decision.labels,
    receivers: [...decision.receivers],
    actions: Object.fromEntries(decision.actions.map((action, seq) => [action.actionId, { ...action, seq }])),
    step: decision.step,
    ...(decision.refireAt !== undefined ? { refireAt: Date.parse(decision.refireAt) } : {}),
    ...(decision.originEventId !== undefined ? { originEventId: decision.originEventId } : {}),
    createdAt: decision.createdAt,
    updatedAt: now.toISOString(),
    expiresAt: decision.expiresAt,
    recentBucket: recentBucketOf(decision.createdAt),
  };
}

const chunksOf = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Decision records in the alertscale DynamoDB table: one item per alert
 * occurrence, the dedupe item and the audit trail in one. A duplicate costs
 * a share of a batched read; a new occurrence one conditional write (and one
 * write of the keys-only recent-decisions index); outcomes are set action by
 * action. Expired records (TTL deletion lags by up to days) count as absent.
 */
export class DynamoDecisionStore implements DecisionWriter, ActionRecorder, DecisionLookup {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
    /** Waits between rounds of BatchGetItem's unprocessed keys. */
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  async getMany(decisionIds: readonly string[], now: Date = this.clock()): Promise<ReadonlyMap<string, DecisionRecord>> {
    const found = new Map<string, DecisionRecord>();
    for (const chunk of chunksOf([...new Set(decisionIds)], BATCH_GET_KEYS)) {
      for (const item of await this.batchGet(chunk.map((id) => keyOf(itemKey.decision(id))), true)) {
        const stored = unmarshall(item) as StoredDecision;
        if (!isExpired(stored.expiresAt, now)) found.set(stored.decisionId, toRecord(stored));
      }
    }
    return found;
  }

  async create(decision: DecisionRecord, now: Date): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(toItem(decision, now), { removeUndefinedValues: true }),
          // A live record wins; an expired one (TTL not done yet) is replaced.
          ConditionExpression: whenExpiredCountsAsAbsent.noLiveItem,
          ExpressionAttributeValues: whenExpiredCountsAsAbsent.nowValue(now),
        }),
      ),
    );
  }

  async claimStep(decisionId: string, claim: StepClaim, now: Date): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {
      ':expected': { N: String(Date.parse(claim.expectedRefireAt)) },
      ':next': { N: String(Date.parse(claim.nextRefireAt)) },
      ':step': { N: String(claim.step) },
      ':now': { N: String(now.getTime()) },
      ':updatedAt': { S: now.toISOString() },
      ':stepEventId': { S: claim.eventId ?? '' },
    };
    const sets = claim.actions.map((action, i) => {
      names[`#a${i}`] = action.actionId;
      values[`:a${i}`] = { M: marshall({ ...action, seq: now.getTime() + i }, { removeUndefinedValues: true }) };
      return `actions.#a${i} = :a${i}`;
    });
    return conditionalWrite(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(itemKey.decision(decisionId)),
          UpdateExpression: ['SET refireAt = :next', 'step = :step', 'updatedAt = :updatedAt', 'stepEventId = :stepEventId', ...sets].join(', '),
          ConditionExpression: 'refireAt = :expected AND refireAt <= :now',
          ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async recordAction(decisionId: string, action: ActionRecord): Promise<void> {
    const key = keyOf(itemKey.decision(decisionId));
    const fields = Object.entries(action).filter(([name, value]) => value !== undefined && name !== 'actionId');
    // An action the router requested: update its fields in place, keeping its position.
    const updated = await conditionalWrite(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${fields.map((_, i) => `actions.#id.#f${i} = :f${i}`).join(', ')}, updatedAt = :updatedAt`,
          ConditionExpression: 'attribute_exists(actions.#id)',
          ExpressionAttributeNames: { '#id': action.actionId, ...Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])) },
          ExpressionAttributeValues: {
            ...Object.fromEntries(fields.map(([, value], i) => [`:f${i}`, marshall({ v: value }, { removeUndefinedValues: true }).v!])),
            ':updatedAt': { S: this.clock().toISOString() },
          },
        }),
      ),
    );
    if (updated) return;
    // A new action (a capacity fallback, an escalation): added after the others. A decision that is
    // gone (its TTL passed) has nothing to record on: the outcome is still on the bus.
    await conditionalWrite(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET actions.#id = :action, updatedAt = :updatedAt',
          ConditionExpression: `attribute_exists(${TABLE_PARTITION_KEY})`,
          ExpressionAttributeNames: { '#id': action.actionId },
          ExpressionAttributeValues: {
            ':action': { M: marshall({ ...action, seq: this.clock().getTime() }, { removeUndefinedValues: true }) },
            ':updatedAt': { S: this.clock().toISOString() },
          },
        }),
      ),
    );
  }

  async get(decisionId: string): Promise<DecisionRecord | undefined> {
    const result = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: keyOf(itemKey.decision(decisionId)), ConsistentRead: true }));
    if (!result.Item) return undefined;
    const item = unmarshall(result.Item) as StoredDecision;
    return isExpired(item.expiresAt, this.clock()) ? undefined : toRecord(item);
  }

  /**
   * Newest first, without reading the table: the recent-decisions index is
   * queried one UTC day at a time, newest day first, until `limit` keys are
   * found or every day a decision lives (`decisionTtlMs`, as
   * `settings.decision_ttl`) is looked at; then the items are read in batches
   * of 100. One call costs a Query per day walked (more pages only past 1 MB)
   * and `limit` item reads (eventually consistent), whatever the table holds.
   */
  async listRecent(limit: number, decisionTtlMs: number = DEFAULT_DECISION_TTL_MS): Promise<readonly DecisionRecord[]> {
    const now = this.clock();
    const ttlDays = Math.ceil(decisionTtlMs / 86_400_000);
    const keys: Record<string, AttributeValue>[] = [];
    // An index can list an item twice for a while (a GSI is eventually consistent, and a record
    // re-created after a crash leaves its old entry behind); BatchGetItem refuses duplicate keys.
    const seen = new Set<string>();
    for (let day = 0; day <= ttlDays && keys.length < limit; day++) {
      const bucket = recentBucketOf(new Date(now.getTime() - day * 86_400_000).toISOString());
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: RECENT_DECISIONS_INDEX.name,
            KeyConditionExpression: '#bucket = :bucket',
            ExpressionAttributeNames: { '#bucket': RECENT_DECISIONS_INDEX.partitionKey },
            ExpressionAttributeValues: { ':bucket': { S: bucket } },
            ScanIndexForward: false,
            Limit: limit - keys.length,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          const pk = item[TABLE_PARTITION_KEY]!;
          if (pk.S === undefined || seen.has(pk.S)) continue;
          seen.add(pk.S);
          keys.push({ [TABLE_PARTITION_KEY]: pk });
        }
        start = page.LastEvaluatedKey;
      } while (start && keys.length < limit);
    }
    const items: StoredDecision[] = [];
    for (const chunk of chunksOf(keys, BATCH_GET_KEYS)) items.push(...(await this.batchGet(chunk, false)).map((item) => unmarshall(item) as StoredDecision));
    return items
      .filter((item) => !isExpired(item.expiresAt, now))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.decisionId.localeCompare(a.decisionId))
      .slice(0, limit)
      .map(toRecord);
  }

  /** BatchGetItem of up to 100 keys, retrying what DynamoDB leaves unprocessed (with backoff), until all are read. */
  private async batchGet(keys: Record<string, AttributeValue>[], consistent: boolean): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let pending = keys;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 8) throw new Error(`BatchGetItem left ${pending.length} key(s) unprocessed after ${round} rounds`);
      if (round > 0) await this.wait(Math.min(1_000, 25 * 2 ** round));
      const result = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } } }));
      items.push(...(result.Responses?.[this.tableName] ?? []));
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return items;
  }
}
