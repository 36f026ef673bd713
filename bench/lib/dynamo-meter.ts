import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RECENT_DECISIONS_INDEX, TABLE_PARTITION_KEY } from '../../lambdas/adapters/dynamodb/table';

type Item = Record<string, AttributeValue>;

/** What one stage's DynamoDB calls cost, in on-demand request units. */
export interface DynamoUsage {
  /** Calls by operation (`PutItem`, `BatchGetItem`, …), conditional failures included. */
  readonly calls: Record<string, number>;
  /** Read request units: per item rounded up to 4 KB, halved for eventually consistent reads (GSI queries are). */
  rru: number;
  /** Write request units on the table: the larger of the item before and after, rounded up to 1 KB. */
  wru: number;
  /** Write request units on the keys-only recent-decisions index: one per decision created. */
  gsiWru: number;
  /** Keys read by BatchGetItem (each priced as its own read). */
  batchGetKeys: number;
  /** Conditional writes refused (they still consume write units). */
  conditionFailures: number;
  /** RRU and WRU by item kind (`decision`, `nodegroup`, `sent`): the part of the key before `#`. */
  readonly byKind: Record<string, { rru: number; wru: number }>;
}

/** Nothing used yet: where a phase's counting starts. */
export const emptyDynamoUsage = (): DynamoUsage => ({ calls: {}, rru: 0, wru: 0, gsiWru: 0, batchGetKeys: 0, conditionFailures: 0, byKind: {} });

/**
 * DynamoDB's item size: attribute names plus values (strings by UTF-8 bytes,
 * numbers about one byte per two significant digits plus one, booleans and
 * nulls one byte, maps and lists three bytes plus one per element).
 */
export function dynamoItemSize(item: Item): number {
  const value = (v: AttributeValue): number => {
    if (v.S !== undefined) return Buffer.byteLength(v.S);
    if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
    if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
    if (v.B !== undefined) return v.B.byteLength;
    if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((sum, [k, x]) => sum + Buffer.byteLength(k) + value(x) + 1, 0);
    if (v.L !== undefined) return 3 + v.L.reduce((sum, x) => sum + value(x) + 1, 0);
    if (v.SS !== undefined) return v.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    if (v.NS !== undefined) return v.NS.reduce((sum, n) => sum + Math.ceil(n.length / 2) + 1, 0);
    return 0;
  };
  return Object.entries(item).reduce((sum, [name, v]) => sum + Buffer.byteLength(name) + value(v), 0);
}

const KB = 1024;
const writeUnits = (item: Item | undefined) => (item ? Math.max(1, Math.ceil(dynamoItemSize(item) / KB)) : 1);
const readUnits = (item: Item | undefined) => (item ? Math.max(1, Math.ceil(dynamoItemSize(item) / (4 * KB))) : 1);
const pkOf = (item: Item | undefined) => item?.[TABLE_PARTITION_KEY]?.S;
const kindOf = (pk: string | undefined) => (pk ?? '?').split('#')[0] ?? '?';

/** The recent-decisions index entry an item has (its keys; the index projects keys only), or undefined. */
function indexEntry(item: Item | undefined): string | undefined {
  const bucket = item?.[RECENT_DECISIONS_INDEX.partitionKey]?.S;
  const sort = item?.[RECENT_DECISIONS_INDEX.sortKey]?.S;
  return bucket !== undefined && sort !== undefined ? `${bucket}\u0000${sort}` : undefined;
}

/** Index writes a change from `before` to `after` costs: a new entry, a removed one, or both when its keys change. */
function indexWrites(before: Item | undefined, after: Item | undefined): number {
  const [was, is] = [indexEntry(before), indexEntry(after)];
  if (was === is) return 0;
  return (was === undefined ? 0 : 1) + (is === undefined ? 0 : 1);
}

