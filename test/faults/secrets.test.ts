// No credential in what the kit prints or logs: the presenter CLIs' output (successes, and
// failures with KIT_DEBUG's full traces) and the fault services' own logs.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_STATE_DIR, faultEnv, runKitScript } from './fault-services.js';
import { useFaultDatabase } from './fault-database.js';

// A database of this file's own: the scripts below load and reconcile in it.
useFaultDatabase(1);

const password = new URL(faultEnv().DATABASE_URL!).password;
const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`;

function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'data' || name === 'run') return [];
    return statSync(path).isDirectory() ? logFiles(path) : name.endsWith('.log') ? [path] : [];
  });
}

describe('faults: secrets', () => {
  it('appear in no CLI output, error trace or service log', async () => {
    const topic = `kit-faults-secrets-${randomBytes(3).toString('hex')}`;
    const env = faultEnv({ KAFKA_TOPIC: topic });
    const wrong = new URL(env.DATABASE_URL!);
    wrong.password = wrongPassword;
    const runs = [
      await runKitScript('infra/produce.ts', ['--count', '2000'], { env }),
      await runKitScript('infra/pipeline.ts', ['--until-caught-up'], { env }),
      await runKitScript('infra/reconcile.ts', [], { env }),
      await runKitScript('infra/status.ts', [], { env }),
      await runKitScript('infra/reconcile.ts', [], { env: { ...env, DATABASE_URL: wrong.toString(), KIT_DEBUG: '1' } }),
    ];
    const [produce, pipeline, reconcile, status, refused] = runs;
    expect(produce!.code, produce!.stderr).toBe(0);
    expect(pipeline!.code, pipeline!.stderr).toBe(0);
    expect(reconcile!.stdout).toMatch(/EXACT/);
    expect(status!.stdout).toMatch(/127\.0\.0\.1:13306/);
    expect(refused!.code).toBe(1);
    expect(refused!.stderr).toMatch(/refused user 'kit'/);

    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toContain(password);
      expect(run.stdout + run.stderr).not.toContain(wrongPassword);
    }
    const logs = logFiles(FAULT_STATE_DIR);
    expect(logs.length).toBeGreaterThan(1);
    for (const file of logs) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes(password), file).toBe(false);
      expect(text.includes(wrongPassword), file).toBe(false);
    }
  });
});
