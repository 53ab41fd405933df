/** The job was cancelled (SIGINT/SIGTERM): what was minted so far has been revoked, or nothing was minted. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'cancelled: every credential minted so far was revoked') {
    super(message);
  }
}

/** "SIGTERM received", or whatever the signal was aborted with. */
export function cancellationReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'cancelled';
}
