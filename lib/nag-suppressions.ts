import { Stack, Token, Validations, type aws_iam as iam, type aws_lambda as lambda } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { AlertscaleStack } from './alertscale-stack';

/**
 * Every cdk-nag (AwsSolutions) finding alertscale accepts, with why. cdk-nag 3
 * reads CDK's own acknowledgements (`Validations.of(x).acknowledge`), which
 * apply to a construct and everything under it; findings about one IAM
 * wildcard are acknowledged by their exact finding id, `Rule[Resource::…]`,
 * so a new wildcard elsewhere in the same policy is still reported.
 * `test/infra/cdk-nag.test.ts` fails on any finding not acknowledged here.
 */

/** One acknowledged finding. */
interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

function acknowledge(scope: IConstruct, ...acknowledgements: Acknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements);
}

/** Findings every `AlertscaleFunction` has, by design. */
export function acknowledgeFunctionFindings(fn: lambda.IFunction, role: iam.IRole): void {
  acknowledge(fn, {
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the runtime alertscale is built, bundled (esbuild target node22) and benchmarked for; moving to a newer runtime is a deliberate, tested change',
  });
  acknowledge(role, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permissions (the Resource must be *)',
  });
}

/** Findings of the stack's resources, by construct. */
export function acknowledgeStackFindings(stack: AlertscaleStack): void {
  acknowledge(stack.scaling.autoScalingPolicy, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'autoscaling:DescribeAutoScalingGroups and ec2:DescribeInstances have no resource-level permissions, so their Resource must be *; they only read group sizes and node names',
  });
  acknowledgeGroupArns(stack, stack.scaling.autoScalingPolicy, stack.scaling.asgNames);
  if (stack.drain) {
    acknowledge(stack.drain.drain.role!, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeInstances has no resource-level permissions, so its Resource must be *; the drain function only reads the node name of a terminating instance',
    });
    acknowledgeGroupArns(stack, stack.drain.callback.role!, stack.drain.asgNames);
  }
  acknowledge(stack.webhookApi.api, {
    id: 'AwsSolutions-APIG4',
    reason:
      'Alertmanager authenticates with a static bearer token (or basic auth), which the ingest function checks in constant time against the webhook token before anything reaches the bus; the api function does the same with the separate API token. Both refuse every request when no token is set. An API Gateway authorizer would repeat that check with a second function on the request path',
  });
  acknowledge(stack.eventTargetDeadLetterQueue.queue, {
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself a dead-letter queue: the one EventBridge targets park undeliverable events in (EventBridge target DLQs are not referenced by a redrive policy, so cdk-nag cannot see it). It has its own alarm',
  });
  acknowledge(stack.webhookToken, {
    id: 'AwsSolutions-SMG4',
    reason:
      'The webhook token is shared with Alertmanager through its credentials_file; automatic rotation would break delivery until the file is rewritten. Rotate by hand: put a new value, update the file (ingest re-reads the secret within five minutes)',
  });
  acknowledge(stack.apiToken, {
    id: 'AwsSolutions-SMG4',
    reason:
      'The API token is handed to operators and their tools; automatic rotation would lock them out until each is given the new value. Rotate by hand: put a new value and hand it out (the api function re-reads the secret within five minutes)',
  });
}

/** The ASG-ARN wildcard findings of a policy or role scoped to the configured groups. */
function acknowledgeGroupArns(stack: Stack, scope: IConstruct, asgNames: readonly string[]): void {
  for (const asgName of asgNames) {
    acknowledge(scope, {
      id: `AwsSolutions-IAM5[Resource::${asgArnAsNagWritesIt(stack, asgName)}]`,
      reason: `The * is the Auto Scaling group's id, which changes when a group is recreated; the ARN names exactly the configured group ${asgName}, and the statement also requires its tag alertscale:managed = "true"`,
    });
  }
}

/**
 * An Auto Scaling group's ARN as cdk-nag spells it in a finding id: pseudo
 * parameters the stack leaves to deploy time as `<AWS::Region>` and so on,
 * literal values where the stack has an account or region.
 */
function asgArnAsNagWritesIt(stack: Stack, asgName: string): string {
  const part = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
  return [
    'arn',
    part(stack.partition, 'AWS::Partition'),
    'autoscaling',
    part(stack.region, 'AWS::Region'),
    part(stack.account, 'AWS::AccountId'),
    `autoScalingGroup:*:autoScalingGroupName/${asgName}`,
  ].join(':');
}
