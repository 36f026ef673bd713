import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../../lambdas/shared/config/load';
import type { Config } from '../../../lambdas/shared/config/schema';
import { anyActive, indexTimeIntervals } from '../../../lambdas/shared/time/intervals';

/** A valid configuration around the given top-level YAML, with one child route that carries `routeKeys`. */
function configText(topLevel: string, routeKeys = ''): string {
  return `
route:
  receiver: oncall
  routes:
    - matchers: ['alertname="GPUUtilizationLow"']
      receiver: scale-down
${routeKeys.replace(/^/gm, '      ')}
receivers:
  - name: scale-down
  - name: oncall
${topLevel}
`;
}

/** A configuration with one named entry `x` holding the one interval written in `interval` (YAML, as a list item's body). */
const withInterval = (interval: string) => configText(`time_intervals:\n  - name: x\n    time_intervals:\n      - ${interval.replace(/\n/g, '\n        ')}`);

function problemsOf(text: string): readonly string[] {
  try {
    parseConfigText(text);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => problem.text.replace(/ \(line \d+, column \d+\)$/, ""));
  }
}

const parsed = (text: string): Config => parseConfigText(text).config;
const intervalsOf = (text: string) => parsed(text).time_intervals[0]?.intervals;
const AT = 'time_intervals[0].time_intervals[0]';

