// Lesson steps: what a notebook cell calls, each returning figures that show themselves (lesson.show).
export { notebookScreen, textScreen, htmlToText, statementsRun, folded, type Block, type Shown, type Screen, type NotebookDisplay } from './screen.js';
export { measureSideBySide, mergeReports, upperFigure, type Contender, type Measured, type SideBySideOptions } from './measure.js';
export { comparedWith, describeReport, keepsUp, times, NOISE_FACTOR } from './verdict.js';
export { saveLessonFigures, loadLessonFigures, LESSON_FIGURES_TABLE } from './record.js';
export { sharedCampaign, NAIVE_GROWTH, type SharedCampaign } from './shared.js';
export { growNaiveTable, growthVerdict, type Growth, type GrowthStep, type GrowOptions } from './grow.js';
export { watchLive, type LiveView, type LiveRun, type LiveOptions } from './live.js';
export { catchSlowPanels, profileSlowest, profilePanel, type SlowPanels, type SlowestProfile } from './profiling.js';
export {
  lessonLayouts, layoutsOverview, liveAgainstQuiet, liveComparison, readBaseline, replayIntoKitLayout, copyIntoLayouts, compareLayouts, perPanel, whatEachPartBought, baselineOf,
  BASELINE, OPTIMIZED_PIPELINE, type Baseline, type Replay, type Copies,
} from './layouts.js';
export { totalsOverview, replayTwice, totalsAgainstRows, sameAnswers, measureTotals, ROWS_ONLY_TABLE, type Replays, type TotalsMeasure } from './totals.js';
export { drawGrafanaDashboard, stateLeftBehind } from './wrapup.js';
export {
  whichTarget, createMessagesTable, produceWhileCounting, prepareDonations, createNaiveTable, createDonationsPipeline, testPipeline, startAndCatchUp, collectLive, reconcile,
  runDashboardQueries, campaignCharts, suggestedIndexesTable, type LiveCollection, type QueryResults,
} from './first-steps.js';
export { recordGrowth, recordLayouts, recordTotals } from './figures.js';
