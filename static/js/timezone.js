// Fills the sign-up form's hidden time zone with the browser's, so quiet hours follow local time.
// Without JavaScript (or an answer the server does not know) the account starts on UTC.
const field = document.querySelector("input[data-time-zone]");
if (field && !field.value) {
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    field.value = "UTC";
  }
}
