// The kit's public API on one screen: notebooks, scripts, tests and dashboards import from here.
export * from './errors.js';
export * from './config.js';
export * from './kafka.js';
export * from './db.js';
