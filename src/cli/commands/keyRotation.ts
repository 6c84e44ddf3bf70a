/** `qpc keys rotate-hybrid|rotate-access`: on-demand rotations (both also run on a schedule). */
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export function rotateHybrid(flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    await engine.rotateHybridKey();
    writeLine(
      io.stdout,
      'new hybrid key published; the previous one still opens what was sealed to it until its grace period ends',
    );
    return ExitCode.ok;
  });
}

export function rotateAccess(flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    await engine.rotateAccessKey();
    const { pending } = await engine.flushOutbox();
    writeLine(
      io.stdout,
      `new sealed-sender access key registered and shared in every group${pending > 0 ? ` (${pending} messages wait to go)` : ''}`,
    );
    return ExitCode.ok;
  });
}

export interface ScheduleOptions {
  hybridDays?: string | undefined;
  graceDays?: string | undefined;
  accessDays?: string | undefined;
  json?: boolean | undefined;
}

function days(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,4}$/u.test(text)) throw new UsageError(`${option} takes a whole number of days, not "${text}"`);
  return Number(text);
}

export function schedule(options: ScheduleOptions, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  const change = {
    hybridDays: days(options.hybridDays, '--hybrid-days'),
    hybridGraceDays: days(options.graceDays, '--grace-days'),
    accessDays: days(options.accessDays, '--access-days'),
  };
  return withEngine(flags, { io }, ({ engine }) => {
    const changes = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    const now = Object.keys(changes).length === 0 ? engine.keySchedule() : engine.setKeySchedule(changes);
    if (options.json === true) writeLine(io.stdout, JSON.stringify(now));
    else {
      writeLine(io.stdout, `hybrid key      every ${now.hybridDays} days (0: never)`);
      writeLine(io.stdout, `  grace period  ${now.hybridGraceDays} days`);
      writeLine(io.stdout, `access key      every ${now.accessDays} days (0: never)`);
    }
    return Promise.resolve(ExitCode.ok);
  });
}
