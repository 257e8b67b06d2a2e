import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Service } from 'kubernetes-models/v1/Service';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parseServeArgs } from '../../src/cli/args.ts';
import { startSimulator, type Simulator } from '../../src/cli/start.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { ServeOptions } from '../../src/scenario/options.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const started: Simulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

type Container = {
  args?: string[];
  command?: string[];
  image: string;
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
};
type Workload = { kind: string; spec: { template: { spec: { containers: Container[] } } } };
const MODELS: Record<string, new (data: never) => { validate(): void }> = { Deployment, StatefulSet, Service, ConfigMap } as never;
const docs = (file: string): Record<string, unknown>[] =>
  parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

/** What `kubectl kustomize` renders for these simple bases: the resources, plus one ConfigMap per generator. */
function render(dir: string): Record<string, unknown>[] {
  const k = parseYaml(readFileSync(join(ROOT, dir, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
    configMapGenerator?: { name: string; files: string[] }[];
  };
  const out = k.resources.flatMap((r) => docs(join(dir, r)));
  for (const g of k.configMapGenerator ?? []) {
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: g.name },
      data: Object.fromEntries(g.files.map((f) => [f, readFileSync(join(ROOT, dir, f), 'utf8')])),
    });
  }
  return out;
}

/** The container's arguments as the kubelet passes them: `$(VAR)` expanded from the container's env. */
function argsOf(container: Container, env: Record<string, string>): string[] {
  const vars: Record<string, string> = {};
  for (const e of container.env ?? []) vars[e.name] = e.value ?? env[e.name] ?? '';
  return (container.args ?? []).map((a) => a.replace(/\$\((\w+)\)/g, (m, name: string) => vars[name] ?? m));
}

async function startAs(argv: string[], env: Record<string, string>, overrides: Partial<ServeOptions> = {}): Promise<Simulator> {
  const parsed = parseServeArgs(argv, env);
  if (parsed === 'help') throw new Error('help');
  // Only what a test must change: a free port, loopback, and virtual time (the simulated model load passes at once).
  const sim = await startSimulator({ ...parsed, host: '127.0.0.1', port: 0, speedup: Infinity, ...overrides });
  started.push(sim);
  return sim;
}

async function healthy(url: string): Promise<number> {
  let status = 0;
  for (let i = 0; i < 200 && status !== 200; i++) status = (await fetch(`${url}/health`)).status;
  return status;
}

describe('container and cluster manifests', () => {
  it('render and validate against the Kubernetes API schemas', () => {
    for (const dir of ['deploy/kustomize/base', 'deploy/kustomize/statefulset']) {
      const objects = render(dir);
      expect(objects.length).toBeGreaterThanOrEqual(2);
      for (const o of objects) {
        const Model = MODELS[o['kind'] as string];
        expect(Model, `${dir}: ${String(o['kind'])}`).toBeDefined();
        expect(() => new Model!(o as never).validate()).not.toThrow();
      }
    }
    for (const file of ['deploy/examples/vllm-deployment.yaml', 'deploy/examples/vllm-deployment-llmsim.yaml'])
      for (const o of docs(file)) new Deployment(o as never).validate();
    // A broken manifest does fail: the check is real.
    expect(() =>
      new Deployment({
        metadata: { name: 'x' },
        spec: { selector: {}, template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 'http' }] }] } } },
      } as never).validate(),
    ).toThrow();
    const dep = docs('deploy/kustomize/base/deployment.yaml')[0] as Workload & { spec: { template: { metadata: { annotations: Record<string, string> } } } };
    expect(dep.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8000',
      'prometheus.io/path': '/metrics',
    });
    expect(loadScenario(join(ROOT, 'deploy/kustomize/statefulset/fleet.yaml')).replicas).toHaveLength(3);
    expect(existsSync(join(ROOT, 'Dockerfile')) && existsSync(join(ROOT, '.dockerignore'))).toBe(true);
  });

  it("starts llmsim exactly as the Deployment's command line does", async () => {
    const container = (docs('deploy/kustomize/base/deployment.yaml')[0] as Workload).spec.template.spec.containers[0]!;
    const [command, ...argv] = argsOf(container, { POD_NAME: 'llmsim-6d4f-abc12', POD_NAMESPACE: 'sim' });
    expect(command).toBe('serve');
    const sim = await startAs(argv, { POD_NAME: 'llmsim-6d4f-abc12', POD_NAMESPACE: 'sim' });
    expect(await healthy(sim.url)).toBe(200);
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-llmsim-replica')).toBe('replica-0');
  });

  it('runs each StatefulSet pod as its fleet replica, taken from the ordinal', async () => {
    const container = (docs('deploy/kustomize/statefulset/statefulset.yaml')[0] as Workload).spec.template.spec.containers[0]!;
    const env = { POD_NAME: 'llmsim-fleet-1', POD_NAMESPACE: 'sim' };
    const argv = argsOf(container, env)
      .slice(1)
      .map((a) => (a === '/etc/llmsim/fleet.yaml' ? join(ROOT, 'deploy/kustomize/statefulset/fleet.yaml') : a));
    const options = parseServeArgs(argv, env) as ServeOptions;
    expect(options.kvEvents?.topic).toBe('kv@llmsim-fleet-1@Qwen/Qwen3-8B');
    const sim = await startAs(argv, env, { kvEvents: { ...options.kvEvents!, endpoint: 'tcp://127.0.0.1:*' } });
    expect(sim.replicas).toHaveLength(1);
    expect(sim.replicas[0]!.name).toBe('a100-slow');
    expect(sim.replicas[0]!.engines[0]).toContain('profile llama-3.1-8b-instruct-a100');
    expect(sim.replicas[0]!.engines[0]).toContain('max_num_seqs 32');
    const res = await fetch(`${sim.url}/v1/models`);
    expect(res.headers.get('x-llmsim-replica')).toBe('a100-slow');
    expect(res.headers.get('x-llmsim-pod')).toBe('llmsim-fleet-1');
  });

  it("runs vLLM's own Deployment with only the image changed", async () => {
    const [vllm] = docs('deploy/examples/vllm-deployment.yaml') as Workload[];
    const [ours] = docs('deploy/examples/vllm-deployment-llmsim.yaml') as Workload[];
    const original = vllm!.spec.template.spec.containers[0]!;
    const swapped = ours!.spec.template.spec.containers[0]!;
    expect(original.image).toBe('vllm/vllm-openai:latest');
    expect(swapped.image).toBe('llmsim:latest');
    expect({
      ...ours,
      spec: { ...ours!.spec, template: { ...ours!.spec.template, spec: { ...ours!.spec.template.spec, containers: [{ ...swapped, image: original.image }] } } },
    }).toEqual(vllm);
    // `/bin/sh -c "vllm serve …"`: the image's `vllm` is llmsim with the same arguments.
    expect(swapped.command).toEqual(['/bin/sh', '-c']);
    const [program, ...argv] = (swapped.args?.[0] ?? '').split(/\s+/);
    expect(program).toBe('vllm');
    expect(readFileSync(join(ROOT, 'docker/vllm'), 'utf8')).toContain('exec node /app/bin/llmsim.js "$@"');
    expect(argv[0]).toBe('serve');
    const sim = await startAs(argv.slice(1), {});
    expect(sim.modelNames).toEqual(['mistralai/Mistral-7B-Instruct-v0.3']);
    expect(sim.replicas[0]!.engines[0]).toContain('max_num_batched_tokens 1024');
    expect(await healthy(sim.url)).toBe(200);
  });
});
