// The dev container, as far as it can be checked without Docker: the file parses as
// devcontainer.json's JSONC, every command it runs exists in the kit, its port is the lab's,
// and its install steps are the functions `npm run up` and `npm run lab` install with.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_STEPS, SYSTEM_STEPS } from '../../infra/devcontainer.js';
import { ensureJupyter, ensurePythonForVenv } from '../../infra/jupyter.js';
import { LAB_PORT } from '../../infra/lab.js';
import { ensureJava, ensureMariadb, installLocalKafkaJars } from '../../infra/local-services.js';
import { aptPackages, installCommand } from '../../infra/platform.js';
import { ROOT } from '../../infra/services.js';

/** JSONC as devcontainer.json allows it: // and /* comments, outside strings. */
function stripJsonComments(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match, string: string | undefined) => string ?? '');
}

interface DevContainer {
  image: string;
  features?: Record<string, unknown>;
  containerEnv?: Record<string, string>;
  onCreateCommand: string;
  postCreateCommand: string;
  postAttachCommand: string;
  forwardPorts: number[];
  portsAttributes: Record<string, { label?: string; onAutoForward?: string }>;
  hostRequirements: { cpus: number; memory: string; storage: string };
}

const file = readFileSync(join(ROOT, '.devcontainer', 'devcontainer.json'), 'utf8');
const config = JSON.parse(stripJsonComments(file)) as DevContainer;
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const setupScript = readFileSync(join(ROOT, 'infra', 'devcontainer-setup.sh'), 'utf8');

/** What each `a && b` part of a command names: an npm script, or a file the shell runs. */
function missingInKit(command: string): string[] {
  return command.split('&&').flatMap((part) => {
    const words = part.trim().split(/\s+/);
    if (words[0] === 'npm' && words[1] === 'run') return scripts[words[2]!] ? [] : [`npm script ${words[2]}`];
    if (words[0] === 'sh') return existsSync(join(ROOT, words[1]!)) ? [] : [words[1]!];
    return [`an unknown command: ${part.trim()}`];
  });
}

describe('the dev container', () => {
  it('parses as JSONC, comments and URLs in strings kept apart', () => {
    expect(stripJsonComments('{ "a": "https://x//y", /* c */ "b": 1 // d\n}')).toBe('{ "a": "https://x//y",  "b": 1 \n}');
    expect(config.image).toMatch(/^mcr\.microsoft\.com\/devcontainers\/javascript-node:\d+\.\d+\.\d+-24-bookworm$/);
  });

  it('runs no Docker inside: no feature, and the local path', () => {
    expect(config.features ?? {}).toEqual({});
    expect(config.containerEnv?.KIT_INFRA).toBe('local');
  });

  it('runs only commands the kit has', () => {
    for (const command of [config.onCreateCommand, config.postCreateCommand, config.postAttachCommand]) expect(missingInKit(command), command).toEqual([]);
    expect(config.postCreateCommand).toMatch(/^npm run devcontainer -- kit$/);
    expect(scripts.devcontainer).toContain('tsx infra/devcontainer.ts');
    expect(setupScript).toMatch(/tsx infra\/devcontainer\.ts system\n/);
    expect(missingInKit('npm run nothing-such && sh infra/nothing.sh')).toEqual(['npm script nothing-such', 'infra/nothing.sh']);
  });

  it("forwards and opens the port `npm run lab` listens on", () => {
    expect(config.forwardPorts).toEqual([LAB_PORT]);
    expect(config.portsAttributes[String(LAB_PORT)]).toEqual({ label: 'JupyterLab', onAutoForward: 'openBrowser' });
    expect(config.postAttachCommand).toBe('npm run lab -- --no-browser');
  });

  it('installs with the code the kit itself installs with as root (npm run up, npm run lab, the learner set-up)', () => {
    expect(SYSTEM_STEPS).toEqual({ java: ensureJava, mariadb: ensureMariadb, python: ensurePythonForVenv });
    expect(KIT_STEPS).toEqual({ kafkaJars: installLocalKafkaJars, jupyter: ensureJupyter });
  });

  it("installs the README's Debian row", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const debian = { platform: 'linux' as const, osRelease: 'ID=debian\n', isRoot: false };
    for (const requirement of ['java', 'mariadb', 'python'] as const) {
      expect(readme).toContain(`\`${installCommand(requirement, debian)}\``);
      expect(installCommand(requirement, debian)).toBe(`sudo apt-get install ${aptPackages(requirement)[0]}`);
    }
  });

  it('asks for a machine the default scale fits, and says what that was measured on', () => {
    expect(config.hostRequirements.cpus).toBeGreaterThanOrEqual(2);
    expect(config.hostRequirements.memory).toMatch(/^\d+gb$/);
    expect(config.hostRequirements.storage).toMatch(/^\d+gb$/);
    expect(file).toMatch(/Measured here[\s\S]*--rows 200k[\s\S]*"hostRequirements"/);
  });
});
