import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The deployment files of infra/ (the Dockerfile, Docker Compose, Kubernetes) cannot run where the
// tests run (no Docker engine, no cluster): these checks read them, offline, against the code they
// deploy: the variables the configuration knows, what each kind of process requires, the entry
// points, the names and ports the gateway routes to, the probes, the pinned pnpm.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface YamlDocument {
  readonly errors: readonly { readonly message: string }[];
  toJS(): unknown;
}
interface YamlModule {
  parseAllDocuments(source: string, options: { merge: boolean }): readonly YamlDocument[];
}
// `yaml` (the parser of contracts/asyncapi.yaml) is a dependency of @carenet/contracts, not of the
// tests: loaded from there. `merge`: compose.yaml shares blocks through `<<: *anchor`.
const yaml = createRequire(join(ROOT, 'contracts', 'package.json'))('yaml') as YamlModule;

function parseYamlFile(path: string): unknown[] {
  const documents = yaml.parseAllDocuments(read(path), { merge: true });
  const errors = documents.flatMap((d) => d.errors.map((e) => `${path}: ${e.message}`));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return documents.map((d) => d.toJS()).filter((d) => d !== null);
}

type Env = Readonly<Record<string, string>>;

// ---- What the code knows ----------------------------------------------------------------------

/** The services that run as processes of their own: services/<name>/src/main.ts, but the gateway. */
const SERVICES = readdirSync(join(ROOT, 'services'))
  .filter((name) => name !== 'gateway' && existsSync(join(ROOT, 'services', name, 'src', 'main.ts')))
  .sort();

/** The gateway's variable naming a service's FHIR base (`CARENET_SERVICE_CARE_PLANS_URL`). */
const serviceUrlVariable = (service: string) =>
  `CARENET_SERVICE_${service.toUpperCase().replaceAll('-', '_')}_URL`;

/** The keys of the zod schema of packages/runtime/src/config.ts. */
function configSchemaNames(): string[] {
  const body = /const schema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(
    read('packages/runtime/src/config.ts'),
  )?.[1];
  return [...(body ?? '').matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] ?? '');
}

/** KAFKA_SASL_* and KAFKA_SSL*, read by packages/messaging/src/kafka-security.ts. */
function kafkaSecurityNames(): string[] {
  const source = read('packages/messaging/src/kafka-security.ts');
  return [...new Set([...source.matchAll(/\benv\.(KAFKA_[A-Z0-9_]+)/g)].map((m) => m[1] ?? ''))];
}

/** The variables of the README's "Configuration" table. */
function readmeConfigurationNames(): string[] {
  const readme = read('README.md');
  const start = readme.indexOf('\n### Configuration\n');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1] ?? '');
}

const KNOWN_VARIABLES = new Set([
  ...configSchemaNames(),
  ...kafkaSecurityNames(),
  ...readmeConfigurationNames(),
  ...SERVICES.map(serviceUrlVariable),
]);

/** What a service process refuses to start without (config.ts, kind 'service'), and what a container needs. */
const SERVICE_REQUIRED = [
  'PORT',
  'CARENET_HOST',
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'CARENET_TOPIC_PROTECTION_KEY',
  'CARENET_AUTH_ISSUER',
  'CARENET_AUTH_AUDIENCE',
  'CARENET_PUBLIC_BASE_URL',
];
/** The same for the gateway of the distributed mode. */
const GATEWAY_REQUIRED = [
  'PORT',
  'CARENET_HOST',
  'CARENET_MODE',
  'CARENET_AUTH_ISSUER',
  'CARENET_AUTH_AUDIENCE',
  'CARENET_PUBLIC_BASE_URL',
  ...SERVICES.map(serviceUrlVariable),
];
/** The gateway is a stateless proxy: no database, no Kafka, no topic key. */
const GATEWAY_ABSENT = ['DATABASE_URL', 'KAFKA_BROKERS', 'CARENET_TOPIC_PROTECTION_KEY'];

