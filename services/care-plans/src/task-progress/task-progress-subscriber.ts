import type { SystemActor } from '@carenet/access';
import {
  deterministicId,
  handleCommands,
  silentLogger,
  type PostgresEventStore,
  type Logger,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import type { EventSubscriber, IncomingEvent } from '@carenet/messaging';
import { carePlanDecider, type CarePlanCommand, type TaskStatus } from '../care-plan/index.js';
import { CARE_PLAN_ACTION_SYSTEM, parseCarePlanActionIdentifier } from '../fhir/care-plan/index.js';

/** The actor of the plan's updates from task events. */
export const TASK_PROGRESS_ACTOR: SystemActor = {
  kind: 'system',
  clientId: 'carenet-care-plans-task-progress',
};

/** The consumer group (inbox namespace, Kafka group id, `<group>.dlq`). */
export const TASK_PROGRESS_GROUP = 'care-plans.task-progress';

/** The Task status each task event leaves the Task in. */
const STATUS_AFTER: Readonly<Record<string, TaskStatus>> = {
  TaskDrafted: 'draft',
  TaskRequested: 'requested',
  TaskReadied: 'ready',
  TaskReceived: 'received',
  TaskAccepted: 'accepted',
  TaskRejected: 'rejected',
  TaskStarted: 'in-progress',
  TaskPutOnHold: 'on-hold',
  TaskResumed: 'in-progress',
  TaskCompleted: 'completed',
  TaskFailed: 'failed',
  TaskCancelled: 'cancelled',
  TaskEnteredInError: 'entered-in-error',
};

const CREATIONS = new Set(['TaskDrafted', 'TaskRequested', 'TaskReadied']);

interface TaskEventData {
  readonly taskId: string;
  readonly at: string;
  readonly task?: { readonly identifiers?: readonly { readonly system?: string; readonly value?: string }[] };
  readonly due?: string;
}

export interface TaskProgressSubscriberOptions {
  /** The care-plans store: the handler appends through it inside the consumer's transaction. */
  readonly store: PostgresEventStore;
  readonly logger?: Logger;
}

/**
 * The tasks → plan half of the PPCS flow (issue 7), fed by `carenet.tasks`: a Task created for a
 * PPCS action (its `care-plan-action` identifier) is linked to the action (`activity.reference`),
 * each status change of it moves the action's `detail.status`, and its TaskOverdue raises the
 * coordinator's alert once. Which Task carries out which action is kept in
 * `care_plans.action_tasks`, written in the consumer's transaction (with its inbox). Events of
 * other Tasks are ignored. The plan's events are appended in the consumer's transaction, with its
 * inbox record and the mapping: a message is applied once.
 */
export function taskProgressSubscriber(options: TaskProgressSubscriberOptions): EventSubscriber {
  const logger = options.logger ?? silentLogger;

  async function actionOf(
    tx: SqlExecutor,
    type: string,
    data: TaskEventData,
  ): Promise<{ carePlanId: string; actionId: string } | undefined> {
    if (CREATIONS.has(type)) {
      const identifier = data.task?.identifiers?.find((i) => i.system === CARE_PLAN_ACTION_SYSTEM)?.value;
      const action = identifier === undefined ? undefined : parseCarePlanActionIdentifier(identifier);
      if (action !== undefined) {
        await tx.query(
          `INSERT INTO care_plans.action_tasks (task_id, care_plan_id, action_id) VALUES ($1, $2, $3)
           ON CONFLICT (task_id) DO NOTHING`,
          [data.taskId, action.carePlanId, action.actionId],
        );
      }
      return action;
    }
    const rows = await tx.query<{ care_plan_id: string; action_id: string }>(
      'SELECT care_plan_id, action_id FROM care_plans.action_tasks WHERE task_id = $1',
      [data.taskId],
    );
    const row = rows[0];
    return row === undefined ? undefined : { carePlanId: row.care_plan_id, actionId: row.action_id };
  }

  return {
    groupId: TASK_PROGRESS_GROUP,
    categories: ['Task'],
    async handler(event: IncomingEvent, tx, { traceparent }) {
      const type = event.type.split('.')[2] ?? '';
      const data = event.data as unknown as TaskEventData;
      const action = await actionOf(tx, type, data);
      if (action === undefined) return;
      const base = { actor: TASK_PROGRESS_ACTOR, now: data.at, actionId: action.actionId } as const;
      const commands: CarePlanCommand[] = [];
      if (CREATIONS.has(type)) commands.push({ ...base, type: 'LinkActionTask', taskId: data.taskId });
      const status = STATUS_AFTER[type];
      if (status !== undefined) {
        commands.push({ ...base, type: 'RecordActionProgress', taskStatus: status, taskId: data.taskId });
      }
      if (type === 'TaskOverdue' && data.due !== undefined) {
        commands.push({ ...base, type: 'RaiseActionOverdueAlert', taskId: data.taskId, due: data.due });
      }
      if (commands.length === 0) return;
      const result = await handleCommands(
        options.store.within(tx),
        carePlanDecider,
        `CarePlan-${action.carePlanId}`,
        () => commands,
        {
          // The plan's events continue the trace of the Task event that caused them.
          metadata: { causationId: event.id, traceparent },
          newEventId: (index) => deterministicId(`${event.id}:${index}`),
        },
      );
      if (result.events.length > 0) {
        logger.info(
          {
            carePlanId: action.carePlanId,
            actionId: action.actionId,
            taskId: data.taskId,
            events: result.events.length,
          },
          'care plan action follows its Task',
        );
      }
    },
  };
}
