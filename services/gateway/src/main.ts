import { composeFromConfig, runFhirProcess } from '@carenet/runtime';
import { SERVICE_MODULES } from './embedded-services.js';
import { EMBEDDED_TOPIC_KEY_FILE, embeddedTopicProtection } from './embedded-topic-key.js';
import { runProxyGateway } from './proxy-gateway.js';

// The distributed mode: a stateless proxy to the services' own processes. The embedded mode:
// every service in this process, on one database.
if (process.env.CARENET_MODE === 'distributed') await runProxyGateway();
else
  await runFhirProcess({
    name: 'gateway',
    kind: 'gateway',
    // The embedded mode with Kafka and no topic key: one of its own, in the data dir.
    // eslint-disable-next-line @typescript-eslint/require-await -- a throw becomes a rejection
    async topicProtection(config, logger) {
      if (config.mode !== 'embedded' || config.kafkaBrokers === undefined) return undefined;
      const own = embeddedTopicProtection(config.dataDir);
      if (own.created)
        logger.info(
          `created the topic key of the embedded mode in ${config.dataDir}/${EMBEDDED_TOPIC_KEY_FILE}`,
        );
      return own.protection;
    },
    compose: (context) => composeFromConfig(context, { modules: SERVICE_MODULES, processName: 'gateway' }),
  });
