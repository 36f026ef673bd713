/**
 * `alertscale replay` as a library: read history, run it through the live
 * pipeline's code on a virtual clock, compare two runs, render the result.
 *
 * ```ts
 * const history = readHistoryFiles(['history.jsonl']);   // or historyOfWebhooks([{ receivedAt, body }, …])
 * const report = await replay({ config, history });
 * ```
 */
export { replay, withStartingSizes, ReplayStartError, type ReplayOptions } from './run';
export { historyOf, historyOfWebhooks, type History, type HistoryEntry, type InputProblem } from './history';
export { historyInputs, readHistory, readHistoryFiles, HistoryReadError, type HistoryFiles, type HistoryInput } from './inputs/read';
export { ScenarioError, parseScenarioText, scenarioHistory, DEFAULT_SCENARIO_START } from './inputs/scenario';
export { compareReplays, type ReplayComparison } from './compare';
export type { ReplayReport, TimelineRow, NodeGroupSummary, DecisionSummary } from './report';
export { reportText, comparisonText } from './render/text';
export { reportHtml, comparisonHtml } from './render/html';
