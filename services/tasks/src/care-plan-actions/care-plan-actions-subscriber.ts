import type { SystemActor } from '@carenet/access';
import {
  deterministicId,
  handleCommand,
  silentLogger,
  type Logger,
  type PostgresEventStore,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import { carenetCodeSystem } from '@carenet/fhir';
import type { EventSubscriber, IncomingEvent } from '@carenet/messaging';
import {
  isFinished,
  taskDecider,
  type CreateTask,
  type ExistingTask,
  type TaskCommand,
  type TaskDetails,
  type TaskState,
} from '../task/index.js';
import { CARE_PLAN_ACTION_SYSTEM, carePlanActionValue } from './care-plan-action-identifier.js';
import type {
  ActionsChanged,
  ActionsScheduled,
  ActionsWithdrawn,
  AlertRaised,
  HandedAction,
} from './care-plan-events.js';

/** The actor of the Tasks this consumer creates and maintains for PPCS actions. */
export const CARE_PLAN_ACTIONS_ACTOR: SystemActor = {
  kind: 'system',
  clientId: 'carenet-tasks-care-plan-actions',
};

/** The consumer group (inbox namespace, Kafka group id, `<group>.dlq`). */
export const CARE_PLAN_ACTIONS_GROUP = 'tasks.care-plan-actions';

/** The code of an alert Task (`Task.code`), in the project's task-code CodeSystem. */
export const CARE_PLAN_ALERT_CODE = { system: carenetCodeSystem('task-code'), code: 'care-plan-alert' };

/** The Task of a handed-over action (the same for every delivery of the same hand-over). */
export const actionTaskId = (carePlanId: string, actionId: string, occurrence: number): string =>
  deterministicId(`CarePlan/${carePlanId}#${actionId}#${occurrence}`);

/** The alert Task of a care-plan alert (raised once per alert id). */
export const alertTaskId = (carePlanId: string, alertId: string): string =>
  deterministicId(`CarePlan/${carePlanId}#alert#${alertId}`);

export interface CarePlanActionsSubscriberOptions {
  /** The Tasks store: the handler appends through it inside the consumer's transaction. */
  readonly store: PostgresEventStore;
  readonly logger?: Logger;
}

/**
 * The plan → tasks half of the PPCS flow (issue 7), fed by `carenet.care-plans` (Kafka, or the
 * store log in the embedded mode):
 * - CarePlanActionsScheduled: one Task per action, `basedOn` the CarePlan, owned by the action's
 *   performer, due at the action's due date, mode distribution under the coordinator (who is
 *   accountable for the split), identified as the action's Task;
 * - CarePlanActionsChanged: the open Tasks of a changed action follow (owner, request) while not
 *   accepted; an accepted request is frozen and stays as it is (logged);
 * - CarePlanActionsWithdrawn: the open Tasks of the withdrawn actions are cancelled;
 * - CarePlanAlertRaised: one alert Task for the coordinator.
 * The Tasks are appended in the consumer's transaction, with its inbox record: a message is
 * applied once. Task ids and event ids also derive from the message, so even a replay under a new
 * consumer group creates nothing twice.
 */
export function carePlanActionsSubscriber(options: CarePlanActionsSubscriberOptions): EventSubscriber {
  const logger = options.logger ?? silentLogger;

  /** What one message's handling runs on: the store and the reads inside the consumer's transaction. */
  interface Scope {
    readonly event: IncomingEvent;
    readonly store: PostgresEventStore;
    readonly tx: SqlExecutor;
    /** The consumer span's trace context: the Tasks' events continue the plan's trace. */
    readonly traceparent: string;
  }

  async function run(
    { event, store, traceparent }: Scope,
    taskId: string,
    command: TaskCommand,
  ): Promise<void> {
    await handleCommand(store, taskDecider, `Task-${taskId}`, command, {
      metadata: { causationId: event.id, traceparent },
      newEventId: (index) => deterministicId(`${event.id}:${taskId}:${index}`),
    });
  }

  async function createOnce(scope: Scope, command: CreateTask): Promise<void> {
    if ((await scope.store.streamRevision(`Task-${command.taskId}`)) !== null) return;
    await run(scope, command.taskId, command);
  }

  /** The open Tasks of an action, from the read model. */
  async function openTasksOf({ tx }: Scope, carePlanId: string, actionId: string): Promise<ExistingTask[]> {
    const rows = await tx.query<{ state: TaskState }>(
      'SELECT state FROM tasks.task_state WHERE care_plan_action = $1',
      [carePlanActionValue(carePlanId, actionId)],
    );
    return rows.flatMap(({ state }) => (state.exists && !isFinished(state.status) ? [state] : []));
  }

  function details(data: ActionsScheduled, action: HandedAction): TaskDetails {
    return {
      code: action.code,
      ...(action.description !== undefined && { description: action.description }),
      basedOn: [{ reference: `CarePlan/${data.carePlanId}` }],
      ...(action.due !== undefined && { restrictionPeriod: { end: action.due } }),
      priority: action.priority,
      notes:
        action.expectedResult === undefined ? [] : [{ text: `Expected result: ${action.expectedResult}` }],
      inputs: [],
    };
  }

  async function scheduled(scope: Scope, data: ActionsScheduled): Promise<void> {
    for (const action of data.actions) {
      await createOnce(scope, {
        type: 'CreateTask',
        actor: CARE_PLAN_ACTIONS_ACTOR,
        now: data.at,
        taskId: actionTaskId(data.carePlanId, action.actionId, action.occurrence),
        status: 'requested',
        intent: 'order',
        mode: 'distribution',
        for: data.patient,
        requester: data.coordinator,
        owner: action.performer,
        basis: { kind: 'care-plan', reference: `CarePlan/${data.carePlanId}` },
        identifiers: [
          { system: CARE_PLAN_ACTION_SYSTEM, value: carePlanActionValue(data.carePlanId, action.actionId) },
        ],
        details: details(data, action),
      });
    }
  }

  async function changed(scope: Scope, data: ActionsChanged): Promise<void> {
    for (const { action } of data.changes) {
      for (const task of await openTasksOf(scope, data.carePlanId, action.actionId)) {
        if (task.accepted) {
          logger.warn(
            { taskId: task.id, carePlanId: data.carePlanId, actionId: action.actionId },
            'care plan action changed after its Task was accepted: the Task keeps its request',
          );
          continue;
        }
        const commands: TaskCommand[] = [
          {
            type: 'ChangeTaskOwner',
            actor: CARE_PLAN_ACTIONS_ACTOR,
            now: data.at,
            owner: action.performer,
            reason: { text: 'the care plan action was revised' },
          },
          {
            type: 'ChangeTaskDetails',
            actor: CARE_PLAN_ACTIONS_ACTOR,
            now: data.at,
            details: { ...details({ ...data, actions: [] }, action), notes: task.notes, inputs: task.inputs },
          },
        ];
        for (const command of commands) await run(scope, task.id, command);
      }
    }
  }

  async function withdrawn(scope: Scope, data: ActionsWithdrawn): Promise<void> {
    for (const actionId of data.actionIds) {
      for (const task of await openTasksOf(scope, data.carePlanId, actionId)) {
        await run(scope, task.id, {
          type: 'CancelTask',
          actor: CARE_PLAN_ACTIONS_ACTOR,
          now: data.at,
          reason: data.reason,
        });
      }
    }
  }

  async function alert(scope: Scope, data: AlertRaised): Promise<void> {
    await createOnce(scope, {
      type: 'CreateTask',
      actor: CARE_PLAN_ACTIONS_ACTOR,
      now: data.at,
      taskId: alertTaskId(data.carePlanId, data.alertId),
      status: 'requested',
      intent: 'order',
      mode: 'delegation',
      for: data.patient,
      requester: data.coordinator,
      owner: data.coordinator,
      basis: { kind: 'care-plan', reference: `CarePlan/${data.carePlanId}` },
      details: {
        code: { coding: [{ ...CARE_PLAN_ALERT_CODE, display: 'Care plan alert' }], text: data.reason },
        description: data.reason,
        basedOn: [{ reference: `CarePlan/${data.carePlanId}` }],
        ...(data.taskId !== undefined && { focus: { reference: `Task/${data.taskId}` } }),
        priority: 'urgent',
        notes: [],
        inputs: [],
      },
    });
  }

  return {
    groupId: CARE_PLAN_ACTIONS_GROUP,
    categories: ['CarePlan'],
    async handler(event, tx, { traceparent }) {
      // Everything runs in the consumer's transaction: the Tasks commit with the inbox record.
      const scope: Scope = { event, tx, store: options.store.within(tx), traceparent };
      const name = event.type.split('.')[2];
      switch (name) {
        case 'CarePlanActionsScheduled':
          return scheduled(scope, event.data as unknown as ActionsScheduled);
        case 'CarePlanActionsChanged':
          return changed(scope, event.data as unknown as ActionsChanged);
        case 'CarePlanActionsWithdrawn':
          return withdrawn(scope, event.data as unknown as ActionsWithdrawn);
        case 'CarePlanAlertRaised':
          return alert(scope, event.data as unknown as AlertRaised);
        default:
          // Other plan facts (drafted, validated…) are not the Tasks service's business.
          return undefined;
      }
    },
  };
}