describe('time intervals in the configuration: every error Alertmanager reports, with its message', () => {
  it.each([
    // Alertmanager's yamlUnmarshalTestCases
    ['an invalid start time', "times: [{ start_time: '01:99', end_time: '23:59' }]", `${AT}.times[0]: couldn't parse timestamp 01:99, invalid format`],
    ['an invalid end time', "times: [{ start_time: '00:00', end_time: '99:99' }]", `${AT}.times[0]: couldn't parse timestamp 99:99, invalid format`],
    ['a weekday range running backwards', "weekdays: ['friday:monday']", `${AT}.weekdays[0]: start day cannot be before end day`],
    ['unknown weekdays', "weekdays: ['blurgsday:flurgsday']", `${AT}.weekdays[0]: blurgsday is not a valid weekday`],
    ['numeric weekdays', "weekdays: ['1:3']", `${AT}.weekdays[0]: 1 is not a valid weekday`],
    ['negative numeric weekdays', "weekdays: ['-2:-1']", `${AT}.weekdays[0]: -2 is not a valid weekday`],
    ['day of month 0', "days_of_month: ['0']", `${AT}.days_of_month[0]: 0 is not a valid day of the month: out of range`],
    ['a start day of month below -31', "days_of_month: ['-50:-20']", `${AT}.days_of_month[0]: -50 is not a valid day of the month: out of range`],
    ['an end day of month above 31', "days_of_month: ['1:50']", `${AT}.days_of_month[0]: 50 is not a valid day of the month: out of range`],
    ['a negative start day with a positive end day', "days_of_month: ['-15:5']", `${AT}.days_of_month[0]: end day must be negative if start day is negative`],
    ['a negative end day always before the start day', "days_of_month: ['10:-25']", `${AT}.days_of_month[0]: end day -25 is always before start day 10`],
    ['an unknown start month', "months: ['martius:june']", `${AT}.months[0]: martius is not a valid month`],
    ['an unknown end month', "months: ['march:junius']", `${AT}.months[0]: junius is not a valid month`],
    ['a month range running backwards', "months: ['december:january']", `${AT}.months[0]: end month january is before start month december`],
    ['a year range running backwards', "years: ['2022:2020']", `${AT}.years[0]: end year 2020 is before start year 2022`],
    // Alertmanager's timeStringTestCases
    ['equal start and end times', "times: [{ start_time: '17:31', end_time: '17:31' }]", `${AT}.times[0]: start time cannot be equal or greater than end time`],
    ['an end time past 24:00', "times: [{ start_time: '12:30', end_time: '24:01' }]", `${AT}.times[0]: couldn't parse timestamp 24:01, invalid format`],
    ['a start time after the end time', "times: [{ start_time: '09:30', end_time: '07:41' }]", `${AT}.times[0]: start time cannot be equal or greater than end time`],
    ['a start time of 24:00', "times: [{ start_time: '24:00', end_time: '17:41' }]", `${AT}.times[0]: start time cannot be equal or greater than end time`],
    ['a start time without an end time', "times: [{ start_time: '14:03' }]", `${AT}.times[0]: both start and end times must be provided`],
    // What amtool check-config (Alertmanager 0.25) answers for other mistakes
    ['an hour without its leading zero', "times: [{ start_time: '9:00', end_time: '17:00' }]", `${AT}.times[0]: couldn't parse timestamp 9:00, invalid format`],
    ['a range with two colons', "weekdays: ['monday:tuesday:friday']", `${AT}.weekdays[0]: couldn't parse range monday:tuesday:friday, invalid format`],
    ['a weekday with a leading space', "weekdays: [' monday']", `${AT}.weekdays[0]:  monday is not a valid weekday`],
    ['an unknown weekday, named in lower case as Alertmanager names it', "weekdays: ['Blurgsday']", `${AT}.weekdays[0]: blurgsday is not a valid weekday`],
    ['a weekday named like an Object property', "weekdays: ['constructor']", `${AT}.weekdays[0]: constructor is not a valid weekday`],
    ['a month named like an Object property', "months: ['__proto__']", `${AT}.months[0]: __proto__ is not a valid month`],
    ['a day of month that is not a number', "days_of_month: ['abc']", `${AT}.days_of_month[0]: abc is not a valid day of the month`],
    ['a day of month that is not a whole number', 'days_of_month: [1.5]', `${AT}.days_of_month[0]: 1.5 is not a valid day of the month`],
    ['a year that is not a number', "years: ['20x']", `${AT}.years[0]: 20x is not a valid year`],
    ['an unknown time zone', 'location: Bogus/Zone', `${AT}.location: unknown time zone Bogus/Zone`],
    ['a UTC offset instead of a zone', "location: '+01:00'", `${AT}.location: unknown time zone +01:00`],
    ['an unknown key in an interval', 'weekday: [monday]', `${AT}.weekday: unknown key; did you mean "weekdays"?`],
    ['an unknown key in a time range', "times: [{ start_time: '09:00', end_time: '10:00', end: '11:00' }]", `${AT}.times[0].end: unknown key`],
    // Stricter than Alertmanager, which accepts these and never matches them
    ['a month above 12', "months: ['13']", `${AT}.months[0]: 13 is not a valid month: out of range`],
    ['a month range from 0', "months: ['0:3']", `${AT}.months[0]: 0 is not a valid month: out of range`],
    ['the machine-dependent zone Local', 'location: Local', `${AT}.location: location "Local" depends on the machine; name the zone, e.g. Europe/Berlin or UTC`],
  ])('refuses %s', (_name, interval, expected) => {
    expect(problemsOf(withInterval(interval))).toEqual([expected]);
  });

  it('refuses an entry without a name, under either key, in Alertmanager\'s words', () => {
    const text = configText('time_intervals:\n  - time_intervals: []\nmute_time_intervals:\n  - time_intervals: []');
    expect(problemsOf(text)).toEqual(['time_intervals[0].name: missing name in time interval', 'mute_time_intervals[0].name: missing name in mute time interval']);
  });

  it('reports every bad range of a file, each at its own key path', () => {
    expect(problemsOf(withInterval("weekdays: ['monday', 'funday']\ndays_of_month: ['0']"))).toEqual([
      `${AT}.weekdays[1]: funday is not a valid weekday`,
      `${AT}.days_of_month[0]: 0 is not a valid day of the month: out of range`,
    ]);
  });
});

