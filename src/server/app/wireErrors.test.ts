import { describe, expect, it } from 'vitest';
import { CodecError, RateLimitError } from '../../lib/errors.js';
import { CodecErrorCode, WireErrorCode } from '../../protocol/index.js';
import { invalidCredentials, usernameTaken } from '../auth/authErrors.js';
import { CommitConflictError, QueueFullError } from '../delivery/deliveryErrors.js';
import { toWireError } from './wireErrors.js';

describe('toWireError', () => {
  it('maps service errors to the wire codes of docs/protocol.md', () => {
    expect(toWireError(invalidCredentials()).code).toBe(WireErrorCode.AuthFailed);
    expect(toWireError(usernameTaken()).code).toBe(WireErrorCode.UsernameTaken);
    expect(toWireError(new CommitConflictError(3n)).code).toBe(WireErrorCode.CommitConflict);
    expect(toWireError(new QueueFullError(10))).toMatchObject({ code: WireErrorCode.QueueFull });
    expect(toWireError(new RateLimitError('RATE_LIMITED_IP', 'slow down', 250))).toEqual({
      code: WireErrorCode.RateLimited,
      message: 'slow down',
      retryAfterMs: 250,
    });
    expect(toWireError(new CodecError(CodecErrorCode.UnknownMethod, 'x')).code).toBe(
      WireErrorCode.UnknownMethod,
    );
    expect(toWireError(new CodecError(CodecErrorCode.FieldTooLarge, 'x')).code).toBe(
      WireErrorCode.BadRequest,
    );
  });

  it('hides the text of unexpected errors behind INTERNAL', () => {
    expect(toWireError(new Error('SELECT secret FROM users'))).toEqual({
      code: WireErrorCode.Internal,
      message: 'internal server error',
      retryAfterMs: 0,
    });
  });
});
