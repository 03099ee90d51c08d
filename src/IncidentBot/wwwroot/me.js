// Who is signed in. With OpenID Connect sign-in the provider's proven name replaces the typed one: the console
// never asks for a name, sends the proven one, and offers to sign out. Otherwise nothing changes.
"use strict";

// name: the handle commands are sent as (and the timeline shows); display: the provider's display name, for the header.
const signedIn = { name: null, display: null, email: null, ready: null };
signedIn.ready = fetch("/api/me", { headers: { Accept: "application/json" } })
  .then(response => response.ok ? response.json() : null)
  .then(me => {
    // A viewer (or someone with no role) is not offered buttons that change an incident: the server would refuse
    // them. The command box stays, for what a viewer may ask (oncall, help) and to say which role a change needs.
    document.body.dataset.role = me?.role ?? "none";
    if (!me || me.signedInWith !== "oidc" || !me.name) return;
    signedIn.name = me.handle || me.name;
    signedIn.display = me.name;
    signedIn.email = me.email;
    const who = document.getElementById("who");
    who.title = `Signed in as @${signedIn.name}${me.email ? ` (${me.email})` : ""}`;
    who.dataset.signedIn = "true";
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/logout";
    form.className = "sign-out";
    const button = document.createElement("button");
    button.className = "btn";
    button.textContent = "Sign out";
    form.appendChild(button);
    // Signing out may lead on to the provider's own sign-out page: the Content-Security-Policy lets a form
    // redirect only to this site, so the form asks and the browser goes there itself.
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const response = await fetch("/logout", { method: "POST", headers: { Accept: "application/json" } });
      const next = response.ok ? (await response.json()).location : "/signed-out";
      window.location.assign(next || "/signed-out");
    });
    who.after(form);
    if (typeof showName === "function") showName();
  })
  .catch(() => {});
