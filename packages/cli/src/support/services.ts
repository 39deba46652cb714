import { CONTEXTS } from '@carenet/contracts';
import { CATEGORY_CONTEXTS, topicOf } from '@carenet/messaging';
import { CliUsageError } from '../cli-io.js';

/**
 * The services as the CLI knows them: each bounded context publishes its stream categories on its
 * topic (`CATEGORY_CONTEXTS`, the relay's own map), through a relay named `<service>-relay`.
 */
export interface ServiceInfo {
  readonly name: string;
  readonly categories: readonly string[];
  readonly topic: string;
  /** The id of its relay's checkpoint in `eventstore.checkpoints`. */
  readonly relayCheckpoint: string;
}

export const SERVICE_NAMES: readonly string[] = CONTEXTS;

export function serviceOf(name: string): ServiceInfo {
  if (!SERVICE_NAMES.includes(name)) {
    throw new CliUsageError(`unknown service "${name}" (one of ${SERVICE_NAMES.join(', ')})`);
  }
  return {
    name,
    categories: Object.entries(CATEGORY_CONTEXTS)
      .filter(([, context]) => context === name)
      .map(([category]) => category),
    topic: topicOf(name),
    relayCheckpoint: `relay.${name}-relay`,
  };
}

/** Every category some service publishes. */
export const KNOWN_CATEGORIES: readonly string[] = Object.keys(CATEGORY_CONTEXTS);

/**
 * The categories a verb works on: `--category` (repeatable or comma-separated), within
 * `--service` when both are given; undefined for all. A category the service does not publish is
 * refused, and with `strict` one no service publishes.
 */
export function categoriesOf(
  options: { readonly category?: readonly string[]; readonly service?: string },
  strict = false,
): readonly string[] | undefined {
  const service = options.service === undefined ? undefined : serviceOf(options.service);
  const asked = (options.category ?? []).flatMap((c) => c.split(',')).filter((c) => c !== '');
  for (const category of asked) {
    if (strict && !KNOWN_CATEGORIES.includes(category)) {
      throw new CliUsageError(
        `unknown stream category "${category}" (one of ${KNOWN_CATEGORIES.join(', ')})`,
      );
    }
    if (service && !service.categories.includes(category)) {
      throw new CliUsageError(`service ${service.name} does not publish category ${category}`);
    }
  }
  if (asked.length > 0) return asked;
  return service?.categories;
}

/** commander's collector of a repeatable option. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
