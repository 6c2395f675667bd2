// The cloud VM's user data (infra/cloud/), as far as it can be checked without a cloud:
// cloud-init's own validator passes it, it is what the kit's code writes, it fits EC2's
// 16 KB, its broker settings are the local broker's template and code, and its scripts run
// here in folders of their own (certificate, properties for a public name, jars, settings).
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_RETENTION_MS, loadConfig, parseDotEnv } from '@donations/lib';
import { EC2_USER_DATA_LIMIT, KAFKA_LINE_FOR_VM, PUBLIC_NAME_MARKER, USER_DATA_FILE, VM, VM_SCRIPTS, jarList, userData, vmServerProperties, withoutComments } from '../../infra/cloud/user-data.js';
import { BEGIN_SETTINGS, END_SETTINGS, applyBrokerSettings, parseBrokerSettings, withSettings } from '../../infra/cloud/cloud-env.js';
import { KAFKA_RELEASES, jarLocation, readJarLock } from '../../infra/kafka-jars.js';
import { SCRAM_MECHANISM, brokerJavaArgs, brokerProperties, scramCredentialArgument } from '../../infra/kafka-properties.js';
import { ROOT } from '../../infra/services.js';

interface CloudConfig {
  write_files: { path: string; content: string; permissions?: string }[];
  runcmd: string[][];
}

const committed = readFileSync(USER_DATA_FILE, 'utf8');
const config = parse(committed) as CloudConfig;
const written = (path: string) => config.write_files.find((f) => f.path === path)!.content;
const hasCloudInit = spawnSync('cloud-init', ['--version']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'kit-cloud-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the cloud VM user data (infra/cloud/kafka-broker.yaml)', () => {
  it('is what `npm run cloud:user-data` writes from the kit', () => {
    expect(committed).toBe(userData());
    expect(committed.startsWith('#cloud-config\n')).toBe(true);
  });

  it.each(['3.9', '4.4'] as const)('Kafka %s: fits the 16 KB EC2 takes as user data', (line) => {
    expect(Buffer.byteLength(userData(line))).toBeLessThanOrEqual(EC2_USER_DATA_LIMIT);
  });

  it.skipIf(!hasCloudInit)('passes `cloud-init schema --config-file`, for both Kafka lines (skipped where Debian\'s cloud-init is not installed)', () => {
    for (const line of ['3.9', '4.4'] as const) {
      const file = join(scratch, `user-data-${line}.yaml`);
      writeFileSync(file, userData(line));
      const result = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
      expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/Valid cloud-config/);
    }
  });

  it('fetches the jars of the lock `npm run up` fetches with KIT_KAFKA_VERSION=3.9, each with its SHA-256', () => {
    expect(KAFKA_LINE_FOR_VM).toBe('3.9');
    const lock = readJarLock(KAFKA_RELEASES['3.9'].lock);
    expect(written(`${VM.etc}/jars.lock`)).toBe(jarList(KAFKA_RELEASES['3.9']));
    expect(written(`${VM.etc}/jars.lock`).trim().split('\n')).toEqual(lock.jars.map((jar) => `${jar.sha256} ${jar.id}`));
    expect(written(`${VM.etc}/broker.env`)).toContain(`MAVEN_REPOSITORY=${lock.repository}\n`);
  });

  it("writes the local broker's server.properties, with the SASL_SSL listener on the public name and PLAINTEXT on loopback", () => {
    const properties = written(`${VM.etc}/server.properties.in`);
    expect(properties).toBe(withoutComments(vmServerProperties()));
    const settings = Object.fromEntries(properties.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(settings).toMatchObject({
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_SSL://0.0.0.0:9094',
      'advertised.listeners': `PLAINTEXT://127.0.0.1:9092,SASL_SSL://${PUBLIC_NAME_MARKER}:9094`,
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
      'listener.name.sasl_ssl.ssl.keystore.location': `${VM.state}/tls/broker-keystore.pem`,
      'log.retention.ms': String(DEFAULT_RETENTION_MS),
    });
    // Every line of the local broker's properties is there, but the listeners'.
    const local = brokerProperties({ host: '127.0.0.1', port: 9092, controllerPort: 9093, dataDir: `${VM.state}/data`, retentionMs: DEFAULT_RETENTION_MS });
    const vmLines = new Set(properties.split('\n'));
    expect(withoutComments(local).split('\n').filter((line) => line && !vmLines.has(line))).toEqual([
      'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'advertised.listeners=PLAINTEXT://127.0.0.1:9092',
    ]);
  });

  it("runs the broker under systemd with the local broker's JVM arguments, and first-boot.sh once", () => {
    const unit = written('/etc/systemd/system/kafka-kit.service');
    const java = brokerJavaArgs({ maxHeap: '1g', logging: KAFKA_RELEASES['3.9'].loggingFlag(VM.etc), classpath: `${VM.libs}/*`, properties: `${VM.etc}/server.properties` });
    expect(unit).toContain(`\nExecStart=/usr/bin/java ${java.join(' ')}\n`);
    expect(unit).toContain(`\nUser=${VM.brokerUser}\n`);
    expect(unit).toContain(`\nExecStartPre=+/bin/bash ${VM.etc}/prepare-broker.sh\n`);
    expect(written(`${VM.etc}/log4j.properties`)).toBe(withoutComments(readFileSync(join(ROOT, 'infra/kafka/log4j.properties'), 'utf8')));
    expect(config.runcmd).toEqual([['bash', `${VM.etc}/first-boot.sh`]]);
    for (const name of VM_SCRIPTS) {
      const script = config.write_files.find((f) => f.path === `${VM.etc}/${name}`)!;
      expect(script.content, name).toBe(withoutComments(readFileSync(join(ROOT, 'infra/cloud', name), 'utf8')));
      expect(script.permissions).toBe('0755');
      expect(spawnSync('bash', ['-n', join(ROOT, 'infra/cloud', name)]).status, name).toBe(0);
    }
  });

  it('leaves comments out but keeps a script its #! line', () => {
    expect(withoutComments('#!/bin/bash\n# why\nset -e\n  # indented\necho "#not a comment"\n')).toBe('#!/bin/bash\nset -e\necho "#not a comment"\n');
  });
});

