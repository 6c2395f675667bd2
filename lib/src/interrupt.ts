/**
 * Jupyter's "interrupt the kernel" arrives in the tslab kernel as SIGINT. tslab then ends
 * the cell with "Interrupted asynchronously", but the promises the cell started keep
 * running. The kit's long operations (producing, waiting for a pipeline, live views)
 * listen to this signal too, so that an interrupt really stops them: they flush, record
 * what was acknowledged, and the cell shows one line saying what stopped.
 */
import { KitError } from './errors.js';

export class InterruptedError extends KitError {
  constructor() {
    super('interrupted (Kernel > Interrupt, or Ctrl-C)');
  }
}

const TSLAB_INTERRUPT = 'Interrupted asynchronously';
let controller: AbortController | undefined;
const running = new Set<string>();

/** True inside a tslab kernel (a notebook), where SIGINT means "stop this cell". */
function underNotebookKernel(): boolean {
  return '__tslab__' in globalThis;
}

function install(): void {
  controller = new AbortController();
  process.on('SIGINT', () => {
    const stopped = [...running];
    const interrupted = controller!;
    controller = new AbortController();
    interrupted.abort(new InterruptedError());
    // tslab's own handler ran first and ended the cell; this line lands in that cell's output.
    console.log(stopped.length ? `Interrupted: stopping ${stopped.join(', ')}; what the broker acknowledged is recorded.` : 'Interrupted.');
  });
  // tslab reports an interrupt with one Error it created at start, whose stack (formatted on
  // first use) points inside tslab: format that one error as one line instead. Every other
  // error keeps V8's usual format.
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (error instanceof Error && error.message === TSLAB_INTERRUPT) return 'Interrupted (Kernel > Interrupt).';
    if (previous) return previous(error, frames);
    return `${error.name}: ${error.message}${frames.map((frame) => `\n    at ${frame}`).join('')}`;
  };
}

/**
 * The signal a long operation stops on: the caller's, the kernel's interrupt (in a
 * notebook), or both. `what` names the work in the line an interrupt prints.
 */
export function operationSignal(what: string, signal?: AbortSignal): { signal: AbortSignal | undefined; done: () => void } {
  if (!underNotebookKernel()) return { signal, done: () => undefined };
  if (!controller) install();
  running.add(what);
  const kernel = controller!.signal;
  return { signal: signal ? eitherSignal(signal, kernel) : kernel, done: () => running.delete(what) };
}

/** Aborts when either aborts (AbortSignal.any, which Node 20's type declarations lack). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const both = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) both.abort(signal.reason);
    else signal.addEventListener('abort', () => both.abort(signal.reason), { once: true });
  }
  return both.signal;
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
