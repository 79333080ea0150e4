// Sending a file to a resumable upload session in chunks, without the DOM: resumes from what the server
// has after an offset conflict or a dropped connection, and gives up after too many failures in a row.
import { ApiError } from "./api.js";
import { gettext } from "./i18n.js";

export const MAX_FAILURES = 6;

// A failure worth retrying: no answer at all, or the server (or a proxy before it) failed.
export function isTransient(error) {
  return error instanceof ApiError && (error.code === "network" || error.status >= 500);
}

// The wait before the nth retry in a row: 1 s, 2 s, 4 s, ...
export function backoffMilliseconds(failures) {
  return 500 * 2 ** failures;
}

// Sends bytes [0, size) and resolves with the count the server holds (size). `sendChunk(start, end)`
// resolves to the session ({received}) or rejects with ApiError; `askReceived()` resolves to the
// session; `wait(ms)` sleeps; `onRetry(failures)` tells the person it is resuming. Rejects with the
// server's ApiError for a refusal, or one with code "gave_up" after `maxFailures` transient failures.
export async function sendChunks({ size, chunkSize, sendChunk, askReceived, wait, onRetry = () => {}, maxFailures = MAX_FAILURES }) {
  let received = 0;
  let failures = 0;
  while (received < size) {
    const start = received;
    try {
      const session = await sendChunk(start, Math.min(start + chunkSize, size));
      received = checked(session.received, size);
      failures = 0;
      continue;
    } catch (error) {
      // The server holds a different count than we thought (an answer lost on the way): go on from it.
      if (error instanceof ApiError && error.code === "offset" && typeof error.body.received === "number") {
        received = checked(error.body.received, size);
        continue;
      }
      if (!isTransient(error)) throw error;
      failures += 1;
      if (failures > maxFailures) {
        throw new ApiError({
          status: error.status,
          code: "gave_up",
          detail: gettext("The connection keeps dropping. Please try again in a moment."),
        });
      }
    }
    onRetry(failures);
    await wait(backoffMilliseconds(failures));
    try {
      received = checked((await askReceived()).received, size);
    } catch {
      /* still offline: the next chunk's answer says where the server is */
    }
  }
  return received;
}

function checked(received, size) {
  if (typeof received !== "number" || received < 0 || received > size) {
    throw new ApiError({ status: 0, code: "bad_answer", detail: gettext("The upload failed. Please try again.") });
  }
  return received;
}
