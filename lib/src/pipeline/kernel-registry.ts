/**
 * Local pipelines running in this process (a notebook kernel), by database and name: one
 * runner per pipeline per kernel. A cell re-run after an interrupt makes a new object for
 * the same pipeline; the registry finds the one that really runs. Kernel > Interrupt stops
 * a run with the cell's other work (interrupt.ts), as SingleStore's pipelines, which run
 * in the database, would not be.
 */
import { operationSignal } from '../interrupt.js';

/** What the registry needs of a running pipeline. */
export interface KernelRun {
  /** Stops this object's run (not another object's). */
  stopRun(): Promise<void>;
}

const runningHere = new Map<string, KernelRun>();

/** The object running the pipeline `key` in this kernel, if any. */
export function runningInKernel(key: string): KernelRun | undefined {
  return runningHere.get(key);
}

export function registerRun(key: string, run: KernelRun): void {
  runningHere.set(key, run);
}

/** Forgets `run`, if it is still the one registered under `key`. */
export function unregisterRun(key: string, run: KernelRun): void {
  if (runningHere.get(key) === run) runningHere.delete(key);
}

/** Stops `run` on Kernel > Interrupt; returns the function that stops listening. */
export function stopOnInterrupt(what: string, run: KernelRun): () => void {
  const interrupt = operationSignal(what);
  interrupt.signal?.addEventListener('abort', () => void run.stopRun().catch(() => undefined), { once: true });
  return interrupt.done;
}
