// The notebooks' helpers: the lesson bundle, HTML tables and code blocks, charts, figures.
export { openLesson, lessonTestTopic, type Lesson } from './lesson.js';
export { htmlTable, sqlBlock, shellBlock, configRows, formatEur } from './html.js';
export { barChart, lineChart, cityMap, vegaLiteSvg, blankMarks, type BarDatum, type SeriesPoint, type CityAmount } from './charts.js';
export { recordFigures, figuresDir } from './figures.js';
export { renderGrafanaDashboard, type DashboardView, type GrafanaDashboardJson } from './dashboard-view.js';
export { benchComparison, type BenchComparison } from './bench.js';
