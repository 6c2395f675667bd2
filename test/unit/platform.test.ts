// Finding MariaDB, Java and Python on a learner's machine, and the one-line install command
// when one is missing. Macs cannot run here: they are fixtures (platform, PATH, files), and
// this Debian machine is checked for real, seen as a user without /usr/sbin on PATH.
import { describe, expect, it } from 'vitest';
import {
  findKcat,
  findMariadb,
  MIN_JAVA,
  findJava,
  installCommand,
  javaCandidates,
  packageManagerOf,
  parseJavaMajor,
  parseMariadbVersion,
  parsePythonProbe,
  thisMachine,
  versionAtLeast,
  type Machine,
} from '../../infra/platform.js';
import { checkDataFolderRelease, databasePortTaken, socketPathFor } from '../../infra/local-services.js';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'NAME="Fedora Linux"\nVERSION_ID=40\nID=fedora\n';
const ROCKY = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n';
const ARCH = 'NAME="Arch Linux"\nID=arch\n';

/** A machine made of a list of files; `links` maps a path to its real path. */
function machine(options: { platform?: NodeJS.Platform; osRelease?: string; path: string[]; files: string[]; links?: Record<string, string>; isRoot?: boolean }): Machine {
  const files = new Set(options.files);
  return {
    platform: options.platform ?? 'linux',
    osRelease: options.osRelease ?? '',
    path: options.path,
    isRoot: options.isRoot ?? false,
    exists: (path) => files.has(path),
    list: (folder) => [...new Set(options.files.filter((file) => file.startsWith(`${folder}/`)).map((file) => file.slice(folder.length + 1).split('/')[0]!))],
    realpath: (path) => options.links?.[path] ?? path,
  };
}

