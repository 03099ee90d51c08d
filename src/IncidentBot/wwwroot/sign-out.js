// The "Sign out" button of pages served without the console (someone signed in who holds no role). Signing out may
// lead on to the provider's own sign-out page, and the Content-Security-Policy lets a form redirect only to this
// site, so the form asks and the browser goes there itself (as me.js does in the console).
for (const form of document.querySelectorAll("form.sign-out")) {
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const response = await fetch("/logout", { method: "POST", headers: { Accept: "application/json" } });
    const next = response.ok ? (await response.json()).location : "/signed-out";
    window.location.assign(next || "/signed-out");
  });
}
