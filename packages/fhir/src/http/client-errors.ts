import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { outcome, issue } from '../outcomes.js';
import { FHIR_JSON } from './media-types.js';
import { FHIR_RESPONSE_HEADERS } from './response-headers.js';

/** What Node's HTTP parser refused, as a status and what to tell the client. */
function answerOf(code: string | undefined): { status: number; reason: string; diagnostics: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        diagnostics:
          'the request headers are larger than the server accepts (16 KB in all): send smaller headers',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', diagnostics: 'the request took too long to arrive' };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        diagnostics: 'the request is not valid HTTP/1.1 and could not be read',
      };
  }
}

/**
 * Node's HTTP server refuses some requests before express sees them: headers over its limit
 * (`maxHeaderSize`, 16 KB by default) and requests that are not valid HTTP. By default it answers
 * 431 or 400 with an empty body; with this, the answer is an OperationOutcome like every other
 * refusal (same status, `Connection: close`, the FHIR response headers). Nothing is logged: the
 * client's mistake, told to the client.
 */
export function answerClientErrorsWithOutcome(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node does: answer only when the socket can take it and no response has begun on it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const { status, reason, diagnostics } = answerOf(error.code);
    const body = JSON.stringify(
      outcome(issue('error', status === 431 ? 'too-costly' : 'invalid', diagnostics)),
    );
    const headers = {
      'Content-Type': `${FHIR_JSON}; charset=utf-8`,
      'Content-Length': String(Buffer.byteLength(body)),
      ...FHIR_RESPONSE_HEADERS,
      Connection: 'close',
    };
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}\r\n${body}`,
      () => socket.destroy(),
    );
  });
}
