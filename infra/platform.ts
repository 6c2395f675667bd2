/**
 * Where the programs the kit runs live on a learner's machine (Debian/Ubuntu, Fedora, macOS
 * with Homebrew, WSL 2), and the one-line install command for each when one is missing.
 * Pure functions over an injected view of the machine, so that the unit tests can play a Mac.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { userInfo } from 'node:os';

/** What the finders see of the machine. */
export interface Machine {
  platform: NodeJS.Platform;
  /** The text of /etc/os-release (Linux), empty elsewhere. */
  osRelease: string;
  /** The folders of PATH, in order. */
  path: string[];
  isRoot: boolean;
  exists(path: string): boolean;
  /** Entry names of a folder; empty when it does not exist. */
  list(folder: string): string[];
  /** The path with symbolic links resolved (Homebrew links bin/ into its Cellar). */
  realpath(path: string): string;
}

export function thisMachine(env: NodeJS.ProcessEnv = process.env): Machine {
  return {
    platform: process.platform,
    osRelease: existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '',
    path: (env.PATH ?? '').split(delimiter).filter(Boolean),
    isRoot: userInfo().uid === 0,
    exists: existsSync,
    list: (folder) => {
      try {
        return readdirSync(folder);
      } catch {
        return [];
      }
    },
    realpath: (path) => realpathSync(path),
  };
}

export type PackageManager = 'apt' | 'dnf' | 'brew' | 'none';

