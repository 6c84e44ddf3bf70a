/**
 * The operator files in deploy/ and the Dockerfile, checked without the tools that cannot run here:
 * docker build needs a registry (so the Dockerfile's rules are checked by parsing it), and the alert
 * rules and dashboard may only use metrics qpc-server really exports. deploy/check.sh runs promtool
 * and systemd-analyze on the same files in CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/server/config/serverConfig.js';
import { ServerMetrics } from '../../src/server/metrics/serverMetrics.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** Names a PromQL expression may use for a metric: the metric itself, or a histogram's series. */
function exportedSeriesNames(): Set<string> {
  const names = new Set<string>(['up']);
  for (const metric of new ServerMetrics().registry.getMetricsAsArray()) {
    const name = metric.name;
    names.add(name);
    for (const suffix of ['_bucket', '_count', '_sum']) names.add(name + suffix);
  }
  return names;
}

function metricNamesIn(text: string): string[] {
  return [
    ...new Set([...text.matchAll(/\b(qpc_[a-z0-9_]+|rate_limit_[a-z0-9_]+)\b/g)].map((m) => m[1] ?? '')),
  ];
}

describe('alert rules and dashboard', () => {
  const exported = exportedSeriesNames();

  it('use only metrics that qpc-server exports', () => {
    const rules = read('deploy/prometheus/alerts.yml');
    const dashboard = read('deploy/grafana/dashboards/qpc-server.json');
    const used = [...metricNamesIn(rules), ...metricNamesIn(dashboard)];
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('cover certificate expiry, rate-limit storms, queue depth, delivery failures, logins and a process down', () => {
    const rules = read('deploy/prometheus/alerts.yml');
    for (const metric of [
      'qpc_tls_cert_expiry_timestamp_seconds',
      'rate_limit_hit_total',
      'qpc_queue_depth',
      'qpc_delivery_failures_total',
      'qpc_last_login_success_timestamp_seconds',
      'up{job="qpc-server"}',
    ]) {
      expect(rules).toContain(metric);
    }
  });

  it('have a promtool unit test for every alert', () => {
    const alerts = [...read('deploy/prometheus/alerts.yml').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    const tested = new Set(
      [...read('deploy/prometheus/alerts.test.yml').matchAll(/alertname: (\w+)/g)].map((m) => m[1]),
    );
    expect(alerts.length).toBeGreaterThanOrEqual(6);
    expect(alerts.filter((name) => !tested.has(name))).toEqual([]);
  });

  it('the dashboard is valid JSON with a query on every panel', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/qpc-server.json')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('qpc-server');
    for (const panel of dashboard.panels) expect(panel.targets.length, panel.title).toBeGreaterThan(0);
  });
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, with `\` continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const args = new Map(
    instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]),
  );
  const expand = (text: string): string =>
    text.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  const build = stages[0] ?? [];
  const runtime = stages.at(-1) ?? [];
  const find = (stage: Instruction[], keyword: string): Instruction[] =>
    stage.filter((i) => i.keyword === keyword);

  it('builds the native module in a Debian bookworm stage and runs on bookworm-slim', () => {
    expect(stages.length).toBe(2);
    expect(expand(build[0]?.args ?? '')).toMatch(/^node:20[.\d]*-bookworm AS build$/);
    expect(find(build, 'RUN').some((i) => i.args.includes('npm ci'))).toBe(true);
    expect(expand(runtime[0]?.args ?? '')).toMatch(/^node:20[.\d]*-bookworm-slim\b/);
    expect(
      find(runtime, 'COPY').some((i) => i.args.startsWith('--from=build') && i.args.includes('node_modules')),
    ).toBe(true);
    expect(find(runtime, 'RUN').some((i) => /npm (ci|install)/.test(i.args))).toBe(false);
    for (const from of find(instructions, 'FROM')) expect(from.args).not.toContain(':latest');
  });

  it('runs as the non-root user qpc, created in the image', () => {
    const users = find(runtime, 'USER');
    expect(users.at(-1)?.args).toBe('qpc');
    expect(find(runtime, 'RUN').some((i) => /useradd .*--system.* qpc\b/.test(i.args))).toBe(true);
  });

  it('publishes the QUIC port over UDP, keeps data in a volume and has a health check', () => {
    const exposed = find(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed).toContain(`${DEFAULT_CONFIG.listen.port}/udp`);
    const env = find(runtime, 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toContain('QPC_DATA_DIR=/var/lib/qpc-server');
    expect(env).toContain(`QPC_LISTEN=0.0.0.0:${DEFAULT_CONFIG.listen.port}`);
    expect(env).toContain(`QPC_ADMIN_LISTEN=0.0.0.0:${DEFAULT_CONFIG.adminListen.port}`);
    expect(
      find(runtime, 'VOLUME')
        .map((i) => i.args)
        .join(' '),
    ).toContain('/var/lib/qpc-server');
    const health = find(runtime, 'HEALTHCHECK')[0]?.args ?? '';
    expect(health).toContain(`127.0.0.1:${DEFAULT_CONFIG.adminListen.port}/healthz`);
    expect(find(runtime, 'ENTRYPOINT')[0]?.args).toContain('bin/qpc-server.js');
  });
});

describe('systemd unit and compose file', () => {
  it('the unit runs as a dedicated user in a state directory with no new privileges and a read-only system', () => {
    const unit = read('deploy/systemd/qpc-server.service');
    for (const line of [
      'User=qpc',
      'StateDirectory=qpc-server',
      'StateDirectoryMode=0700',
      'UMask=0077',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
      'RestartPreventExitStatus=2',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(unit).toMatch(
      /^ExecStart=\/usr\/bin\/node \S+\/bin\/qpc-server\.js --data \/var\/lib\/qpc-server --production$/m,
    );
  });

  it('compose runs the server (UDP published, data volume), Prometheus with the rules and Grafana with the dashboard', () => {
    const compose = read('deploy/compose.yaml');
    for (const service of ['qpc-server:', 'prometheus:', 'grafana:'])
      expect(compose).toContain(`\n  ${service}\n`);
    expect(compose).toContain(`'${DEFAULT_CONFIG.listen.port}:${DEFAULT_CONFIG.listen.port}/udp'`);
    expect(compose).toContain('qpc-data:/var/lib/qpc-server');
    expect(compose).toContain('./prometheus:/etc/prometheus:ro');
    expect(compose).toContain('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
    expect(read('deploy/prometheus/prometheus.yml')).toContain(
      `qpc-server:${DEFAULT_CONFIG.adminListen.port}`,
    );
  });
});
