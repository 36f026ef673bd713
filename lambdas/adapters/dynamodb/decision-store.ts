import {
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { systemClock, type Clock } from '../../shared/clock';
import type { DecisionWriter, DeliveryResult, StepClaim } from '../../router/ports';
import type { DecisionLookup } from '../../scaler/ports';
import type { ActionRecord, ActionRecorder, DecisionRecord } from '../../shared/decisions';
import { epochSeconds, isConditionFailure, isExpired, itemKey, keyOf, whenExpiredCountsAsAbsent } from './table';

const KIND = 'decision';

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
  deliveries: number;
  step: number;
  refireAt?: number;
  originEventId?: string;
  stepEventId?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
}

/** A delivery's identity, so a redelivery of the very message that created a record can be told apart. */
export interface DeliveryOrigin {
  readonly eventId?: string | undefined;
}

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
    duplicates: Math.max(0, item.deliveries - 1),
    step: item.step,
    refireAt: item.refireAt === undefined ? undefined : new Date(item.refireAt).toISOString(),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    expiresAt: item.expiresAt,
    originEventId: item.originEventId,
    stepEventId: item.stepEventId,
  };
}

/**
 * Decision records in the alertscale DynamoDB table. The record *is* the
 * dedupe item: the first delivery of an occurrence creates it and every later
 * one increments its delivery count, in one conditional UpdateItem — so a new
 * occurrence costs exactly one write. Expired records (TTL deletion lags by up
 * to days) are treated as absent.
 */
export class DynamoDecisionStore implements DecisionWriter, ActionRecorder, DecisionLookup {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async recordDelivery(decision: DecisionRecord, now: Date, origin: DeliveryOrigin = {}): Promise<DeliveryResult> {
    const item = this.newItem(decision, now, origin);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const result = await this.client.send(new UpdateItemCommand(this.deliveryUpdate(item, now)));
        const stored = unmarshall(result.Attributes ?? {}) as StoredDecision;
        return { kind: stored.deliveries === 1 ? 'new' : 'duplicate', decision: toRecord(stored) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // An expired record still exists: replace it, unless a concurrent delivery already did.
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: marshall(item, { removeUndefinedValues: true }),
            ConditionExpression: whenExpiredCountsAsAbsent.noLiveItem,
            ExpressionAttributeValues: whenExpiredCountsAsAbsent.nowValue(now),
          }),
        );
        return { kind: 'new', decision: toRecord(item) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`could not record delivery of decision ${decision.decisionId}: it kept changing under us`);
  }

  async claimStep(
    decisionId: string,
    claim: StepClaim,
    now: Date,
  ): Promise<boolean> {
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
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(itemKey.decision(decisionId)),
          UpdateExpression: ['SET refireAt = :next', 'step = :step', 'updatedAt = :updatedAt', 'stepEventId = :stepEventId', ...sets].join(', '),
          ConditionExpression: 'refireAt = :expected AND refireAt <= :now',
          ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordAction(decisionId: string, action: ActionRecord): Promise<void> {
    const key = keyOf(itemKey.decision(decisionId));
    const fields = Object.entries(action).filter(([name, value]) => value !== undefined && name !== 'actionId');
    try {
      // An action the router requested: update its fields in place, keeping its position.
      await this.client.send(
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
      );
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // A new action (a capacity fallback, an escalation): added after the others.
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET actions.#id = :action, updatedAt = :updatedAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#id': action.actionId },
        ExpressionAttributeValues: {
          ':action': { M: marshall({ ...action, seq: this.clock().getTime() }, { removeUndefinedValues: true }) },
          ':updatedAt': { S: this.clock().toISOString() },
        },
      }),
    );
  }

  async get(decisionId: string): Promise<DecisionRecord | undefined> {
    const now = this.clock();
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: keyOf(itemKey.decision(decisionId)), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const item = unmarshall(result.Item) as StoredDecision;
    return isExpired(item.expiresAt, now) ? undefined : toRecord(item);
  }

  /**
   * Newest first. A parallel scan of the decision items, sorted here: no index
   * to keep (an index would cost a second write per decision), at the price of
   * reading the table (30 days of decisions by default) on every call. Fine
   * for an operator's read and for local mode; see README ("Reading decisions").
   */
  async listRecent(limit: number): Promise<readonly DecisionRecord[]> {
    const now = this.clock();
    const segments = 8;
    const pages = await Promise.all(
      Array.from({ length: segments }, async (_, segment) => {
        const items: StoredDecision[] = [];
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await this.client.send(
            new ScanCommand({
              TableName: this.tableName,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression: '#kind = :kind AND expiresAt > :nowSeconds',
              ExpressionAttributeNames: { '#kind': 'kind' },
              ExpressionAttributeValues: { ':kind': { S: KIND }, ...whenExpiredCountsAsAbsent.nowValue(now) },
              ExclusiveStartKey: start,
            }),
          );
          items.push(...(page.Items ?? []).map((item) => unmarshall(item) as StoredDecision));
          start = page.LastEvaluatedKey;
        } while (start);
        return items;
      }),
    );
    return pages
      .flat()
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.decisionId.localeCompare(a.decisionId))
      .slice(0, limit)
      .map(toRecord);
  }

  /**
   * One UpdateItem that writes every attribute of the record only if it is
   * absent (`if_not_exists`) and counts the delivery: the first delivery
   * creates the record, later ones only increment `deliveries`. An expired
   * record fails the condition and is replaced by `recordDelivery`.
   */
  private deliveryUpdate(item: StoredDecision, now: Date) {
    const { pk, deliveries: _deliveries, updatedAt, ...once } = item;
    const fields = Object.entries(once).filter(([, value]) => value !== undefined);
    return {
      TableName: this.tableName,
      Key: { pk: { S: pk } },
      UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = if_not_exists(#f${i}, :f${i})`).join(', ')}, updatedAt = :updatedAt ADD deliveries :one`,
      ConditionExpression: whenExpiredCountsAsAbsent.absentOrLive,
      ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
      ExpressionAttributeValues: marshall(
        {
          ...Object.fromEntries(fields.map(([, value], i) => [`:f${i}`, value])),
          ':updatedAt': updatedAt,
          ':one': 1,
          ':nowSeconds': epochSeconds(now),
        },
        { removeUndefinedValues: true },
      ),
      ReturnValues: 'ALL_NEW' as const,
    };
  }

  private newItem(decision: DecisionRecord, now: Date, origin: DeliveryOrigin): StoredDecision {
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
      deliveries: 1,
      step: decision.step,
      refireAt: decision.refireAt === undefined ? undefined : Date.parse(decision.refireAt),
      originEventId: origin.eventId,
      createdAt: decision.createdAt,
      updatedAt: now.toISOString(),
      expiresAt: decision.expiresAt,
    };
  }
}
