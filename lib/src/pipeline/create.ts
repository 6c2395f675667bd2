/** The pipeline for the configured target: SingleStore's own, or the kit's on MariaDB. */
import { targetOf } from '../targets/index.js';
import type { LocalPipelineOptions } from './local.js';
import type { Pipeline, PipelineHandles, PipelineSpec } from './pipeline.js';

export function createPipeline(handles: PipelineHandles, spec: PipelineSpec, options: LocalPipelineOptions = {}): Pipeline {
  return targetOf(handles.db).createPipeline(handles, spec, options);
}
