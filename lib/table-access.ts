import { aws_dynamodb as dynamodb, aws_iam as iam } from 'aws-cdk-lib';
import { RECENT_DECISIONS_INDEX } from '../lambdas/adapters/dynamodb/table';

/**
 * The DynamoDB actions each function's code calls on the decision table, and
 * nothing more. This is the one place to change when a stage starts (or stops)
 * calling an action: `test/infra/least-privilege.test.ts` asserts each role
 * gets exactly its list.
 *
 * - router: dedupe reads (GetItem, BatchGetItem), the decision record
 *   (PutItem, UpdateItem).
 * - scaler and launch-failure (one bundle): node group state, the fleet
 *   budget's ledger and decision outcomes (GetItem, PutItem, UpdateItem), and
 *   the decisions a request serves, read in batches (BatchGetItem).
 * - notifier: send records and decision outcomes (GetItem, PutItem, UpdateItem).
 * - api: one decision (GetItem), newest decisions through the keys-only
 *   `recent` index (Query) and then their items (BatchGetItem).
 * - drain: pending drains, written when a lifecycle action arrives and
 *   marked when it ends (GetItem, PutItem, UpdateItem).
 * - drainCallback: a pending drain, read and marked confirmed (GetItem, UpdateItem).
 *
 * No Scan, DeleteItem, BatchWriteItem, DescribeTable or stream action anywhere.
 */
export const TABLE_ACCESS = {
  router: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  scaler: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  launchFailure: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  notifier: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  api: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], recentDecisionsIndex: true },
  drain: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  drainCallback: { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
} as const satisfies Record<string, { readonly table: readonly `dynamodb:${string}`[]; readonly recentDecisionsIndex?: boolean }>;
export type TableUser = keyof typeof TABLE_ACCESS;

/** The ARN of the table's `recent` decisions index. */
function recentDecisionsIndexArn(table: dynamodb.ITable): string {
  return `${table.tableArn}/index/${RECENT_DECISIONS_INDEX.name}`;
}

/** The one statement granting `user`'s actions: on the table, and on its index where the list says so. */
export function tableAccessStatement(table: dynamodb.ITable, user: TableUser): iam.PolicyStatement {
  const access: { readonly table: readonly string[]; readonly recentDecisionsIndex?: boolean } = TABLE_ACCESS[user];
  return new iam.PolicyStatement({
    sid: 'DecisionTable',
    actions: [...access.table],
    resources: access.recentDecisionsIndex ? [table.tableArn, recentDecisionsIndexArn(table)] : [table.tableArn],
  });
}