describe('time intervals in the configuration: what Alertmanager accepts, parsed', () => {
  it('parses business hours (Alertmanager\'s simple case)', () => {
    expect(intervalsOf(withInterval("weekdays: ['monday:friday']\ntimes:\n  - start_time: '09:00'\n    end_time: '17:00'"))).toEqual([
      { weekdays: [{ begin: 1, end: 5 }], times: [{ start_minute: 540, end_minute: 1020 }], location: 'UTC' },
    ]);
  });

  it('parses negative indices, several ranges and single values (Alertmanager\'s advanced case)', () => {
    const text = withInterval(
      "weekdays: ['monday:friday', 'sunday']\nmonths: ['january:march']\ndays_of_month: ['-7:-1']\nyears: ['2020:2025', '2030:2035']\ntimes:\n  - start_time: '09:00'\n    end_time: '17:00'",
    );
    expect(intervalsOf(text)).toEqual([
      {
        weekdays: [{ begin: 1, end: 5 }, { begin: 0, end: 0 }],
        months: [{ begin: 1, end: 3 }],
        days_of_month: [{ begin: -7, end: -1 }],
        years: [{ begin: 2020, end: 2025 }, { begin: 2030, end: 2035 }],
        times: [{ start_minute: 540, end_minute: 1020 }],
        location: 'UTC',
      },
    ]);
  });

  it('accepts a positive start day with a negative end day', () => {
    expect(intervalsOf(withInterval("days_of_month: ['1:-1']"))?.[0]?.days_of_month).toEqual([{ begin: 1, end: -1 }]);
  });

  it('reads weekday and month names in any case', () => {
    const [interval] = intervalsOf(withInterval("months: ['January:december']\nweekdays: ['Monday:FRIDAY']")) ?? [];
    expect([interval?.months, interval?.weekdays]).toEqual([[{ begin: 1, end: 12 }], [{ begin: 1, end: 5 }]]);
  });

  it('reads months by name or by number, and a single value as a one-value range', () => {
    expect(intervalsOf(withInterval("months: ['january:march', '12', 'may']"))?.[0]?.months).toEqual([
      { begin: 1, end: 3 },
      { begin: 12, end: 12 },
      { begin: 5, end: 5 },
    ]);
  });

  it('keeps the location it was given', () => {
    expect(intervalsOf(withInterval("years: ['2020:2022']\nlocation: 'Australia/Sydney'"))?.[0]).toEqual({
      years: [{ begin: 2020, end: 2022 }],
      location: 'Australia/Sydney',
    });
  });

  it('takes UTC for a missing or empty location, as Go\'s LoadLocation("") does', () => {
    expect([intervalsOf(withInterval("weekdays: ['monday']"))?.[0]?.location, intervalsOf(withInterval("location: ''"))?.[0]?.location]).toEqual([
      'UTC',
      'UTC',
    ]);
  });

  it('reads YAML numbers as go-yaml reads them into strings: days, months and years written bare', () => {
    const [interval] = intervalsOf(withInterval('days_of_month: [1, 15, -1]\nmonths: [12]\nyears: [2030]')) ?? [];
    expect([interval?.days_of_month, interval?.months, interval?.years]).toEqual([
      [{ begin: 1, end: 1 }, { begin: 15, end: 15 }, { begin: -1, end: -1 }],
      [{ begin: 12, end: 12 }],
      [{ begin: 2030, end: 2030 }],
    ]);
  });

  it('reads unquoted times and signed days as Alertmanager does', () => {
    const [interval] = intervalsOf(withInterval("times: [{ start_time: 09:00, end_time: 24:00 }]\ndays_of_month: ['+5']")) ?? [];
    expect([interval?.times, interval?.days_of_month]).toEqual([[{ start_minute: 540, end_minute: 1440 }], [{ begin: 5, end: 5 }]]);
  });

  it('treats a field left empty as absent and an explicit [] as an empty list', () => {
    const [interval] = intervalsOf(withInterval('weekdays:\nmonths: []')) ?? [];
    expect([interval?.weekdays, interval?.months]).toEqual([undefined, []]);
  });

  it('gives an entry without time_intervals no intervals, as Alertmanager does', () => {
    expect(parsed(configText('time_intervals:\n  - name: never')).time_intervals).toEqual([{ name: 'never', intervals: [] }]);
  });
});

