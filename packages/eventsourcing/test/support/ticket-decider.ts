// A small decider used to test the kernel itself (no domain meaning).
import { assertNever, BusinessRuleError, type Decider } from '../../src/index.js';

export type TicketCommand =
  { type: 'OpenTicket'; title: string; at: string } | { type: 'CloseTicket'; reason: string; at: string };

export type TicketEvent =
  | { type: 'TicketOpened'; data: { title: string; at: string } }
  | { type: 'TicketClosed'; data: { reason: string; at: string } };

export type TicketState =
  { status: 'none' } | { status: 'open'; title: string } | { status: 'closed'; title: string };

export const ticketDecider: Decider<TicketCommand, TicketEvent, TicketState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'OpenTicket':
        if (state.status !== 'none')
          throw new BusinessRuleError('ticket-already-open', 'the ticket exists already');
        return [{ type: 'TicketOpened', data: { title: command.title, at: command.at } }];
      case 'CloseTicket':
        if (state.status === 'none') throw new BusinessRuleError('ticket-not-open', 'no such ticket');
        if (state.status === 'closed') return [];
        return [{ type: 'TicketClosed', data: { reason: command.reason, at: command.at } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TicketOpened':
        return { status: 'open', title: event.data.title };
      case 'TicketClosed':
        return state.status === 'none' ? state : { status: 'closed', title: state.title };
      default:
        return assertNever(event);
    }
  },
};
