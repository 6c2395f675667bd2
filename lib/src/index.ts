// The kit's public API on one screen: notebooks, scripts, tests and dashboards import from here.
export * from './errors.js';
export * from './config.js';
export * from './kafka.js';
export * from './db.js';
export * from './campaign.js';
export * from './campaigns.js';
export * from './producer.js';
export * from './schema.js';
export * from './transform.js';
export * from './pipeline.js';
export * from './queries.js';
export * from './reconcile.js';
export * from './workshop.js';
