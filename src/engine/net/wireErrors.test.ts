import { describe, expect, it } from 'vitest';
import { AuthError, ConflictError, InternalError, NetworkError, RateLimitError } from '../../lib/errors.js';
import { WireErrorCode } from '../../protocol/index.js';
import { errorFromWire, ServerRefusedError } from './wireErrors.js';

const wire = (code: string, retryAfterMs = 0) => ({ code, message: 'why', retryAfterMs });

describe('errorFromWire', () => {
  it('maps each wire code to its class in the error tree, keeping the code', () => {
    const cases: [string, new (...args: never[]) => Error][] = [
      [WireErrorCode.Unauthenticated, AuthError],
      [WireErrorCode.AuthFailed, AuthError],
      [WireErrorCode.LoginExpired, AuthError],
      [WireErrorCode.CommitConflict, ConflictError],
      [WireErrorCode.UsernameTaken, ServerRefusedError],
      [WireErrorCode.NotFound, ServerRefusedError],
      [WireErrorCode.NoKeyPackage, ServerRefusedError],
      [WireErrorCode.Unavailable, NetworkError],
      [WireErrorCode.Internal, InternalError],
      ['SOMETHING_NEWER', InternalError],
    ];
    for (const [code, kind] of cases) {
      const error = errorFromWire(wire(code));
      expect(error, code).toBeInstanceOf(kind);
      expect(error.code).toBe(code);
    }
  });

  it('carries retry-after for rate limits and full queues', () => {
    const error = errorFromWire(wire(WireErrorCode.RateLimited, 250));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(250);
    expect(errorFromWire(wire(WireErrorCode.QueueFull, 10))).toBeInstanceOf(RateLimitError);
    const full = errorFromWire(wire(WireErrorCode.ResourceExhausted, 30_000));
    expect(full).toBeInstanceOf(RateLimitError);
    expect((full as RateLimitError).retryAfterMs).toBe(30_000);
  });

  it('gives a person a next step for authentication failures', () => {
    expect(errorFromWire(wire(WireErrorCode.Unauthenticated)).hint).toMatch(/qpc account login/u);
  });
});
