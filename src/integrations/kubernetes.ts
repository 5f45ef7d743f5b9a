/**
 * Kubernetes manifests for an HTTP server, in `deploy/kubernetes/` (rendered with
 * `kubectl kustomize deploy/kubernetes`): a Deployment of at least two replicas with probes on
 * `/healthz` and `/readyz`, resource requests and limits, a non-root read-only container and a preStop
 * pause so the drain on SIGTERM completes; a Service, a HorizontalPodAutoscaler, a
 * PodDisruptionBudget, and the variables the server reads, split between a ConfigMap and a Secret by
 * the `secret` flag each integration gives its variables. `compose.yaml` runs the same image locally
 * with Redis and the project's databases.
 */
import type { EnvVar, Integration, ProjectFacts } from './types.js';

/** Seconds the preStop hook waits, so endpoints drop the pod before the server starts draining. */
const PRE_STOP_SECONDS = 5;
/** SHUTDOWN_TIMEOUT_MS's default: how long the server waits for requests in flight. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Seconds left after the drain to close pools and flush telemetry. */
const CLOSE_SECONDS = 10;

/** A name Kubernetes takes for objects and labels (DNS-1035: lower-case letters, digits, '-'; a letter first; 63 at most). */
export function kubernetesName(binName: string): string {
    const name = binName
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^[^a-z]+/, '');
    return (name || 'mcp-server').slice(0, 63).replace(/-+$/, '');
}

/** An image tag made of the version (`+build` metadata is not allowed in tags). */
function imageTag(version: string): string {
    return version.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 128);
}

/** A value as a YAML scalar: JSON strings are valid YAML, and keep any character. */
const yamlString = (value: string) => JSON.stringify(value);

/** A description as one comment line. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

interface Entry {
    name: string;
    /** As a YAML scalar. */
    value: string;
    /** What it is, for the comment above it. */
    note: string;
}

/**
 * The ConfigMap's entries (what serving needs in a pod, then every variable with a value to give),
 * those left for the operator to fill in, and the Secret's entries.
 */
function variables(project: ProjectFacts, name: string) {
    const entry = (v: EnvVar, value: string): Entry => ({ name: v.name, value: yamlString(value), note: oneLine(v.description) });
    const config: Entry[] = [
        { name: 'HOST', value: yamlString('0.0.0.0'), note: 'Listen on the pod address' },
        { name: 'PORT', value: yamlString('3000'), note: 'The container port' },
        {
            name: 'ALLOWED_HOSTS',
            value: yamlString(name),
            note: 'Host names clients use (the Host header): add the Service DNS names and your ingress host',
        },
    ];
    const optional: Entry[] = [];
    const secrets: Entry[] = [];
    for (const v of project.env) {
        if (v.secret) secrets.push(entry(v, ''));
        else if (v.name === 'MCP_AUTH' && v.default === 'none') {
            // Said explicitly: the server refuses to serve beyond loopback without authorization otherwise.
            config.push({
                ...entry(v, 'none'),
                note: 'Anyone who reaches the Service may call the server: set token, jwt or introspection before exposing it',
            });
        } else if (v.default !== undefined) config.push(entry(v, v.default));
        else if (v.required) config.push(entry(v, v.example));
        else optional.push(entry(v, v.example));
    }
    return { config, optional, secrets };
}

export const kubernetes: Integration = {
    id: 'kubernetes',
    kind: 'system',
    label: 'Kubernetes',
    description: 'manifests for kubectl apply -k (Deployment with probes and drain, Service, autoscaler, disruption budget) and compose.yaml',
    // The manifests and compose.yaml run the image the Dockerfile builds.
    requires: { transports: ['http'], integrations: ['docker'] },
    readme: { operate: 'README.operate.md.hbs' },
    layout: [
        ['deploy/kubernetes/', 'the Kubernetes manifests (kubectl apply -k deploy/kubernetes)'],
        ['compose.yaml', 'the server and what it depends on, on this machine (docker compose up)'],
    ],
    view: ({ spec, active }, project) => {
        const name = kubernetesName(project.binName);
        // compose.yaml starts these services beside the server, and waits until they answer.
        const services = ['redis', 'postgres', 'mysql'].filter((id) => active.has(id));
        return {
            name,
            tag: imageTag(spec.version),
            ...variables(project, name),
            dependsOn: services,
            databases: ['postgres', 'mysql', 'sqlite'].some((id) => active.has(id)),
            configs: active.has('postgres') || active.has('mysql'),
            volume: active.has('sqlite') || active.has('filesystem'),
            preStopSeconds: PRE_STOP_SECONDS,
            shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
            shutdownSeconds: SHUTDOWN_TIMEOUT_MS / 1000,
            closeSeconds: CLOSE_SECONDS,
            // Kubernetes counts the preStop pause inside the grace period.
            terminationGracePeriodSeconds: PRE_STOP_SECONDS + SHUTDOWN_TIMEOUT_MS / 1000 + CLOSE_SECONDS,
        };
    },
};