describe('the broker properties the local broker and the VM share (infra/kafka-properties.ts)', () => {
  const base = { host: '127.0.0.1', port: 9092, controllerPort: 9093, dataDir: '/data', retentionMs: 60_000 };

  it('without the option: PLAINTEXT and the controller only, no SASL setting', () => {
    const text = brokerProperties(base);
    expect(text).toContain('\nlisteners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\n');
    expect(text).toContain('\nadvertised.listeners=PLAINTEXT://127.0.0.1:9092\n');
    expect(text).not.toMatch(/^sasl\.|^listener\.name\./m);
    expect(text).not.toContain('{{');
  });

  it('with it: a SASL_SSL listener of its own port, SCRAM-SHA-512 only, the PEM keystore', () => {
    const text = brokerProperties({ ...base, saslSsl: { bindHost: '127.0.0.1', advertisedHost: 'localhost', port: 29394, keystorePem: '/tls/k.pem' } });
    expect(text).toContain('\nlisteners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_SSL://127.0.0.1:29394\n');
    expect(text).toContain('\nadvertised.listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://localhost:29394\n');
    expect(text).toContain(`\nsasl.enabled.mechanisms=${SCRAM_MECHANISM}\n`);
    expect(text).toContain('\nlistener.name.sasl_ssl.ssl.keystore.location=/tls/k.pem\n');
  });

  it('refuses a template placeholder it does not fill in, and a SCRAM login the storage tool would split', () => {
    expect(() => brokerProperties(base, 'a={{nothing}}\n')).toThrow(/names nothing/);
    expect(scramCredentialArgument('kit', 'ab12_-')).toBe('SCRAM-SHA-512=[name=kit,password=ab12_-]');
    expect(() => scramCredentialArgument('kit', 'a,b]')).toThrow(/letters, digits/);
  });
});