const missing = (env: Env, names: readonly string[]) => names.filter((n) => (env[n] ?? '') === '');
const hasJwks = (env: Env) =>
  (env.CARENET_AUTH_JWKS_URL ?? '') !== '' || (env.CARENET_AUTH_JWKS_FILE ?? '') !== '';

/** `node services/<name>/dist/src/main.js` → `<name>` (or `gateway`); undefined for anything else. */
function processOf(command: readonly string[]): string | undefined {
  const entry = command.find((part) => /^services\/[a-z-]+\/dist\/src\/main\.js$/.test(part));
  return entry?.split('/')[1];
}

/** A `dist/src/main.js` named in a command exists as a source `src/main.ts` (what `pnpm build` compiles). */
function entryPointsOf(command: readonly string[]): string[] {
  return command
    .flatMap((part) => [...part.matchAll(/\b((?:services|packages)\/[a-z-]+)\/dist\/src\/main\.js\b/g)])
    .map((m) => `${m[1] ?? ''}/src/main.ts`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

// ---- Docker Compose -----------------------------------------------------------------------------

interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>>;
  readonly healthcheck?: { readonly test: readonly string[] | string };
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly ports?: readonly string[];
}
interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
}

const COMPOSE_FILE = 'infra/compose/compose.yaml';
const compose = parseYamlFile(COMPOSE_FILE)[0] as ComposeFile;
const composeEnv = (service: ComposeService): Env =>
  Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [
      name,
      value === null ? '' : String(value),
    ]),
  );
/** The compose services built from infra/docker/Dockerfile: carenet's processes (and the dev issuer). */
const carenetComposeServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
const composeServiceRunning = (process: string) =>
  Object.entries(compose.services).find(([, s]) => processOf(s.command ?? []) === process);

// ---- Kubernetes ---------------------------------------------------------------------------------

interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}
interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}
interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
}
interface Container {
  readonly name: string;
  readonly command?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string } }[];
  readonly env?: readonly EnvVar[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
}
interface Deployment extends K8sObject {
  readonly spec: {
    readonly replicas: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly template: {
      readonly metadata: {
        readonly labels: Readonly<Record<string, string>>;
        readonly annotations?: Readonly<Record<string, string>>;
      };
      readonly spec: { readonly containers: readonly Container[] };
    };
  };
}
interface Service extends K8sObject {
  readonly spec: {
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: readonly { readonly port: number; readonly targetPort?: string | number }[];
  };
}
interface ConfigMap extends K8sObject {
  readonly data: Readonly<Record<string, string>>;
}
interface Secret extends K8sObject {
  readonly stringData: Readonly<Record<string, string>>;
}

const K8S_DIR = 'infra/k8s';
const kustomization = parseYamlFile(`${K8S_DIR}/kustomization.yaml`)[0] as {
  readonly namespace: string;
  readonly resources: readonly string[];
};
const SECRET_TEMPLATE = `${K8S_DIR}/secret.template.yaml`;
const k8sObjects = [...kustomization.resources, relative(K8S_DIR, SECRET_TEMPLATE)].flatMap(
  (file) => parseYamlFile(`${K8S_DIR}/${file}`) as K8sObject[],
);
const ofKind = <T extends K8sObject>(kind: string) => k8sObjects.filter((o) => o.kind === kind) as T[];
const deployments = ofKind<Deployment>('Deployment');
const k8sServices = ofKind<Service>('Service');
const configMaps = ofKind<ConfigMap>('ConfigMap');
const secrets = ofKind<Secret>('Secret');
const containerOf = (d: Deployment): Container => {
  const [container] = d.spec.template.spec.containers;
  if (container === undefined) throw new Error(`Deployment ${d.metadata.name} has no container`);
  return container;
};
const deploymentRunning = (process: string) =>
  deployments.find((d) => processOf(containerOf(d).command ?? []) === process);