describe('time intervals in the configuration: from YAML to the instants they hold', () => {
  // Alertmanager's TestYamlUnmarshal and TestTimeIntervalComplete: contains / excludes.
  it.each([
    [
      "weekdays: ['monday:friday']\ntimes:\n  - start_time: '09:00'\n    end_time: '17:00'",
      ['2020-07-08T09:00Z', '2020-07-08T16:59Z'],
      ['2020-07-08T05:00Z', '2020-07-08T08:59Z'],
    ],
    [
      "weekdays: ['monday:friday', 'sunday']\nmonths: ['january:march']\ndays_of_month: ['-7:-1']\nyears: ['2020:2025', '2030:2035']\ntimes:\n  - start_time: '09:00'\n    end_time: '17:00'",
      ['2021-01-27T09:00Z', '2021-01-28T16:59Z', '2021-01-29T13:00Z', '2025-03-31T13:00Z', '2035-01-31T13:00Z'],
      ['2021-01-30T13:00Z', '2021-04-01T13:00Z', '2026-01-30T13:00Z', '2035-01-31T17:01Z'],
    ],
    [
      "weekdays: ['monday:wednesday', 'saturday', 'sunday']\ntimes:\n  - start_time: '13:00'\n    end_time: '15:00'\ndays_of_month: ['1', '10', '20:-1']\nyears: ['2020:2023']\nmonths: ['january:march']",
      ['2021-01-10T13:00Z', '2021-01-30T14:24Z'],
      ['2021-01-09T13:00Z', '2021-01-20T12:59Z', '2021-02-02T13:00Z'],
    ],
    ["days_of_month: ['30:31']\nyears: ['2020:2023']\nmonths: ['february']", [], ['2021-02-28T13:00Z']],
  ])('%s', (interval, contains, excludes) => {
    const [entry] = parsed(withInterval(interval)).time_intervals;
    const holds = (at: string) => anyActive(entry!.intervals, new Date(at));
    expect([contains.map(holds), excludes.map(holds)]).toEqual([contains.map(() => true), excludes.map(() => false)]);
  });

  it('evaluates the same after the JSON round trip that embeds the configuration in a Lambda bundle', () => {
    const { time_intervals: intervals } = parsed(withInterval("weekdays: ['monday:friday']\ndays_of_month: ['-3:-1']\nlocation: Europe/Berlin"));
    const embedded = JSON.parse(JSON.stringify(intervals)) as typeof intervals;
    const instants = ['2026-03-30T12:00Z', '2026-03-31T21:59Z', '2026-03-31T22:00Z', '2026-03-28T12:00Z'].map((at) => new Date(at));
    expect(instants.map((at) => anyActive(embedded[0]!.intervals, at))).toEqual(instants.map((at) => anyActive(intervals[0]!.intervals, at)));
  });
});

