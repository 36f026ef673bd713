import { Validations, type aws_iam as iam, type aws_lambda as lambda } from 'aws-cdk-lib';
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
      'autoscaling:DescribeAutoScalingGroups has no resource-level permissions; autoscaling:SetDesiredCapacity is on * only with the condition autoscaling:ResourceTag/alertscale:managed = "true", so only Auto Scaling groups tagged for alertscale can be resized',
  });
  acknowledge(stack.webhookApi.api, {
    id: 'AwsSolutions-APIG4',
    reason:
      'Alertmanager authenticates with a static bearer token (or basic auth), which the ingest function checks in constant time against the Secrets Manager token before anything reaches the bus, refusing every request when no token is set. An API Gateway authorizer would repeat that check with a second function on the request path',
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
}
