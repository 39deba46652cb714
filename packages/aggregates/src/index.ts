export {
  aggregateReadModel,
  atOf,
  type AggregateModel,
  type AggregateState,
  type Existing,
} from './aggregate-read-model.js';
export {
  aggregateProvider,
  type AggregateOperation,
  type AggregateProviderOptions,
  type CommandInput,
} from './aggregate-provider.js';
