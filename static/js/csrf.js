// The CSRF token Django expects in X-CSRFToken, for every script that sends a write.

// The token from a form's hidden input under `scope`, else from the csrftoken cookie.
export function csrfToken(scope = document) {
  const input = scope.querySelector("input[name=csrfmiddlewaretoken]");
  if (input && input.value) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}
