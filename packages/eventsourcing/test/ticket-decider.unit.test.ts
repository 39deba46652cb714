import { describe, it } from '@jest/globals';
import { deciderSpecification } from '@carenet/testing';
import { BusinessRuleError } from '../src/index.js';
import { ticketDecider } from './support/ticket-decider.js';

const spec = deciderSpecification(ticketDecider);
const at = '2026-06-01T08:00:00Z';

describe('given / when / then on a decider', () => {
  it('produces the events of a command', () => {
    spec
      .given([])
      .when({ type: 'OpenTicket', title: 'wound care', at })
      .then([{ type: 'TicketOpened', data: { title: 'wound care', at } }]);
  });

  it('folds the given events before deciding', () => {
    spec
      .given([{ type: 'TicketOpened', data: { title: 'x', at } }])
      .when({ type: 'CloseTicket', reason: 'done', at })
      .then([{ type: 'TicketClosed', data: { reason: 'done', at } }]);
  });

  it('an idempotent command produces nothing', () => {
    spec
      .given([
        { type: 'TicketOpened', data: { title: 'x', at } },
        { type: 'TicketClosed', data: { reason: 'done', at } },
      ])
      .when({ type: 'CloseTicket', reason: 'again', at })
      .then([]);
  });

  it('reports a refused command as its typed error', () => {
    spec
      .given([])
      .when({ type: 'CloseTicket', reason: 'x', at })
      .thenThrows(BusinessRuleError, { rule: 'ticket-not-open' });
  });
});