const isConditionFailure = (error: unknown) => (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

type Input = Record<string, unknown> & { TableName?: string; Key?: Item; Item?: Item; ConsistentRead?: boolean; ReturnValues?: string; IndexName?: string };
type Output = Record<string, unknown> & { Item?: Item; Items?: Item[]; Attributes?: Item };

/**
 * Counts what each DynamoDB call costs, with SDK middleware on the real
 * (dynalite) client. It keeps a shadow of every item it has seen written or
 * read, so a write is priced by the larger of the item before and after, as
 * DynamoDB prices it, and a refused conditional write by the item it found.
 * To see an updated item it asks UpdateItem for `ReturnValues: ALL_NEW` when
 * the caller asked for nothing, and hands the caller the answer without it.
 */
export class DynamoMeter {
  private readonly shadow = new Map<string, Item>();

  constructor(
    client: DynamoDBClient,
    /** Where the current call's costs go (the stage making it). */
    private readonly usageOf: () => DynamoUsage,
    /** Whether to price calls now; while not, calls pass through untouched (timing runs). */
    private readonly enabled: () => boolean = () => true,
  ) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName).replace(/Command$/, '');
        const input = args.input as Input;
        if (!this.enabled()) {
          // What a write left behind is not seen: forget the item rather than price a later write by a stale size.
          const pk = pkOf(input.Item) ?? pkOf(input.Key);
          if (pk && /^(Put|Update|Delete)Item$/.test(operation)) this.shadow.delete(pk);
          return next(args);
        }
        const injected = operation === 'UpdateItem' && (input.ReturnValues === undefined || input.ReturnValues === 'NONE');
        if (injected) args = { ...args, input: { ...input, ReturnValues: 'ALL_NEW' } };
        const usage = this.usageOf();
        usage.calls[operation] = (usage.calls[operation] ?? 0) + 1;
        try {
          const result = await next(args);
          const output = result.output as unknown as Output;
          this.priceSuccess(usage, operation, input, output);
          if (injected) delete output.Attributes;
          return result;
        } catch (error) {
          if (isConditionFailure(error)) this.priceRefusal(usage, input);
          throw error;
        }
      },
      { step: 'initialize', name: 'alertscaleBenchDynamoMeter' },
    );
  }

  private add(usage: DynamoUsage, pk: string | undefined, units: { rru?: number; wru?: number; gsiWru?: number }): void {
    const kind = (usage.byKind[kindOf(pk)] ??= { rru: 0, wru: 0 });
    usage.rru += units.rru ?? 0;
    usage.wru += units.wru ?? 0;
    usage.gsiWru += units.gsiWru ?? 0;
    kind.rru += units.rru ?? 0;
    kind.wru += (units.wru ?? 0) + (units.gsiWru ?? 0);
  }

  private priceSuccess(usage: DynamoUsage, operation: string, input: Input, output: Output): void {
    switch (operation) {
      case 'GetItem':
        return this.priceGet(usage, input, output);
      case 'BatchGetItem':
        return this.priceBatchGet(usage, input as never, output as never);
      case 'Query':
      case 'Scan':
        return this.priceQuery(usage, input, output);
      case 'PutItem':
        return this.priceWrite(usage, pkOf(input.Item), input.Item);
      case 'UpdateItem':
        return this.priceWrite(usage, pkOf(input.Key), output.Attributes);
      case 'DeleteItem':
        return this.priceWrite(usage, pkOf(input.Key), undefined);
      default:
        return; // control plane (CreateTable, DescribeTable): not per delivery
    }
  }

  private priceGet(usage: DynamoUsage, input: Input, output: Output): void {
    const pk = pkOf(input.Key);
    if (pk && output.Item) this.shadow.set(pk, output.Item);
    // A read of an item that is not there still costs the minimum unit.
    this.add(usage, pk, { rru: readUnits(output.Item) * (input.ConsistentRead ? 1 : 0.5) });
  }

  private priceBatchGet(usage: DynamoUsage, input: { RequestItems: Record<string, { Keys: Item[]; ConsistentRead?: boolean }> }, output: { Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys?: Item[] }> }): void {
    for (const [table, request] of Object.entries(input.RequestItems)) {
      const found = new Map((output.Responses?.[table] ?? []).map((item) => [pkOf(item), item] as const));
      const unprocessed = new Set((output.UnprocessedKeys?.[table]?.Keys ?? []).map(pkOf));
      for (const key of request.Keys) {
        const pk = pkOf(key);
        if (unprocessed.has(pk)) continue;
        const item = found.get(pk);
        if (pk && item) this.shadow.set(pk, item);
        usage.batchGetKeys++;
        // Each key is priced as its own GetItem: rounded up to 4 KB, the minimum when absent.
        this.add(usage, pk, { rru: readUnits(item) * (request.ConsistentRead ? 1 : 0.5) });
      }
    }
  }

  private priceQuery(usage: DynamoUsage, input: Input, output: Output): void {
    const bytes = (output.Items ?? []).reduce((sum, item) => sum + dynamoItemSize(item), 0);
    // Sizes add up before rounding; an index is read eventually consistent.
    const consistent = input.IndexName === undefined && input.ConsistentRead === true;
    this.add(usage, input.IndexName ? `index#${input.IndexName}` : 'query', { rru: Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5) });
  }

  private priceWrite(usage: DynamoUsage, pk: string | undefined, after: Item | undefined): void {
    const before = pk ? this.shadow.get(pk) : undefined;
    if (pk) {
      if (after) this.shadow.set(pk, after);
      else this.shadow.delete(pk);
    }
    this.add(usage, pk, { wru: Math.max(writeUnits(after), before ? writeUnits(before) : 1), gsiWru: indexWrites(before, after) });
  }

  /** A refused conditional write consumes the units of the item it found (at least one). */
  private priceRefusal(usage: DynamoUsage, input: Input): void {
    const pk = pkOf(input.Item) ?? pkOf(input.Key);
    usage.conditionFailures++;
    this.add(usage, pk, { wru: writeUnits(pk ? this.shadow.get(pk) : undefined) });
  }
}