/** The package manager a learner of this OS installs with: brew on macOS, apt on Debian/Ubuntu (and WSL's Ubuntu), dnf on Fedora/RHEL. */
export function packageManagerOf(machine: Pick<Machine, 'platform' | 'osRelease'>): PackageManager {
  if (machine.platform === 'darwin') return 'brew';
  if (machine.platform !== 'linux') return 'none';
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?`, 'm').exec(machine.osRelease)?.[1]?.toLowerCase().split(/\s+/) ?? [];
  const family = [...field('ID'), ...field('ID_LIKE')];
  if (family.some((id) => ['debian', 'ubuntu'].includes(id))) return 'apt';
  if (family.some((id) => ['fedora', 'rhel', 'centos'].includes(id))) return 'dnf';
  return 'none';
}

export type Requirement = 'mariadb' | 'java' | 'python' | 'kcat';

const PACKAGES: Record<Requirement, { apt: string; dnf: string; brew: string; what: string }> = {
  mariadb: { apt: 'mariadb-server', dnf: 'mariadb-server', brew: 'mariadb', what: 'MariaDB 10.4 or later' },
  // Homebrew's openjdk@17 is keg-only: the kit finds it in Homebrew's opt folder, no PATH change needed.
  java: { apt: 'openjdk-17-jre-headless', dnf: 'java-17-openjdk-headless', brew: 'openjdk@17', what: 'Java 17' },
  // Debian splits venv (with pip) out of Python; Fedora's and Homebrew's Python include it.
  python: { apt: 'python3-venv', dnf: 'python3', brew: 'python', what: 'Python 3.9 or later with its venv module' },
  // Only `npm run bench` needs it: the producer's peer.
  kcat: { apt: 'kcat', dnf: 'kcat', brew: 'kcat', what: 'kcat (librdkafka\'s command-line client)' },
};

/** What apt-get installs for a requirement: the README's Debian row (MariaDB's client too, for the kit's set-up of its user). */
export function aptPackages(requirement: Requirement): string[] {
  return requirement === 'mariadb' ? [PACKAGES.mariadb.apt, 'mariadb-client'] : [PACKAGES[requirement].apt];
}

/** The command that installs what is missing, for this machine: `brew install mariadb`, `sudo apt-get install mariadb-server`... */
export function installCommand(requirement: Requirement, machine: Pick<Machine, 'platform' | 'osRelease' | 'isRoot'>): string {
  const packages = PACKAGES[requirement];
  const sudo = machine.isRoot ? '' : 'sudo ';
  switch (packageManagerOf(machine)) {
    case 'brew':
      return `brew install ${packages.brew}`;
    case 'apt':
      return `${sudo}apt-get install ${packages.apt}`;
    case 'dnf':
      return `${sudo}dnf install ${packages.dnf}`;
    default:
      return machine.platform === 'win32' ? 'run the kit inside WSL 2 (README, "On Windows")' : `install ${packages.what} with your package manager`;
  }
}

// ------------------------------------------------------------ finding programs

/** Homebrew's prefixes: Apple silicon, then Intel. */
const HOMEBREW = ['/opt/homebrew', '/usr/local'];

/** The bin folders of Homebrew's kegs whose name matches (keg-only versions such as mariadb@10.11 or openjdk@17 are not linked into bin). */
function homebrewKegBins(machine: Machine, keg: RegExp, sub = 'bin'): string[] {
  return HOMEBREW.flatMap((prefix) =>
    machine
      .list(join(prefix, 'opt'))
      .filter((name) => keg.test(name))
      .sort()
      .reverse()
      .map((name) => join(prefix, 'opt', name, sub)),
  );
}

function unique(folders: string[]): string[] {
  return [...new Set(folders)];
}

/** The first `name` in the first folder that has one, name by name (earlier names win over earlier folders). */
export function findProgram(names: string[], folders: string[], machine: Pick<Machine, 'exists'>): string | undefined {
  for (const name of names) {
    for (const folder of folders) {
      const candidate = join(folder, name);
      if (machine.exists(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface MariadbPrograms {
  /** The server: mariadbd (or a MariaDB mysqld). */
  server: string;
  /** Creates a data folder: mariadb-install-db or mysql_install_db. */
  installDb: string;
  /** The command-line client, which logs in over the socket to create the kit's user. */
  client: string;
  /** The installation's base folder (`--basedir` of the install script). */
  baseDir: string;
}

/**
 * Where a MariaDB installation may be: PATH first (the learner's choice), then the system's
 * sbin folders (Debian's /usr/sbin is not on a user's PATH; Fedora uses /usr/libexec),
 * then Homebrew's, linked or keg-only.
 */
export function mariadbFolders(machine: Machine): string[] {
  return unique([
    ...machine.path,
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/libexec',
    '/usr/bin',
    ...HOMEBREW.flatMap((prefix) => [join(prefix, 'bin'), join(prefix, 'sbin')]),
    ...homebrewKegBins(machine, /^mariadb(@[\d.]+)?$/),
  ]);
}

/** The server, its install script and its client; undefined when no server is installed. */
export function findMariadb(machine: Machine): MariadbPrograms | undefined {
  const folders = mariadbFolders(machine);
  const server = findProgram(['mariadbd', 'mysqld'], folders, machine);
  if (!server) return undefined;
  const serverDir = dirname(server);
  // The installation's own folder: Homebrew's bin/mariadbd is a link into its Cellar.
  const baseDir = dirname(dirname(machine.realpath(server)));
  // The helpers of the same installation first: a second MariaDB on PATH must not mix in.
  const near = unique([serverDir, join(baseDir, 'bin'), join(baseDir, 'scripts'), ...folders]);
  const installDb = findProgram(['mariadb-install-db', 'mysql_install_db'], near, machine);
  const client = findProgram(['mariadb', 'mysql'], near, machine);
  if (!installDb || !client) return undefined;
  return { server, installDb, client, baseDir };
}

/** Java candidates in order: JAVA_HOME, PATH, then Homebrew's keg-only OpenJDKs (newest first). */
export function javaCandidates(machine: Machine, javaHome?: string): string[] {
  const folders = unique([
    ...(javaHome ? [join(javaHome, 'bin')] : []),
    ...machine.path,
    ...homebrewKegBins(machine, /^openjdk(@\d+)?$/),
  ]);
  return folders.map((folder) => join(folder, 'java')).filter((candidate) => machine.exists(candidate));
}

/** The major version from `java -version`'s output: 17 for "17.0.15", 8 for "1.8.0_392". */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

/** Python candidates in order: python3 on PATH, then the system's and Homebrew's. */
export function pythonCandidates(machine: Machine): string[] {
  const folders = unique([...machine.path, '/usr/bin', '/usr/local/bin', ...HOMEBREW.map((prefix) => join(prefix, 'bin'))]);
  return folders.map((folder) => join(folder, 'python3')).filter((candidate) => machine.exists(candidate));
}

// ------------------------------------------------------------ checking them

/** Runs `program args` and returns stdout + stderr, or undefined when it cannot run or fails. */
function outputOf(program: string, args: string[]): string | undefined {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 ? `${result.stdout}${result.stderr}` : undefined;
}

/** Kafka 4.x brokers are built for Java 17 (KIT_KAFKA_VERSION=3.9 asks for 11). */
export const MIN_JAVA = 17;

/**
 * A Java that runs, `minimum` or later. macOS's /usr/bin/java is a stub that fails when no JDK is
 * installed, so every candidate is asked for its version.
 */
export function findJava(machine: Machine = thisMachine(), javaHome = process.env.JAVA_HOME, minimum = MIN_JAVA): { java?: string; tooOld?: string } {
  let tooOld: string | undefined;
  for (const candidate of javaCandidates(machine, javaHome)) {
    const major = parseJavaMajor(outputOf(candidate, ['-version']) ?? '');
    if (major === undefined) continue;
    if (major >= minimum) return { java: candidate };
    tooOld ??= `${candidate} is Java ${major}`;
  }
  return { tooOld };
}

/** What a Python reports about itself: "3.11 venv" (venv and ensurepip importable) or "3.11 no-venv". */
const PYTHON_PROBE = 'import sys\ntry:\n import venv, ensurepip\n ok = "venv"\nexcept ImportError:\n ok = "no-venv"\nprint("%d.%d %s" % (sys.version_info[0], sys.version_info[1], ok))';

export function parsePythonProbe(output: string): { version: [number, number]; hasVenv: boolean } | undefined {
  const match = /^(\d+)\.(\d+) (venv|no-venv)$/m.exec(output);
  return match ? { version: [Number(match[1]), Number(match[2])], hasVenv: match[3] === 'venv' } : undefined;
}

/** A Python 3.9+ that can create a virtual environment, or why none can. */
export function findPythonForVenv(machine: Machine = thisMachine()): { python?: string; problem?: string } {
  let problem = 'no python3 found';
  for (const candidate of pythonCandidates(machine)) {
    const probe = parsePythonProbe(outputOf(candidate, ['-c', PYTHON_PROBE]) ?? '');
    if (!probe) continue;
    const [major, minor] = probe.version;
    if (major < 3 || (major === 3 && minor < 9)) problem = `${candidate} is Python ${major}.${minor}, older than 3.9`;
    else if (!probe.hasVenv) problem = `${candidate} lacks the venv module`;
    else return { python: candidate };
  }
  return { problem };
}

/** "10.11.19" from `mariadbd --version`, when it is MariaDB (MySQL's mysqld is not: the kit's settings and login are MariaDB's). */
export function parseMariadbVersion(versionOutput: string): string | undefined {
  return /Ver (\d+\.\d+\.\d+)-MariaDB/i.exec(versionOutput)?.[1];
}

export function mariadbVersionOf(server: string): string | undefined {
  return parseMariadbVersion(outputOf(server, ['--version']) ?? '');
}

/** True when `version` is at least `minimum` (both "major.minor[.patch]"). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** kcat (Debian's and Homebrew's name) or kafkacat (its old name), on PATH. */
export function findKcat(machine: Machine): string | undefined {
  return findProgram(['kcat', 'kafkacat'], machine.path, machine);
}