/** Runs a script of infra/cloud/ with bash; returns its exit code and output. */
function runScript(name: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('bash', [join(ROOT, 'infra/cloud', name), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe("the VM's scripts, in folders of their own", () => {
  it('prepare-broker.sh: a certificate for the public name from a CA of its own, the properties advertising it, the settings; again only for a new name', () => {
    const etc = join(scratch, 'etc');
    const state = join(scratch, 'state');
    mkdirSync(etc, { recursive: true });
    mkdirSync(state, { recursive: true });
    for (const name of VM_SCRIPTS) writeFileSync(join(etc, name), readFileSync(join(ROOT, 'infra/cloud', name)));
    writeFileSync(join(etc, 'server.properties.in'), written(`${VM.etc}/server.properties.in`));
    const env = (name: string) => written(`${VM.etc}/broker.env`).replace('PUBLIC_NAME=\n', `PUBLIC_NAME=${name}\n`).replace(/^BROKER_USER=.*\n/m, '');
    writeFileSync(join(state, 'scram-password'), 'a1b2c3');
    const console = join(scratch, 'console');
    // No login user's home is written: uid 999999 has none.
    const run = () => runScript('prepare-broker.sh', [], { KIT_ETC: etc, KIT_STATE: state, CONSOLE: console, LOGIN_UID: '999999' });

    const dnsName = 'ec2-203-0-113-7.compute-1.amazonaws.com';
    writeFileSync(join(etc, 'broker.env'), env(dnsName));
    expect(run().code).toBe(0);
    const properties = readFileSync(join(etc, 'server.properties'), 'utf8');
    expect(properties).toContain(`\nadvertised.listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://${dnsName}:9094\n`);
    expect(properties).not.toContain(PUBLIC_NAME_MARKER);
    const ca = new X509Certificate(readFileSync(join(state, 'tls/ca.pem')));
    const keystore = readFileSync(join(state, 'tls/broker-keystore.pem'), 'utf8');
    expect(keystore).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const broker = new X509Certificate(keystore.slice(keystore.indexOf('-----BEGIN CERTIFICATE-----')));
    expect(broker.subjectAltName).toBe(`DNS:${dnsName}`);
    expect(broker.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(statSync(join(state, 'tls/ca.key')).mode & 0o077).toBe(0);
    const settings = parseBrokerSettings(readFileSync(join(state, 'settings.txt'), 'utf8'));
    expect(settings.env).toEqual({ KAFKA_BROKERS: `${dnsName}:9094`, KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'kit', KAFKA_SASL_PASSWORD: 'a1b2c3' });
    expect(new X509Certificate(settings.caPem).fingerprint256).toBe(ca.fingerprint256);
    expect(statSync(join(state, 'settings.txt')).mode & 0o077).toBe(0);

    // The same name: nothing made again, nothing printed.
    const before = statSync(join(state, 'tls/broker-keystore.pem')).mtimeMs;
    expect(run().code).toBe(0);
    expect(statSync(join(state, 'tls/broker-keystore.pem')).mtimeMs).toBe(before);
    expect(() => readFileSync(console)).toThrow();

    // A new name (an address, as Google's VMs have): a certificate for it from the same CA, printed on the console.
    writeFileSync(join(etc, 'broker.env'), env('198.51.100.4'));
    expect(run().code).toBe(0);
    const renewed = readFileSync(join(state, 'tls/broker-keystore.pem'), 'utf8');
    const renewedCert = new X509Certificate(renewed.slice(renewed.indexOf('-----BEGIN CERTIFICATE-----')));
    expect(renewedCert.subjectAltName).toBe('IP Address:198.51.100.4');
    expect(renewedCert.verify(ca.publicKey)).toBe(true);
    expect(parseBrokerSettings(readFileSync(console, 'utf8')).env.KAFKA_BROKERS).toBe('198.51.100.4:9094');

    writeFileSync(join(etc, 'broker.env'), env('under_score.example'));
    expect(run().out).toMatch(/^kafka-kit: no public DNS name or address for this VM in its metadata: set PUBLIC_NAME in .*broker\.env/);
  });

  it("fetch-jars.sh: each jar from the path Maven gives it, checked against the lock's SHA-256; a changed one installs nothing", () => {
    const repository = join(scratch, 'repository');
    const ids = ['org.example:plain:1.0', 'org.example.deep:classified:2.1:linux'];
    const lines = ids.map((id) => {
      const body = `jar ${id}`;
      const path = join(repository, jarLocation(id).path);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, body);
      return `${createHash('sha256').update(body).digest('hex')} ${id}`;
    });
    const list = join(scratch, 'jars.lock');
    writeFileSync(list, `${lines.join('\n')}\n`);
    const libs = join(scratch, 'libs');
    expect(runScript('fetch-jars.sh', [list, `file://${repository}`, libs]).code).toBe(0);
    for (const id of ids) expect(readFileSync(join(libs, jarLocation(id).file), 'utf8')).toBe(`jar ${id}`);

    writeFileSync(join(repository, jarLocation(ids[1]!).path), 'changed');
    const changedLibs = join(scratch, 'libs-changed');
    const result = runScript('fetch-jars.sh', [list, `file://${repository}`, changedLibs]);
    expect(result.code).toBe(1);
    expect(result.out.trim()).toBe(`fetch-jars: ${ids[1]} from file://${repository} does not match its SHA-256 in the kit's lock (a proxy or mirror changed it?): nothing was installed`);
    expect(execFileSync('ls', ['-A', changedLibs], { encoding: 'utf8' }).trim()).toBe('');
  });
});

describe('npm run cloud:env: the printed settings into .env', () => {
  const ca = () => {
    const dir = join(scratch, 'ca');
    if (runScript('broker-certificate.sh', [dir, 'localhost']).code !== 0) throw new Error('broker-certificate.sh failed');
    return readFileSync(join(dir, 'ca.pem'), 'utf8');
  };
  const printed = (pem: string, prefix = '') =>
    [BEGIN_SETTINGS, 'KAFKA_BROKERS=vm.example:9094', 'KAFKA_SSL=true', 'KAFKA_SASL_MECHANISM=scram-sha-512', 'KAFKA_SASL_USERNAME=kit', 'KAFKA_SASL_PASSWORD=0123abcd', ...pem.trim().split('\n'), END_SETTINGS]
      .map((line) => `${prefix}${line}`)
      .join('\n');

  it('reads the block from a console output, prefixes and noise around it left out', () => {
    const pem = ca();
    const console = `[   12.0] cloud-init[801]: boot\n${printed(pem, '[   48.912345] cloud-init[1042]: ')}\n[   49.0] done\n`;
    const { env, caPem } = parseBrokerSettings(console);
    expect(env.KAFKA_BROKERS).toBe('vm.example:9094');
    expect(env.KAFKA_SASL_PASSWORD).toBe('0123abcd');
    expect(caPem).toBe(pem.endsWith('\n') ? pem : `${pem}\n`);
  });

  it('fails in one line naming what to copy again', () => {
    expect(() => parseBrokerSettings('nothing here')).toThrow(/^no complete kafka-kit settings block in the pasted text: copy everything from "----- BEGIN KAFKA KIT SETTINGS -----"/);
    const pem = ca();
    expect(() => parseBrokerSettings(printed(pem).replace('KAFKA_SASL_PASSWORD=0123abcd\n', ''))).toThrow(/^the pasted settings lack KAFKA_SASL_PASSWORD: copy/);
    const lines = printed(pem).split('\n');
    expect(() => parseBrokerSettings(lines.filter((_, i) => i !== 9).join('\n'))).toThrow(/^the CA certificate in the pasted settings is cut or altered/);
  });

  it('sets each line where .env has it and adds the others; the kit then reads them', () => {
    expect(withSettings('KAFKA_BROKERS=127.0.0.1:9092\n# KAFKA_SSL=true\nDATABASE_URL=x\n', { KAFKA_BROKERS: 'vm:9094', KAFKA_SSL: 'true' })).toBe(
      "KAFKA_BROKERS=vm:9094\n# KAFKA_SSL=true\nDATABASE_URL=x\n\n# The cloud VM's broker (`npm run cloud:env`, docs/helios.md)\nKAFKA_SSL=true\n",
    );
    const folder = join(scratch, 'kit');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.env'), 'KAFKA_BROKERS=127.0.0.1:9092\nDATABASE_URL=mysql://kit:pw@127.0.0.1:3306/donations\n');
    const caFile = join(folder, 'ca.pem');
    applyBrokerSettings(printed(ca()), folder, caFile);
    const kafka = loadConfig(parseDotEnv(readFileSync(join(folder, '.env'), 'utf8'))).kafka;
    expect(kafka).toMatchObject({ brokers: ['vm.example:9094'], ssl: true, sslCaFile: caFile, sasl: { mechanism: 'scram-sha-512', username: 'kit', password: '0123abcd' } });
    expect(kafka.sasl?.mechanism.toUpperCase()).toBe(SCRAM_MECHANISM);
    expect(statSync(join(folder, '.env')).mode & 0o077).toBe(0);
  });
});
