"use strict";
// Sends the pasted token once; the server keeps it in an http-only cookie the page cannot read.
document.getElementById("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("signin-error");
  error.hidden = true;
  const token = document.getElementById("token").value.trim();
  const response = await fetch("/ui/session", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "graphledger-console" },
    body: JSON.stringify({ token }),
  });
  if (response.ok) {
    window.location.assign("/ui" + window.location.hash);
    return;
  }
  error.textContent = response.status === 401
    ? "This token is unknown, revoked or expired."
    : `Sign-in failed (HTTP ${response.status}).`;
  error.hidden = false;
});
