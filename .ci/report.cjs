#!/usr/bin/env node
// Reads one vitest JSON report for .ci/run: `node .ci/report.cjs REPORT STATUS NODE_VERSION`.
// Prints four lines: the counts `passed failed skipped`, the skipped tests grouped by their
// suite (its title says why they skip), the failed tests' files (space-separated, for a
// rerun) and the failed tests with the first line of their error, `; `-separated ("-" for none).
// A run that failed outside any test (a global setup, an unhandled error, the time bound)
// counts as one failure; so does a notebook kernel that ran on another Node than this run's.
'use strict';
const fs = require('fs');
const path = require('path');

const [report, status, nodeVersion] = process.argv.slice(2);
let passed = 0, failed = 0;
const skippedSuites = [], failedFiles = new Set(), failures = [];
if (fs.existsSync(report)) {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  for (const file of r.testResults) {
    const relative = path.relative(process.cwd(), file.name);
    if (file.status === 'failed') failedFiles.add(relative);
    if (file.status === 'failed' && file.assertionResults.length === 0) failures.push(`${relative}: ${firstLine(file.message)}`);
    for (const t of file.assertionResults) {
      if (['pending', 'skipped', 'todo'].includes(t.status)) skippedSuites.push(t.ancestorTitles?.[0] || t.fullName || t.title);
      if (t.status === 'failed') failures.push(`${t.fullName || t.title} (${relative}): ${firstLine(t.failureMessages?.[0])}`);
    }
  }
  const ranNotebooks = r.testResults.some((t) => t.name.includes('/test/notebooks/') && t.status === 'passed');
  const setup = 'out/test-notebooks/00-setup.ipynb';
  // Notebook 00 prints process.version from inside its kernel.
  if (ranNotebooks && !(fs.existsSync(setup) && fs.readFileSync(setup, 'utf8').includes(nodeVersion))) {
    failures.push(`the notebooks did not run on node ${nodeVersion}: check PATH`);
    failed += 1;
  }
}
if (status !== '0' && failed === 0) {
  failed = 1;
  failures.push(status === '124' || status === '137' ? 'stopped by its time bound' : `vitest exited with ${status} outside any test`);
}
const groups = {};
for (const g of skippedSuites) groups[g] = (groups[g] ?? 0) + 1;
console.log(`${passed} ${failed} ${skippedSuites.length}`);
console.log(Object.entries(groups).map(([g, n]) => `${g} (${n})`).join('; ') || '-');
console.log([...failedFiles].join(' ') || '-');
console.log(failures.join('; ') || '-');

function firstLine(text) {
  const line = String(text ?? '').split('\n').find((l) => l.trim() !== '') ?? 'no message';
  return line.trim().slice(0, 300);
}
