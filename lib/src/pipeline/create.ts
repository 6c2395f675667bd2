/** The pipeline for the configured target: SingleStore's own, or the kit's on MariaDB. */
import { LocalPipeline, type LocalPipelineOptions } from './local.js';
import type { Pipeline, PipelineHandles, PipelineSpec } from './pipeline.js';
import { SingleStorePipeline } from './singlestore.js';

export function createPipeline(handles: PipelineHandles, spec: PipelineSpec, options: LocalPipelineOptions = {}): Pipeline {
  return handles.db.target === 'singlestore' ? new SingleStorePipeline(handles, spec) : new LocalPipeline(handles, spec, options);
}