const MAC_PATH = ['/opt/homebrew/bin', '/opt/homebrew/sbin', '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

describe('finding an installed MariaDB', () => {
  it("on a Mac with Homebrew's mariadb (Apple silicon): bin/ links into the Cellar, which is the base folder", () => {
    const mac = machine({
      platform: 'darwin',
      path: MAC_PATH,
      files: ['/opt/homebrew/bin/mariadbd', '/opt/homebrew/bin/mariadb-install-db', '/opt/homebrew/bin/mariadb', '/usr/bin/java'],
      links: { '/opt/homebrew/bin/mariadbd': '/opt/homebrew/Cellar/mariadb/11.4.2/bin/mariadbd' },
    });
    expect(findMariadb(mac)).toEqual({
      server: '/opt/homebrew/bin/mariadbd',
      installDb: '/opt/homebrew/bin/mariadb-install-db',
      client: '/opt/homebrew/bin/mariadb',
      baseDir: '/opt/homebrew/Cellar/mariadb/11.4.2',
    });
  });

  it("on an Intel Mac with the keg-only mariadb@10.11, which is on no PATH", () => {
    const keg = '/usr/local/opt/mariadb@10.11/bin';
    const mac = machine({ platform: 'darwin', path: ['/usr/local/bin', '/usr/bin', '/bin'], files: [`${keg}/mariadbd`, `${keg}/mariadb-install-db`, `${keg}/mariadb`, '/usr/local/opt/openssl@3/bin/openssl'] });
    expect(findMariadb(mac)).toMatchObject({ server: `${keg}/mariadbd`, installDb: `${keg}/mariadb-install-db`, client: `${keg}/mariadb` });
  });

  it("on Debian as a user whose PATH lacks /usr/sbin (apt's mariadb-server)", () => {
    const debian = machine({ osRelease: DEBIAN, path: ['/usr/local/bin', '/usr/bin', '/bin'], files: ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db', '/usr/bin/mariadb', '/usr/bin/mysql'] });
    expect(findMariadb(debian)).toEqual({ server: '/usr/sbin/mariadbd', installDb: '/usr/bin/mariadb-install-db', client: '/usr/bin/mariadb', baseDir: '/usr' });
  });

  it('on Fedora, whose server lives in /usr/libexec', () => {
    const fedora = machine({ osRelease: FEDORA, path: ['/usr/local/bin', '/usr/bin'], files: ['/usr/libexec/mariadbd', '/usr/bin/mariadb-install-db', '/usr/bin/mariadb'] });
    expect(findMariadb(fedora)).toMatchObject({ server: '/usr/libexec/mariadbd', baseDir: '/usr' });
  });

  it('an older installation with only the mysql names', () => {
    const old = machine({ path: ['/usr/bin'], files: ['/usr/sbin/mysqld', '/usr/bin/mysql_install_db', '/usr/bin/mysql'] });
    expect(findMariadb(old)).toMatchObject({ server: '/usr/sbin/mysqld', installDb: '/usr/bin/mysql_install_db', client: '/usr/bin/mysql' });
  });

  it("prefers the one on PATH, with that installation's own helpers", () => {
    const two = machine({
      path: ['/opt/mariadb/bin', '/usr/bin'],
      files: ['/opt/mariadb/bin/mariadbd', '/opt/mariadb/scripts/mariadb-install-db', '/opt/mariadb/bin/mariadb', '/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db', '/usr/bin/mariadb'],
    });
    expect(findMariadb(two)).toEqual({ server: '/opt/mariadb/bin/mariadbd', installDb: '/opt/mariadb/scripts/mariadb-install-db', client: '/opt/mariadb/bin/mariadb', baseDir: '/opt/mariadb' });
  });

  it('finds none where only a client is installed', () => {
    expect(findMariadb(machine({ platform: 'darwin', path: MAC_PATH, files: ['/opt/homebrew/bin/mariadb'] }))).toBeUndefined();
  });

  it("finds this machine's server for a user without /usr/sbin on PATH", () => {
    const here = { ...thisMachine(), path: ['/usr/local/bin', '/usr/bin', '/bin'] };
    const found = findMariadb(here);
    expect(found?.server).toMatch(/\/(mariadbd|mysqld)$/);
    expect(found?.installDb).toMatch(/(mariadb-install-db|mysql_install_db)$/);
  });
});

describe('the install command for what is missing, one per OS', () => {
  const mac = { platform: 'darwin' as const, osRelease: '', isRoot: false };
  const debianUser = { platform: 'linux' as const, osRelease: DEBIAN, isRoot: false };

  it('names Homebrew on a Mac', () => {
    expect(installCommand('mariadb', mac)).toBe('brew install mariadb');
    expect(installCommand('java', mac)).toBe('brew install openjdk@17');
    expect(installCommand('python', mac)).toBe('brew install python');
  });

  it('names apt-get on Debian and Ubuntu (WSL 2 too), with sudo unless root', () => {
    expect(installCommand('mariadb', debianUser)).toBe('sudo apt-get install mariadb-server');
    expect(installCommand('java', { ...debianUser, osRelease: UBUNTU })).toBe('sudo apt-get install openjdk-17-jre-headless');
    expect(installCommand('python', { ...debianUser, isRoot: true })).toBe('apt-get install python3-venv');
  });

  it('names dnf on Fedora and its relatives', () => {
    expect(installCommand('mariadb', { ...debianUser, osRelease: FEDORA })).toBe('sudo dnf install mariadb-server');
    expect(installCommand('java', { ...debianUser, osRelease: ROCKY })).toBe('sudo dnf install java-17-openjdk-headless');
  });

  it('says what to install elsewhere, and sends Windows to WSL 2', () => {
    expect(installCommand('mariadb', { ...debianUser, osRelease: ARCH })).toBe('install MariaDB 10.4 or later with your package manager');
    expect(installCommand('java', { platform: 'win32', osRelease: '', isRoot: false })).toMatch(/WSL 2/);
    expect(packageManagerOf({ platform: 'linux', osRelease: '' })).toBe('none');
  });
});

describe('Java and Python', () => {
  it("finds Homebrew's keg-only OpenJDK after JAVA_HOME and PATH", () => {
    const mac = machine({ platform: 'darwin', path: ['/opt/homebrew/bin', '/usr/bin'], files: ['/usr/bin/java', '/opt/homebrew/opt/openjdk@17/bin/java', '/opt/homebrew/opt/openjdk@21/bin/java', '/jdk/bin/java'] });
    expect(javaCandidates(mac)).toEqual(['/usr/bin/java', '/opt/homebrew/opt/openjdk@21/bin/java', '/opt/homebrew/opt/openjdk@17/bin/java']);
    expect(javaCandidates(mac, '/jdk')[0]).toBe('/jdk/bin/java');
  });

  it('reads the major version of `java -version`, old and new style', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    // macOS's stub when no JDK is installed.
    expect(parseJavaMajor('The operation couldn’t be completed. Unable to locate a Java Runtime.')).toBeUndefined();
  });

  it("finds this machine's Java, 17 or later unless told another minimum (Kafka 3.9's 11)", () => {
    expect(MIN_JAVA).toBe(17);
    expect(findJava().java).toMatch(/java$/);
    expect(findJava(thisMachine(), undefined, 11).java).toMatch(/java$/);
    expect(findJava(thisMachine(), undefined, 999)).toEqual({ tooOld: expect.stringMatching(/java is Java \d+$/) });
  });

  it('reads what a Python says of itself', () => {
    expect(parsePythonProbe('3.11 venv\n')).toEqual({ version: [3, 11], hasVenv: true });
    expect(parsePythonProbe('3.9 no-venv')).toEqual({ version: [3, 9], hasVenv: false });
    expect(parsePythonProbe('')).toBeUndefined();
  });

  it("tells MariaDB's server from MySQL's, and compares versions", () => {
    expect(parseMariadbVersion('/usr/sbin/mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)')).toBe('10.11.19');
    expect(parseMariadbVersion('mariadbd  Ver 11.4.2-MariaDB for osx10.19 on arm64 (Homebrew)')).toBe('11.4.2');
    expect(parseMariadbVersion('/usr/local/mysql/bin/mysqld  Ver 8.0.36 for macos14 on arm64 (MySQL Community Server - GPL)')).toBeUndefined();
    expect(versionAtLeast('10.11.19', '10.4')).toBe(true);
    expect(versionAtLeast('10.3.39', '10.4')).toBe(false);
    expect(versionAtLeast('11.0.0', '10.4')).toBe(true);
  });
});

describe("Kafka's data folder and the release that last ran on it", () => {
  it('lets a newer or the same release take it over, and stops an older one with a line that says what to do', () => {
    for (const ranBy of [undefined, '3.9.1', '4.4.0']) expect(() => checkDataFolderRelease(ranBy, '4.4.0', '/k/data')).not.toThrow();
    expect(() => checkDataFolderRelease('4.4.0', '3.9.1', '/k/data')).toThrow('/k/data was last run by Kafka 4.4.0, newer than this Kafka 3.9.1 (KIT_KAFKA_VERSION): set it back, or delete that folder');
  });
});

describe("MariaDB's port taken by the system's own server", () => {
  it('says how to stop it on this OS', () => {
    expect(databasePortTaken(3306, { platform: 'darwin', osRelease: '' })).toMatch(/^Port 3306 is taken by a server .*: stop it \(brew services stop mariadb\), .*set another port in DATABASE_URL\.$/);
    expect(databasePortTaken(3306, { platform: 'linux', osRelease: UBUNTU })).toContain('stop it (sudo systemctl disable --now mariadb)');
  });
});

describe("MariaDB's socket", () => {
  it('stays in the state folder unless the path is too long for a Unix socket (104 bytes on macOS)', () => {
    expect(socketPathFor('/Users/ada/kit/.kit/mariadb')).toBe('/Users/ada/kit/.kit/mariadb/mariadb.sock');
    const deep = `/Users/ada/${'very-long-folder-name/'.repeat(5)}kit/.kit/mariadb`;
    const socket = socketPathFor(deep, '/var/folders/xy/T');
    expect(socket).toMatch(/^\/var\/folders\/xy\/T\/kit-mariadb-[0-9a-f]{12}\.sock$/);
    expect(socketPathFor(deep, '/var/folders/xy/T')).toBe(socket);
  });
});

describe("kcat, the bench's peer of the producer", () => {
  it('is found on PATH as kcat or by its old name kafkacat, and named per OS when missing', () => {
    expect(findKcat(machine({ path: ['/usr/local/bin', '/usr/bin'], files: ['/usr/bin/kcat'] }))).toBe('/usr/bin/kcat');
    expect(findKcat(machine({ path: ['/usr/bin'], files: ['/usr/bin/kafkacat'] }))).toBe('/usr/bin/kafkacat');
    expect(findKcat(machine({ path: ['/usr/bin'], files: [] }))).toBeUndefined();
    expect(installCommand('kcat', { platform: 'linux', osRelease: DEBIAN, isRoot: false })).toBe('sudo apt-get install kcat');
    expect(installCommand('kcat', { platform: 'darwin', osRelease: '', isRoot: false })).toBe('brew install kcat');
    expect(installCommand('kcat', { platform: 'linux', osRelease: ARCH, isRoot: false })).toBe("install kcat (librdkafka's command-line client) with your package manager");
  });
});
