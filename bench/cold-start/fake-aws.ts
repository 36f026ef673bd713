import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/http';

/** What the fake returns for GetSecretValue, by SecretId. */
export type Secrets = Readonly<Record<string, string>>;

const ASG_XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

/**
 * A loopback stand-in for the few AWS APIs the handlers call on a first
 * invocation (DynamoDB is dynalite): EventBridge PutEvents, Secrets Manager
 * GetSecretValue, SSM GetParameter (AWS JSON 1.1, by `x-amz-target`) and Auto
 * Scaling DescribeAutoScalingGroups / SetDesiredCapacity (AWS Query, XML).
 */
export async function startFakeAws(secrets: Secrets) {
  const calls = new Map<string, number>();
  const server = await startServer((req, body, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const json = (status: number, document: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(document));
    };
    const xml = (document: string) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      res.end(document);
    };
    const operation = target ? target.split('.').pop()! : (new URLSearchParams(body).get('Action') ?? '?');
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    if (target === 'AWSEvents.PutEvents') {
      const entries = (JSON.parse(body) as { Entries: unknown[] }).Entries;
      return json(200, { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
    }
    if (target === 'secretsmanager.GetSecretValue') {
      const id = (JSON.parse(body) as { SecretId: string }).SecretId;
      const value = secrets[id];
      if (value === undefined) return json(400, { __type: 'ResourceNotFoundException', message: `no secret ${id}` });
      return json(200, { ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`, Name: id, SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
    }
    if (target === 'AmazonSSM.GetParameter') {
      const name = (JSON.parse(body) as { Name: string }).Name;
      return json(200, { Parameter: { Name: name, Type: 'String', Value: 'off', Version: 1 } });
    }
    if (operation === 'DescribeAutoScalingGroups') {
      const name = new URLSearchParams(body).get('AutoScalingGroupNames.member.1') ?? 'gpu-a100-nodes';
      return xml(
        `<DescribeAutoScalingGroupsResponse xmlns="${ASG_XMLNS}"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>` +
          `<AutoScalingGroupName>${name}</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>16</MaxSize><DesiredCapacity>2</DesiredCapacity>` +
          `<DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>us-east-1a</member></AvailabilityZones><HealthCheckType>EC2</HealthCheckType>` +
          `<CreatedTime>2025-01-01T00:00:00Z</CreatedTime><Instances/></member></AutoScalingGroups></DescribeAutoScalingGroupsResult>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`,
      );
    }
    if (operation === 'SetDesiredCapacity') {
      return xml(`<SetDesiredCapacityResponse xmlns="${ASG_XMLNS}"><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SetDesiredCapacityResponse>`);
    }
    json(400, { __type: 'UnknownOperationException', message: `the fake does not serve ${target || operation}` });
  });
  return { url: server.url, calls, close: server.close };
}
