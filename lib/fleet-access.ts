import { ArnFormat, Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The resource tag an Auto Scaling group must carry, with the value `"true"`,
 * for alertscale to change it. Both this tag and the group's name being in the
 * configuration are required: a typo in `asg_name` cannot resize someone
 * else's fleet, and an untagged group named by mistake is refused too.
 */
const MANAGED_TAG_KEY = 'alertscale:managed';
/** The value {@link MANAGED_TAG_KEY} must have. */
const MANAGED_TAG_VALUE = 'true';

/**
 * The Auto Scaling actions that change a node group, per function, granted
 * only on the configured groups' ARNs and only with the managed tag. The
 * scaler's bundle also runs the launch-failure function, so both get the
 * scaler's list: `SetDesiredCapacity`, and `TerminateInstanceInAutoScalingGroup`
 * for targeted scale-in. The drain-callback function completes the lifecycle
 * actions of the drained groups only (`CompleteLifecycleAction`).
 */
const FLEET_ACTIONS = {
  scaler: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
  drain: ['autoscaling:CompleteLifecycleAction'],
} as const satisfies Record<string, readonly `autoscaling:${string}`[]>;
export type FleetUser = keyof typeof FLEET_ACTIONS;

/**
 * The ARN of an Auto Scaling group by name. The group's id (the `*`) changes
 * when a group is deleted and created again under the same name; the name is
 * what the configuration knows.
 */
function autoScalingGroupArn(scope: IConstruct, asgName: string): string {
  return Stack.of(scope).formatArn({
    service: 'autoscaling',
    resource: 'autoScalingGroup',
    resourceName: `*:autoScalingGroupName/${asgName}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * The statement letting `user` change exactly the named groups, and only while
 * they carry the managed tag. `undefined` when no group is configured (a
 * statement without resources is invalid).
 */
export function fleetStatement(scope: IConstruct, user: FleetUser, asgNames: readonly string[]): iam.PolicyStatement | undefined {
  const names = [...new Set(asgNames)];
  if (names.length === 0) return undefined;
  return new iam.PolicyStatement({
    sid: 'ChangeConfiguredNodeGroups',
    actions: [...FLEET_ACTIONS[user]],
    resources: names.map((name) => autoScalingGroupArn(scope, name)),
    conditions: { StringEquals: { [`autoscaling:ResourceTag/${MANAGED_TAG_KEY}`]: MANAGED_TAG_VALUE } },
  });
}
