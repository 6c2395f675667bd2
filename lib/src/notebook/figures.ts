/**
 * Figures a notebook reports for the main job's summary and the notebook test (rows
 * ingested, latencies), as JSON files in KIT_FIGURES_DIR (default out/figures at the
 * repository's top).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { loadConfig, type KitConfig } from '../config.js';

/** The repository's top: the folder holding package-lock.json, above the current one. */
export function repositoryTop(from = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

export function figuresDir(config: KitConfig = loadConfig()): string {
  const top = repositoryTop();
  const configured = config.kit.figuresDir;
  return configured ? (isAbsolute(configured) ? configured : resolve(top, configured)) : join(top, 'out', 'figures');
}

/** Writes `figures` as `<name>.json`; returns the file's name relative to the figures folder's parent. */
export function recordFigures(name: string, figures: unknown, config?: KitConfig): string {
  const dir = figuresDir(config);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(figures, null, 2));
  return `${dir.split('/').slice(-1)[0]}/${name}.json`;
}