/** A container's environment as the kubelet makes it: envFrom ConfigMaps, then env (secrets by reference). */
function k8sEnv(container: Container): Env {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const map = configMaps.find((m) => m.metadata.name === name);
    if (map === undefined) throw new Error(`${container.name}: no ConfigMap ${String(name)}`);
    Object.assign(env, map.data);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    env[variable.name] = ref === undefined ? (variable.value ?? '') : `secret:${ref.name}/${ref.key}`;
  }
  return env;
}

/** A memory quantity in MiB (`768Mi`, `1Gi`); NaN for any other form. */
function mebibytes(quantity: string | undefined): number {
  const [, amount = '', unit = ''] = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '') ?? [];
  return Number(amount) * (unit === 'Gi' ? 1024 : unit === 'Mi' ? 1 : NaN);
}

function containerPort(container: Container, port: string | number | undefined): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}

// ---- The checks ---------------------------------------------------------------------------------

describe('infra/: the deployment files, checked offline', () => {
  it('finds the variables carenet reads, the services and the YAML files', () => {
    expect(configSchemaNames()).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'KAFKA_BROKERS']));
    expect(kafkaSecurityNames()).toEqual(
      expect.arrayContaining(['KAFKA_SASL_MECHANISM', 'KAFKA_SSL_CA_FILE']),
    );
    expect(readmeConfigurationNames()).toEqual(expect.arrayContaining(['CARENET_AUTH_JWKS_URL']));
    expect(SERVICES).toEqual(['care-plans', 'shared-info', 'tasks']);
    const yamlFiles = filesUnder('infra').filter((f) => /\.ya?ml$/.test(f));
    expect(yamlFiles).toEqual(expect.arrayContaining([COMPOSE_FILE, `${K8S_DIR}/kustomization.yaml`]));
    for (const file of yamlFiles) expect(parseYamlFile(file).length).toBeGreaterThan(0);
  });

  it('names only variables that the configuration or the README knows', () => {
    const named = [
      ...carenetComposeServices.flatMap(([name, s]) =>
        Object.keys(composeEnv(s)).map((v) => `${COMPOSE_FILE} ${name}: ${v}`),
      ),
      ...configMaps.flatMap((m) => Object.keys(m.data).map((v) => `ConfigMap ${m.metadata.name}: ${v}`)),
      ...deployments.flatMap((d) =>
        (containerOf(d).env ?? []).map((v) => `Deployment ${d.metadata.name}: ${v.name}`),
      ),
    ];
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((entry) => !KNOWN_VARIABLES.has(entry.split(': ')[1] ?? ''))).toEqual([]);
  });

  it('starts only entry points that exist', () => {
    const commands = [
      ...carenetComposeServices.flatMap(([, s]) => [...(s.entrypoint ?? []), ...(s.command ?? [])]),
      ...deployments.flatMap((d) => containerOf(d).command ?? []),
      ...[...read('infra/docker/Dockerfile').matchAll(/^CMD (.*)$/gm)].map((m) => m[1] ?? ''),
    ];
    const entryPoints = new Set(commands.flatMap((c) => entryPointsOf([c])));
    expect([...entryPoints].sort()).toEqual([
      'packages/cli/src/main.ts',
      ...['care-plans', 'gateway', 'shared-info', 'tasks'].map((s) => `services/${s}/src/main.ts`),
    ]);
    for (const file of entryPoints) expect(existsSync(join(ROOT, file))).toBe(true);
  });

  describe('Docker Compose', () => {
    const databases = [
      ...read('infra/compose/postgres-init/10-carenet-databases.sql').matchAll(/CREATE DATABASE (\w+)/g),
    ].map((m) => m[1]);

    it.each(SERVICES)('runs %s with what a service process requires, on a database of its own', (service) => {
      const [name, definition] = composeServiceRunning(service) ?? [];
      expect(name).toBe(service);
      const env = composeEnv(definition ?? {});
      expect(missing(env, SERVICE_REQUIRED)).toEqual([]);
      expect(hasJwks(env)).toBe(true);
      expect(env.CARENET_HOST).toBe('0.0.0.0');
      expect(env.CARENET_AUTH_AUDIENCE).toBe(env.CARENET_PUBLIC_BASE_URL);
      // Its database, created by the postgres image's init script, on the postgres service.
      const url = new URL(env.DATABASE_URL ?? '');
      expect(url.hostname).toBe('postgres');
      expect(databases).toContain(url.pathname.slice(1));
      // Kafka: a compose service that advertises that listener.
      for (const broker of (env.KAFKA_BROKERS ?? '').split(',')) {
        const [host = '', port = ''] = broker.split(':');
        const advertised = String(compose.services[host]?.environment?.KAFKA_ADVERTISED_LISTENERS ?? '');
        expect(advertised).toContain(`//${host}:${port}`);
      }
    });

    it('gives each service its own database and every service the same topic key and issuer', () => {
      const envs = SERVICES.map((s) => composeEnv(composeServiceRunning(s)?.[1] ?? {}));
      expect(new Set(envs.map((e) => e.DATABASE_URL)).size).toBe(SERVICES.length);
      for (const name of ['CARENET_TOPIC_PROTECTION_KEY', 'CARENET_AUTH_ISSUER', 'CARENET_PUBLIC_BASE_URL']) {
        expect(new Set(envs.map((e) => e[name])).size).toBe(1);
      }
    });

    it('runs the gateway as the stateless proxy to the services it declares, published on 8080', () => {
      const gateway = composeServiceRunning('gateway')?.[1] ?? {};
      const env = composeEnv(gateway);
      expect(missing(env, GATEWAY_REQUIRED)).toEqual([]);
      expect(hasJwks(env)).toBe(true);
      expect(env.CARENET_MODE).toBe('distributed');
      expect(env.CARENET_HOST).toBe('0.0.0.0');
      expect(GATEWAY_ABSENT.filter((n) => n in env)).toEqual([]);
      expect(gateway.ports).toEqual([`8080:${env.PORT ?? ''}`]);
      for (const service of SERVICES) {
        const url = new URL(env[serviceUrlVariable(service)] ?? '');
        const [name, target] = composeServiceRunning(service) ?? [];
        expect(`${url.protocol}//${url.hostname}:${url.port}${url.pathname}`).toBe(
          `http://${name ?? ''}:${composeEnv(target ?? {}).PORT ?? ''}/fhir`,
        );
      }
    });

    it('checks /readyz on each process and starts each after what it depends on is ready', () => {
      for (const process of [...SERVICES, 'gateway']) {
        const [name = '', definition] = composeServiceRunning(process) ?? [];
        const test = [definition?.healthcheck?.test ?? []].flat().join(' ');
        expect(`${name}: ${test}`).toContain(
          `://127.0.0.1:${composeEnv(definition ?? {}).PORT ?? ''}/readyz`,
        );
        const after = definition?.depends_on ?? {};
        const expected = process === 'gateway' ? SERVICES : ['postgres', 'kafka'];
        for (const dependency of expected)
          expect(`${name} → ${dependency}: ${after[dependency]?.condition ?? ''}`).toBe(
            `${name} → ${dependency}: service_healthy`,
          );
      }
      // Every dependency exists, and one waited for as healthy has a healthcheck.
      const wrong = Object.entries(compose.services).flatMap(([name, definition]) =>
        Object.entries(definition.depends_on ?? {})
          .filter(([dependency, { condition }]) => {
            const target = compose.services[dependency];
            return target === undefined || (condition === 'service_healthy' && !target.healthcheck);
          })
          .map(([dependency]) => `${name} → ${dependency}`),
      );
      expect(wrong).toEqual([]);
    });

    it('interpolates only variables that .env.example lists, and .env.example holds no secret', () => {
      const example = read('infra/compose/.env.example');
      const listed = new Set([...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
      const interpolated = new Set(
        [...read(COMPOSE_FILE).matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? ''),
      );
      expect(interpolated.size).toBeGreaterThan(3);
      expect([...interpolated].filter((name) => !listed.has(name))).toEqual([]);
      expect(example).toMatch(/^CARENET_TOPIC_PROTECTION_KEY=$/m);
      expect(example).toMatch(/^POSTGRES_PASSWORD=$/m);
    });
  });

  describe('Kubernetes', () => {
    it('applies every manifest in one namespace, the Secret as a template apart', () => {
      const manifests = filesUnder(K8S_DIR)
        .filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && f !== SECRET_TEMPLATE)
        .map((f) => relative(K8S_DIR, f))
        .sort();
      expect([...kustomization.resources].sort()).toEqual(manifests);
      expect(ofKind('Namespace').map((n) => n.metadata.name)).toEqual([kustomization.namespace]);
      expect(secrets.map((s) => s.metadata.namespace)).toEqual([kustomization.namespace]);
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES, 'gateway'].sort());
    });

    it.each(SERVICES)('runs %s with what a service process requires, on a database of its own', (service) => {
      const deployment = deploymentRunning(service);
      expect(deployment?.metadata.name).toBe(service);
      const env = k8sEnv(containerOf(deployment!));
      expect(missing(env, SERVICE_REQUIRED)).toEqual([]);
      expect(hasJwks(env)).toBe(true);
      expect(env.CARENET_HOST).toBe('0.0.0.0');
      expect(env.CARENET_AUTH_AUDIENCE).toBe(env.CARENET_PUBLIC_BASE_URL);
      // Secrets by reference, to keys the template has.
      for (const value of Object.values(env).filter((v) => v.startsWith('secret:'))) {
        const [secret, key = ''] = value.slice('secret:'.length).split('/');
        expect(secrets.find((s) => s.metadata.name === secret)?.stringData).toHaveProperty([key]);
      }
    });

    it('runs two replicas of tasks, each service on its own database key, all with the same topic key', () => {
      expect(deploymentRunning('tasks')?.spec.replicas).toBe(2);
      const envs = SERVICES.map((s) => k8sEnv(containerOf(deploymentRunning(s)!)));
      expect(new Set(envs.map((e) => e.DATABASE_URL)).size).toBe(SERVICES.length);
      expect(new Set(envs.map((e) => e.CARENET_TOPIC_PROTECTION_KEY)).size).toBe(1);
    });

    it('runs the gateway as the stateless proxy to the Services declared for each service', () => {
      const env = k8sEnv(containerOf(deploymentRunning('gateway')!));
      expect(missing(env, GATEWAY_REQUIRED)).toEqual([]);
      expect(hasJwks(env)).toBe(true);
      expect(env.CARENET_MODE).toBe('distributed');
      expect(GATEWAY_ABSENT.filter((n) => n in env)).toEqual([]);
      for (const service of SERVICES) {
        const url = new URL(env[serviceUrlVariable(service)] ?? '');
        expect(url.pathname).toBe('/fhir');
        const target = k8sServices.find((s) => s.metadata.name === url.hostname.split('.')[0]);
        const port = target?.spec.ports.find((p) => p.port === Number(url.port || 80));
        expect(`${url.hostname}:${url.port} → ${String(port?.port)}`).toBe(
          `${url.hostname}:${url.port} → ${url.port}`,
        );
        // The Service selects the pods of the Deployment running that service, on the port it listens on.
        const deployment = deploymentRunning(service)!;
        const labels = deployment.spec.template.metadata.labels;
        expect(Object.entries(target!.spec.selector).every(([k, v]) => labels[k] === v)).toBe(true);
        const container = containerOf(deployment);
        expect(containerPort(container, port?.targetPort ?? port?.port)).toBe(Number(k8sEnv(container).PORT));
      }
    });

    it.each([...SERVICES, 'gateway'])(
      'probes %s on /readyz and /healthz, limits it and has it scraped',
      (process) => {
        const deployment = deploymentRunning(process)!;
        const container = containerOf(deployment);
        const port = Number(k8sEnv(container).PORT);
        const probe = (p: Probe | undefined) =>
          p?.httpGet === undefined
            ? undefined
            : `${p.httpGet.path} on ${String(containerPort(container, p.httpGet.port))}`;
        expect(probe(container.readinessProbe)).toBe(`/readyz on ${port}`);
        expect(probe(container.livenessProbe)).toBe(`/healthz on ${port}`);
        expect(probe(container.startupProbe)).toBe(`/healthz on ${port}`);
        for (const kind of ['requests', 'limits'] as const) {
          expect(Object.keys(container.resources?.[kind] ?? {}).sort()).toEqual(['cpu', 'memory']);
        }
        // V8 sizes its heap from the memory limit (a quarter) unless told: told, within the limit.
        const heap = Number(/^--max-old-space-size=(\d+)$/m.exec((container.command ?? []).join('\n'))?.[1]);
        const limit = mebibytes(container.resources?.limits?.memory);
        expect(heap).toBeGreaterThanOrEqual(256);
        expect(heap).toBeLessThanOrEqual(limit - 256);
        expect(deployment.spec.template.metadata.annotations).toEqual(
          expect.objectContaining({
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(port),
            'prometheus.io/path': '/metrics',
          }),
        );
        const labels = deployment.spec.template.metadata.labels;
        expect(Object.entries(deployment.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)).toBe(
          true,
        );
      },
    );
  });

  describe('the Dockerfile', () => {
    const dockerfile = read('infra/docker/Dockerfile');

    it('installs the pnpm that package.json pins and the Node that the bootstrap installs', () => {
      const pinned = (JSON.parse(read('package.json')) as { packageManager: string }).packageManager;
      expect(`pnpm@${/^ARG PNPM_VERSION=(\S+)$/m.exec(dockerfile)?.[1] ?? ''}`).toBe(pinned);
      expect(dockerfile).toContain('npm install --global pnpm@${PNPM_VERSION}');
      const bootstrapNode = /const NODE_VERSION = '(\d+)\./.exec(read('scripts/bootstrap.mjs'))?.[1];
      expect(/^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1]).toBe(bootstrapNode);
      expect(dockerfile.match(/^FROM node:\$\{NODE_VERSION\}-slim\b/gm)).toHaveLength(2);
    });

    it('builds from the lockfile, prunes to production dependencies and copies what exists', () => {
      expect(dockerfile).toContain('pnpm install --frozen-lockfile --offline && pnpm build');
      expect(dockerfile).toContain('pnpm install --prod --frozen-lockfile --offline');
      const copied = [...dockerfile.matchAll(/^COPY --from=build \/app\/(\S+) /gm)].map((m) => m[1] ?? '');
      expect(copied).toEqual(expect.arrayContaining(['contracts', 'packages', 'services', 'node_modules']));
      for (const path of copied.filter((p) => p !== 'node_modules'))
        expect(existsSync(join(ROOT, path))).toBe(true);
      // A service's main imports the other services' modules: the root package's production
      // dependencies, which the --prod install keeps, name every service that runs as a process.
      const rootPackage = JSON.parse(read('package.json')) as { dependencies?: Record<string, string> };
      expect(
        Object.keys(rootPackage.dependencies ?? {})
          .map((name) => name.replace('@carenet/', ''))
          .sort(),
      ).toEqual(SERVICES);
    });

    it("keeps the host's install and build out of the context", () => {
      const ignored = read('infra/docker/Dockerfile.dockerignore').split('\n');
      expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
    });
  });
});
