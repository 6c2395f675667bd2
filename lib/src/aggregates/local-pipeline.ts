/**
 * The local pipeline as the library exports it: `keepTotals: true` is lesson 09's shorthand
 * for the totals' rows hook, resolved here, beside the totals, so that pipeline/ knows
 * nothing of them.
 */
import type { PipelineHandles, PipelineSpec } from '../pipeline/pipeline.js';
import { LocalPipeline as CoreLocalPipeline, type LocalPipelineOptions as CoreOptions } from '../pipeline/local.js';
import { TOTALS_ROWS_HOOK } from './maintain.js';

export interface LocalPipelineOptions extends CoreOptions {
  /** Keep the dashboard's totals in each batch's transaction, as a SingleStore procedure pipeline does. */
  keepTotals?: boolean;
}

export class LocalPipeline extends CoreLocalPipeline {
  constructor(handles: PipelineHandles, spec: PipelineSpec, { keepTotals, ...options }: LocalPipelineOptions = {}) {
    super(handles, spec, keepTotals ? { ...options, rowsHook: TOTALS_ROWS_HOOK } : options);
  }
}
