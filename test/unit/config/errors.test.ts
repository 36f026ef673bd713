import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseConfigText } from '../../../lambdas/shared/config/load';

/** The ConfigError a text raises; fails the test when it is valid. */
function errorOf(text: string, source = 'alertmanager.yml'): ConfigError {
  try {
    parseConfigText(text, source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('configuration errors: where, what, and what was meant', () => {
  it('names the key path, line and column of a misspelt key deep in the file, with the key it resembles', () => {
    const text = lines(
      'route:',
      '  receiver: oncall',
      '  routes:',
      '    - receiver: team',
      '      matchers: [team="gpu"]',
      'receivers:',
      '  - name: oncall',
      '    pagerduty_configs:',
      '      - routing_key_secret: alertscale/pagerduty',
      '  - name: team',
      '    slack_configs:',
      '      - api_url_secret: alertscale/slack',
      '        send_resolved: true',
      '        chanel: "#gpu"',
    );

    const error = errorOf(text);

    expect(error.message).toBe('alertmanager.yml is not valid:\n  receivers[1].slack_configs[0].chanel: unknown key; did you mean "channel"? (line 14, column 9)');
    expect(error.problems).toEqual([
      {
        path: ['receivers', 1, 'slack_configs', 0, 'chanel'],
        message: 'unknown key; did you mean "channel"?',
        line: 14,
        column: 9,
        text: 'receivers[1].slack_configs[0].chanel: unknown key; did you mean "channel"? (line 14, column 9)',
      },
    ]);
  });

  it('suggests the top-level key a misspelling resembles', () => {
    const error = errorOf(lines('route: { receiver: oncall }', 'recievers:', '  - name: oncall'));

    expect(error.problems.map((problem) => problem.text)).toEqual([
      'receivers: required: a list of receivers',
      'recievers: unknown key; did you mean "receivers"? (line 2, column 1)',
    ]);
  });

  it('says a missing receivers list is required, in plain words', () => {
    expect(errorOf('route: { receiver: oncall }\n').message).toBe('alertmanager.yml is not valid:\n  receivers: required: a list of receivers');
  });

  it('prints two unknown keys of one object on two lines, indented alike', () => {
    const error = errorOf(lines('route: { receiver: oncall }', 'receivers:', '  - name: oncall', '    pager_configs: []', '    slak_configs: []'));

    expect(error.message).toBe(
      [
        'alertmanager.yml is not valid:',
        '  receivers[0].pager_configs: unknown key; did you mean "pagerduty_configs"? (line 4, column 5)',
        '  receivers[0].slak_configs: unknown key; did you mean "slack_configs"? (line 5, column 5)',
      ].join('\n'),
    );
  });

  it('lists problems in the order of the file, each line placed', () => {
    const error = errorOf(
      lines('node_groups:', '  - { name: a, asg_name: a-nodes, min: -1, max: two }', 'route:', '  receiver: oncall', '  continue: maybe', 'receivers:', '  - name: oncall', '    scale_configs: [{ node_group: a, change: 1, on: fire }]'),
    );

    expect(error.problems.map((problem) => problem.text)).toEqual([
      'node_groups[0].min: must be at least 0, got -1 (line 2, column 35)',
      'node_groups[0].max: expected a number, got "two" (line 2, column 44)',
      'route.continue: expected true or false, got "maybe" (line 5, column 3)',
      'receivers[0].scale_configs[0].on: must be one of firing, resolved; got "fire" (line 8, column 49)',
    ]);
  });

  it('places a missing key at the mapping that should hold it', () => {
    const error = errorOf(lines('route:', '  continue: false', 'receivers:', '  - name: oncall', '    webhook_configs:', '      - send_resolved: false'));

    expect(error.problems.map((problem) => problem.text)).toEqual([
      'route.receiver: the root route needs a receiver (line 1, column 1)',
      'receivers[0].webhook_configs[0].url: required: a URL (or url_file) (line 6, column 9)',
    ]);
  });

  it('never prints the value of a credential it refuses', () => {
    const error = errorOf(lines('route: { receiver: oncall }', 'receivers:', '  - name: oncall', '    slack_configs: [{ api_url: hooks.slack.com/services/T0/B0/SECRET }]'));

    expect(error.message).toContain('receivers[0].slack_configs[0].api_url: must be a URL such as https://host/path, got text (not shown: it may be a secret)');
    expect(error.message).not.toContain('SECRET');
  });

  it('places what the route tree refuses, too', () => {
    const error = errorOf(lines('route:', '  receiver: oncall', "  matchers: ['a=b']", 'receivers: [{ name: oncall }]'));

    expect(error.problems.map((problem) => problem.text)).toEqual(['route: root route must not have any matchers (line 1, column 1)']);
  });

  it('gives the line and column of a YAML syntax error', () => {
    const error = errorOf('route: [unclosed\n');

    expect(error.message).toMatch(/^alertmanager.yml is not valid YAML: /);
    expect(error.problems[0]).toMatchObject({ line: 2, column: 1 });
  });

  it('names key paths without lines for a document that did not come from YAML text', () => {
    const error = (() => {
      try {
        return parseConfig({ route: { receiver: 'x' } }, 'embedded');
      } catch (thrown) {
        return thrown as ConfigError;
      }
    })() as ConfigError;

    expect(error.message).toBe('embedded is not valid:\n  receivers: required: a list of receivers');
    expect(error.problems[0]).toMatchObject({ path: ['receivers'], line: undefined, column: undefined });
  });
});

describe('files that cannot be used, alike whatever they hold', () => {
  it('a cases file and a scenario list their problems as a configuration does, and stay their own kind of error', async () => {
    const { CasesFileError, parseCasesText } = await import('../../../cli/routes-cases');
    const { ScenarioError, parseScenarioText } = await import('../../../lambdas/replay/inputs/scenario');
    const { ProblemsError } = await import('../../../lambdas/shared/config/problems');
    const refusal = (parse: () => unknown) => {
      try {
        parse();
      } catch (error) {
        return error as Error & { problems: readonly { text: string }[] };
      }
      throw new Error('expected the file to be refused');
    };

    const cases = refusal(() => parseCasesText('- labels: { alertname: A }\n  expekt: [r]\n', 'cases.yml'));
    const scenario = refusal(() => parseScenarioText('duration: soon\nalerts: []\n', 'busy.yml'));

    for (const [error, kind, heading] of [
      [cases, CasesFileError, 'cases.yml is not a valid cases file:'],
      [scenario, ScenarioError, 'busy.yml is not a valid scenario:'],
    ] as const) {
      expect(error).toBeInstanceOf(kind);
      expect(error).toBeInstanceOf(ProblemsError);
      expect(error).not.toBeInstanceOf(ConfigError);
      expect(error.problems.length).toBeGreaterThan(0);
      expect(error.message).toBe(`${heading}\n${error.problems.map((problem) => `  ${problem.text}`).join('\n')}`);
    }
  });
});
