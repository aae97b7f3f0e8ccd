import { BadRequestException, Controller, Get, Headers, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole } from '../auth/roles.decorator';
import { ErrorResponses, NonJsonResponse, ZodQuery } from '../common/api-contract';
import type { StreamEvent } from './stream-event';
import { StreamHub } from './stream-hub.service';

const eventId = z.string().regex(/^\d{1,15}$/, 'must be the id of an event this stream sent (digits)');
const streamQuery = z.object({
  /** For clients that cannot set the Last-Event-ID header. */
  lastEventId: eventId.optional(),
});

/** Events a reconnecting client may catch up on; beyond that it reloads (`reset`). */
const BACKLOG_LIMIT = 10_000;
const HEARTBEAT_MS = 15_000;
/** A client this far behind is cut off; it reconnects with Last-Event-ID and catches up from the database. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The live event stream of the signed-in user's workspace (Server-Sent Events). */
@ApiTags('stream')
@Controller('api')
export class StreamController {
  constructor(private readonly hub: StreamHub) {}

  @Get('stream')
  @AnyRole()
  @ApiOperation({
    summary:
      'Server-Sent Events of your workspace: message.created/updated, conversation.updated/status_changed/assigned/read, note.created, pause.changed, notification.created. Each has an id; reconnect with Last-Event-ID to get what you missed (event "reset" when that is no longer possible: reload)',
  })
  @NonJsonResponse('text/event-stream', 'An endless event stream; `ready` first (its id is where the stream stands), a comment every 15 s')
  @ErrorResponses({ 400: 'Last-Event-ID is not an id this stream sends' })
  async stream(
    @CurrentPrincipal() principal: Principal,
    @ZodQuery(streamQuery) query: z.infer<typeof streamQuery>,
    @Headers('last-event-id') header: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const raw = header ?? query.lastEventId;
    const parsed = raw === undefined ? null : eventId.safeParse(raw.trim());
    if (parsed && !parsed.success) {
      throw new BadRequestException({
        message: 'Last-Event-ID must be the id of an event this stream sent.',
        code: 'invalid_input',
        issues: [{ in: 'header', path: 'Last-Event-ID', message: parsed.error.issues[0]?.message ?? 'invalid' }],
      });
    }
    const after = parsed?.success ? Number(parsed.data) : null;

    response.status(200);
    response.setHeader('content-type', 'text/event-stream; charset=utf-8');
    // no-transform: proxies (and compression) must pass each event on as it comes.
    response.setHeader('cache-control', 'no-cache, no-transform');
    response.setHeader('connection', 'keep-alive');
    response.setHeader('x-accel-buffering', 'no');
    response.flushHeaders();
    response.socket?.setNoDelay(true);

    let closed = false;
    let live = false;
    const pending: StreamEvent[] = [];
    /** Events at or below this number were sent (or are older than this client's place). */
    let sentUpTo = 0;
    const write = (text: string | Buffer) => {
      if (closed) return;
      response.write(text);
      if (response.writableLength > MAX_BUFFERED_BYTES) response.end();
    };
    /** Writes the events this client has not had yet, all in one write. */
    const send = (events: readonly StreamEvent[]) => {
      let text = '';
      for (const event of events) {
        if (event.seq <= sentUpTo) continue;
        sentUpTo = event.seq;
        text += event.frame;
      }
      if (text.length > 0) write(text);
    };
    /** A live read: when all of it is new (the usual case), its shared bytes go as they are. */
    const sendLive = (events: readonly StreamEvent[], bytes: Buffer) => {
      const first = events[0];
      const last = events.at(-1);
      if (first === undefined || last === undefined) return;
      if (first.seq > sentUpTo) {
        sentUpTo = last.seq;
        write(bytes);
      } else send(events);
    };
    try {
      // The hub reads no events while this process has no connection: it catches up before this one takes its place.
      await this.hub.ready();
    } catch {
      // The headers are out: a failure can only end the stream, and the client connects again.
      response.end();
      return;
    }
    const position = this.hub.position();
    const unsubscribe = this.hub.subscribe({
      workspaceId: principal.workspaceId,
      userId: principal.userId,
      deliver: (events, bytes) => (live ? sendLive(events, bytes) : pending.push(...events)),
      end: () => response.end(),
    });
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
    };
    request.on('close', close);
    response.on('close', close);

    write('retry: 2000\n\n');
    try {
      await this.catchUp(after, position, principal, send, write, (value) => (sentUpTo = value));
    } catch {
      // The headers are out: a failure can only end the stream, and the client reconnects from its last event.
      response.end();
      close();
      return;
    }
    send(pending.splice(0));
    live = true;
    write(`id: ${sentUpTo}\nevent: ready\ndata: {"position":${sentUpTo}}\n\n`);
  }

  /** Sends what a reconnecting client missed, up to `position`; sets where the live feed takes over. */
  private async catchUp(
    after: number | null,
    position: number,
    principal: Principal,
    send: (events: readonly StreamEvent[]) => void,
    write: (text: string) => void,
    setSentUpTo: (value: number) => void,
  ): Promise<void> {
    if (after === null) {
      setSentUpTo(position);
      return;
    }
    const missed = await this.hub.backlog(principal.workspaceId, principal.userId, after, position, BACKLOG_LIMIT);
    if (missed === null) {
      write(`event: reset\ndata: {"reason":"The events since your last one are no longer kept: reload."}\n\n`);
      setSentUpTo(position);
      return;
    }
    setSentUpTo(after);
    send(missed);
    setSentUpTo(Math.max(after, position, missed.at(-1)?.seq ?? 0));
  }
}
