/**
 * The one path from a transport to a handler: validate the channel and the
 * payload, run the handler, and turn whatever happens into a Result.
 */
import type { Handlers, Req, Res, Channel } from '../../core/api/contract.js';
import { validateRequest } from '../../core/api/validate.js';
import { toErrorInfo, type Result } from '../../core/errors.js';

/** Runs one request through validation and its handler; never throws. */
export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown): Promise<Result<unknown>> {
  try {
    const { channel: c, req } = validateRequest(channel, payload);
    const handler = handlers[c] as (req: Req<Channel>) => Promise<Res<Channel>>;
    return { ok: true, value: await handler(req) };
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'INTERNAL') console.error(`handler ${String(channel)} failed:`, error);
    return { ok: false, error: info };
  }
}
