import { describe, expect, it } from 'vitest';
import { jsonValues } from '../../../lambdas/replay/inputs/json-values';

const event = { version: '0', id: 'e1', 'detail-type': 'Alertmanager Notification', source: 'alertscale', detail: { a: [1, { b: 'x}y' }] } };

describe('jsonValues', () => {
  it('reads one value per line, each with its line number', () => {
    const { values, problems } = jsonValues(`${JSON.stringify({ n: 1 })}\n\n${JSON.stringify({ n: 2 })}\n`);
    expect(values).toEqual([
      { value: { n: 1 }, line: 1 },
      { value: { n: 2 }, line: 3 },
    ]);
    expect(problems).toEqual([]);
  });

  it("reads aws logs tail's detailed and short lines: timestamp, log stream, then the event", () => {
    const detailed = `2025-03-03T09:00:00.123456+00:00 a1b2c3d4-stream ${JSON.stringify(event)}`;
    const short = `2025-03-03T09:00:01 ${JSON.stringify(event)}`;
    expect(jsonValues(`${detailed}\n${short}\n`).values).toEqual([
      { value: event, line: 1 },
      { value: event, line: 2 },
    ]);
  });

  it("reads aws logs tail --format json: a header line, then the event pretty-printed", () => {
    const text = `2025-03-03T09:00:00+00:00 stream-1\n${JSON.stringify(event, null, 4)}\n2025-03-03T09:00:05+00:00 stream-1\n${JSON.stringify(event, null, 4)}\n`;
    const { values, problems } = jsonValues(text);
    expect(problems).toEqual([]);
    expect(values.map((v) => v.line)).toEqual([2, 2 + JSON.stringify(event, null, 4).split('\n').length + 1]);
  });

  it('reads a whole pretty-printed document, as filter-log-events --output json prints it', () => {
    const document = { events: [{ message: JSON.stringify(event) }], searchedLogStreams: [] };
    expect(jsonValues(JSON.stringify(document, null, 4)).values).toEqual([{ value: document, line: 1 }]);
  });

  it('reads values written back to back without a newline, as Firehose writes them to S3', () => {
    expect(jsonValues(`${JSON.stringify({ n: 1 })}${JSON.stringify({ n: 2 })}\n${JSON.stringify({ n: 3 })}`).values.map((v) => v.value)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('names the line of a torn value and still reads the lines after it', () => {
    const text = [JSON.stringify({ n: 1 }), '{"receivedAt": "2025-03-03T09:00:00Z", "body": {"alerts": [', JSON.stringify({ n: 3 }), 'not json at all', '{"n": 5'].join('\n');
    const { values, problems } = jsonValues(text);
    expect(values.map((v) => [v.line, v.value])).toEqual([
      [1, { n: 1 }],
      [3, { n: 3 }],
    ]);
    expect(problems.map((p) => p.line)).toEqual([2, 4, 5]);
    expect(problems[0]!.message).toMatch(/does not end on its line/);
    expect(problems[1]!.message).toBe('not JSON');
  });
});