describe('time intervals in the configuration: names', () => {
  it('merges time_intervals and the older mute_time_intervals into one list, the older key first', () => {
    const text = configText("time_intervals:\n  - name: new\n    time_intervals: [{ weekdays: ['monday'] }]\nmute_time_intervals:\n  - name: old\n    time_intervals: [{ weekdays: ['sunday'] }]");
    expect(parsed(text).time_intervals).toEqual([
      { name: 'old', intervals: [{ weekdays: [{ begin: 0, end: 0 }], location: 'UTC' }] },
      { name: 'new', intervals: [{ weekdays: [{ begin: 1, end: 1 }], location: 'UTC' }] },
    ]);
  });

  it('leaves no mute_time_intervals key on the validated configuration', () => {
    expect('mute_time_intervals' in parsed(configText('mute_time_intervals:\n  - name: old'))).toBe(false);
  });

  it('always has time_intervals, empty when the file defines none', () => {
    expect(parsed(configText('')).time_intervals).toEqual([]);
  });

  it.each([
    ['twice under time_intervals', 'time_intervals:\n  - name: x\n  - name: x', 'time_intervals[1].name: time interval "x" is not unique'],
    ['twice under mute_time_intervals', 'mute_time_intervals:\n  - name: x\n  - name: x', 'mute_time_intervals[1].name: mute time interval "x" is not unique'],
    ['once under each key', 'time_intervals:\n  - name: x\nmute_time_intervals:\n  - name: x', 'time_intervals[0].name: time interval "x" is not unique'],
  ])('refuses a name defined %s', (_name, topLevel, expected) => {
    expect(problemsOf(configText(topLevel))).toEqual([expected]);
  });

  it('refuses a route that mutes by an undefined interval, naming its key path', () => {
    expect(problemsOf(configText('time_intervals:\n  - name: x', 'mute_time_intervals: [x, nope]'))).toEqual([
      'route.routes[0].mute_time_intervals[1]: undefined time interval "nope" used in route',
    ]);
  });

  it('refuses a nested route active in an undefined interval, naming its key path', () => {
    const routeKeys = "routes:\n  - matchers: ['severity=\"page\"']\n    active_time_intervals: [offhours]";
    expect(problemsOf(configText('', routeKeys))).toEqual(['route.routes[0].routes[0].active_time_intervals[0]: undefined time interval "offhours" used in route']);
  });

  it('matches names case-sensitively, as Alertmanager does', () => {
    expect(problemsOf(configText('time_intervals:\n  - name: offhours', 'active_time_intervals: [OffHours]'))).toEqual([
      'route.routes[0].active_time_intervals[0]: undefined time interval "OffHours" used in route',
    ]);
  });

  it('lets a route use a name defined only under the older mute_time_intervals', () => {
    expect(problemsOf(configText('mute_time_intervals:\n  - name: old', 'mute_time_intervals: [old]'))).toEqual([]);
  });

  it('accepts a route\'s interval list left empty', () => {
    expect(problemsOf(configText('', 'mute_time_intervals:\nactive_time_intervals: []'))).toEqual([]);
  });

  it.each([
    ['mute', 'root route must not have any mute time intervals'],
    ['active', 'root route must not have any active time intervals'],
  ])('refuses %s time intervals on the root route, as Alertmanager does', (kind, message) => {
    const text = configText('time_intervals:\n  - name: x').replace('  receiver: oncall\n', `  receiver: oncall\n  ${kind}_time_intervals: [x]\n`);
    expect(problemsOf(text)).toEqual([`route: ${message}`]);
  });
});

describe('time intervals in the configuration: pasted from an alertmanager.yml', () => {
  // The shape of Alertmanager's documented example, with a route tree that uses both keys.
  const PASTED = `
route:
  receiver: oncall
  group_by: [alertname]
  routes:
    - matchers: ['alertname="GPUUtilizationLow"']
      receiver: scale-down
      active_time_intervals: [offhours]
      mute_time_intervals: [holidays]
    - matchers: [severity="critical"]
      receiver: oncall
      mute_time_intervals:
        - maintenance
receivers:
  - name: scale-down
  - name: oncall
time_intervals:
  - name: offhours
    time_intervals:
      - times:
        - start_time: 20:00
          end_time: 24:00
        - start_time: 00:00
          end_time: 08:00
        weekdays: ['monday:friday']
        location: Europe/Berlin
      - weekdays: ['saturday', 'sunday']
        location: Europe/Berlin
  - name: holidays
    time_intervals:
      - days_of_month: ['24:26', '31']
        months: ['december']
      - days_of_month: ['1']
        months: ['january']
mute_time_intervals:
  - name: maintenance
    time_intervals:
      - weekdays: ['sunday']
        times:
          - start_time: '02:00'
            end_time: '04:00'
        days_of_month: ['-7:-1']
`;

  it('validates, and no warning calls the time interval keys ignored', () => {
    const { warnings } = parseConfigText(PASTED);
    expect(warnings).toEqual(['route.group_by: accepted but ignored: Alertmanager has already grouped and timed each notification it sends, and alertscale acts on every alert in it']);
  });

  it('carries the interval names on the routes and the parsed intervals on the configuration', () => {
    const { config } = parseConfigText(PASTED);
    const byName = indexTimeIntervals(config.time_intervals);
    expect([
      config.route.routes?.[0]?.active_time_intervals,
      config.route.routes?.[0]?.mute_time_intervals,
      [...byName.keys()],
      anyActive(byName.get('offhours')!, new Date('2026-01-05T20:30Z')),
      anyActive(byName.get('holidays')!, new Date('2026-12-25T12:00Z')),
    ]).toEqual([['offhours'], ['holidays'], ['maintenance', 'offhours', 'holidays'], true, true]);
  });
});
