/**
 * Where a process's time goes, from a V8 CPU profile (`node --cpu-prof`): each sample's
 * time is charged to the category of the innermost frame that has one, so that a builtin
 * (JSON.parse, Buffer.toString) counts for the code that called it. Also: the top
 * functions by self time, for the report.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  /** Wall time the profile covers. */
  totalMs: number;
  /** Milliseconds per category, largest first; 'idle' is the process waiting (on the database, the broker, a timer). */
  categories: { category: string; ms: number; share: number }[];
  /** Functions by self time (builtins named as they are). */
  topFunctions: { name: string; where: string; ms: number; share: number }[];
}

/** Categories, first match wins; a frame with none passes its time to its caller's. */
const RULES: [RegExp, string][] = [
  [/kafkajs\/src\/protocol\/recordBatch|kafkajs\/src\/protocol\/decoder|kafkajs\/src\/protocol\/requests\/fetch|kafkajs\/src\/protocol\/crc32C/, 'Kafka protocol (kafkajs decode/encode, CRC)'],
  [/kafkajs\/src\/protocol\/encoder|kafkajs\/src\/protocol\/requests\/produce|kafkajs\/src\/protocol\/message/, 'Kafka protocol (kafkajs decode/encode, CRC)'],
  [/kafkajs/, 'Kafka client (kafkajs: batching, network, bookkeeping)'],
  [/mysql2|named-placeholders|sqlstring|lru-cache|denque|iconv-lite/, 'database driver (mysql2)'],
  [/pipeline\/donation-tsv\.[jt]s/, 'message bytes to TSV line (parse, checks and line in one pass)'],
  [/pipeline\/transform\.[jt]s#(rowToTsv|escapeTsv)/, 'TSV formatting'],
  [/pipeline\/writer\.[jt]s/, 'TSV formatting'],
  [/pipeline\/transform\.[jt]s/, 'JSON parse and validation'],
  [/aggregates\/maintain/, 'totals (aggregates kept at ingest)'],
  [/campaigns\/generator/, 'event generation'],
  [/kafka\/producer\.[jt]s#.*encode|bench\/events\.[jt]s#encodeEnvelope/, 'event serialisation (JSON.stringify)'],
  [/kafka\/producer\.[jt]s/, 'producer loop'],
  [/pipeline\/(local|store|lock)\.[jt]s/, 'pipeline bookkeeping'],
];

function categoryOf(frame: CallFrame): string | undefined {
  if (frame.functionName === '(garbage collector)') return 'garbage collection';
  if (frame.functionName === '(idle)') return 'idle';
  if (frame.functionName === '(program)') return 'V8 and native (program)';
  if (!frame.url) return undefined;
  const key = `${frame.url}#${frame.functionName}`;
  for (const [pattern, category] of RULES) if (pattern.test(key)) return category;
  return undefined;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryCache = new Map<number, string>();
  const resolve = (id: number): string => {
    const cached = categoryCache.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const own = categoryOf(node.callFrame);
    const up = parent.get(id);
    const category = own ?? (up === undefined ? 'Node runtime (event loop, socket reads, promise jobs)' : resolve(up));
    categoryCache.set(id, category);
    return category;
  };
  const categoryMs = new Map<string, number>();
  const selfMs = new Map<string, { name: string; where: string; ms: number }>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const id = profile.samples[i]!;
    total += ms;
    const category = resolve(id);
    categoryMs.set(category, (categoryMs.get(category) ?? 0) + ms);
    const frame = byId.get(id)!.callFrame;
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/(node_modules|lib|infra)\//, '$1/')}:${frame.lineNumber + 1}` : '(native)';
    const key = `${frame.functionName}@${where}`;
    const entry = selfMs.get(key) ?? selfMs.set(key, { name: frame.functionName || '(anonymous)', where, ms: 0 }).get(key)!;
    entry.ms += ms;
  }
  const share = (ms: number) => Math.round((ms / total) * 1000) / 10;
  return {
    file,
    totalMs: Math.round(total),
    categories: [...categoryMs].map(([category, ms]) => ({ category, ms: Math.round(ms), share: share(ms) })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...selfMs.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, ms: Math.round(f.ms), share: share(f.ms) })),
  };
}
