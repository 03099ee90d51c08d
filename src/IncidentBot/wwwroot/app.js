// IncidentBot web console: a thin client over the HTTP API. Every action is a chat command; the server renders
// the bot's messages, so this file only fetches, listens for live updates and wires buttons to commands.
"use strict";

const view = document.getElementById("view");
const state = { route: null, incident: null, lastRoomId: 0, refreshTimer: null };

// ---- identity -----------------------------------------------------------------------------------------------
function userName() { return signedIn.name || localStorage.getItem("incidentbot.user") || ""; }

// Resolves with the name, or with "" when the dialog is closed (Esc) before a first name was given.
function askName() {
  const dialog = document.getElementById("name-dialog");
  const input = document.getElementById("name-input");
  input.value = userName();
  document.getElementById("name-form").onsubmit = () => {
    const name = input.value.trim().replace(/^@/, "");
    if (!name) { return false; }
    localStorage.setItem("incidentbot.user", name);
    showName();
    return true;
  };
  if (!dialog.open) dialog.showModal();
  return new Promise(resolve => dialog.addEventListener("close", () => resolve(userName()), { once: true }));
}

// Everything can be read without a name; the first action that needs one (a command, a button) asks for it.
async function nameForAction() { await signedIn.ready; return userName() || await askName(); }

function showName() { document.getElementById("who").textContent = signedIn.display || (userName() ? "@" + userName() : "set your name"); }
document.getElementById("who").addEventListener("click", () => signedIn.name ? null : askName());

// ---- helpers ------------------------------------------------------------------------------------------------
const escapeHtml = text => String(text ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { "Content-Type": "application/json" }, ...options });
  if (response.status === 401) { location.href = "/login"; throw new Error("not signed in"); }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  // A validation problem names what is wrong per field (errors); other problems say it in detail.
  const reasons = body?.errors ? Object.values(body.errors).flat().join(" ") : "";
  if (!response.ok) { throw new Error(reasons || body?.detail || body?.title || `HTTP ${response.status}`); }
  return body;
}

function age(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d`;
}

function duration(seconds) {
  if (seconds == null) return "—";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

const sevBadge = sev => `<span class="sev sev-${escapeHtml(sev)}">${escapeHtml(sev)}</span>`;
const statusBadge = status => `<span class="status status-${escapeHtml(status)}" data-testid="status">${escapeHtml(status)}</span>`;
const drillBadge = isDrill => isDrill ? `<span class="drill-badge">DRILL</span>` : "";

// ---- incidents list -----------------------------------------------------------------------------------------
async function renderIncidents() {
  view.innerHTML = `
    <h1>Incidents</h1>
    <form class="declare card" id="declare">
      <input name="title" required maxlength="200" placeholder="Declare an incident: what is wrong?" aria-label="Incident title">
      <select name="severity" aria-label="Severity">
        <option value="sev1">SEV1</option><option value="sev2">SEV2</option><option value="sev3" selected>SEV3</option><option value="sev4">SEV4</option>
      </select>
      <button class="btn btn-primary">Declare</button>
    </form>
    <h2 id="open-heading">Open</h2>
    <div class="incidents" data-testid="open-incidents"></div>
    <h2 id="resolved-heading">Recently resolved</h2>
    <div class="incidents" data-testid="resolved-incidents"></div>`;
  document.getElementById("declare").after(IncidentList.controls(() => refreshIncidentLists().catch(() => {})));
  document.getElementById("declare").addEventListener("submit", async event => {
    event.preventDefault();
    if (!await nameForAction()) return;
    const form = new FormData(event.target);
    const reply = await api("/api/commands", { method: "POST", body: JSON.stringify({ user: userName(), text: `declare ${form.get("title")} ${form.get("severity")}` }) });
    if (reply.incidentNumber) { location.hash = `#/incidents/${reply.incidentNumber}`; }
  });
  await refreshIncidentLists();
}

// Live updates refresh the lists only, so a half-typed declaration is never wiped.
// The filters (incident-list.js) go to the server; "status" picks which of the two lists are shown.
async function refreshIncidentLists() {
  const filters = IncidentList.query();
  const shown = IncidentList.status();
  let open, resolved;
  try {
    [open, resolved] = await Promise.all([
      shown === "resolved" ? [] : api(`/api/incidents?status=open&limit=200${filters}`),
      shown === "open" ? [] : api(`/api/incidents?status=resolved&limit=20${filters}`)]);
  } catch (error) {
    // A filter the server refuses (a bad value in the address): say why, above the lists, and keep the page.
    IncidentList.showProblem(error.message);
    return;
  }
  const openList = document.querySelector('[data-testid="open-incidents"]');
  if (!openList) return;
  IncidentList.showProblem("");
  IncidentList.rememberServices([...open, ...resolved]);
  [openList, document.getElementById("open-heading")].forEach(e => { e.hidden = shown === "resolved"; });
  [document.querySelector('[data-testid="resolved-incidents"]'), document.getElementById("resolved-heading")].forEach(e => { e.hidden = shown === "open"; });
  document.getElementById("open-heading").textContent = `Open (${open.length})`;
  openList.innerHTML = open.map(incidentRow).join("") || `<div class="empty">Nothing is open. Quiet night.</div>`;
  document.querySelector('[data-testid="resolved-incidents"]').innerHTML = resolved.map(incidentRow).join("") || `<div class="empty">None yet.</div>`;
}

function incidentRow(i) {
  const commander = i.roles?.commander ? `IC @${escapeHtml(i.roles.commander)}` : "no commander";
  const alerts = i.alertCount ? ` · ${i.firingAlertCount}/${i.alertCount} alerts firing` : "";
  return `<a class="card incident-row sev-line-${escapeHtml(i.severity)}" href="#/incidents/${i.number}" data-testid="incident-${i.number}">
      <span class="ref">${drillBadge(i.isDrill)}INC-${i.number}</span>
      <span class="title">${escapeHtml(i.title)}</span>
      <span>${sevBadge(i.severity)} ${statusBadge(i.status)}</span>
      <span class="meta" data-testid="incident-meta">${escapeHtml(i.service || "no service")} · ${commander}${alerts} · ${escapeHtml(IncidentList.times(i, age, duration))}</span>
    </a>`;
}

// ---- incident room ------------------------------------------------------------------------------------------
async function renderRoom(number) {
  view.innerHTML = `
    <div class="room">
      <section class="room-head" id="room-head"></section>
      <section>
        <div class="stream" id="stream" data-testid="stream"></div>
        <form class="composer" id="composer">
          <input id="command" autocomplete="off" maxlength="4000" placeholder="Type a command: ack, note …, update …, done, help" aria-label="Command">
          <button class="btn btn-primary">Send</button>
        </form>
      </section>
      <aside class="side" id="side"></aside>
    </div>`;
  state.lastRoomId = 0;
  document.getElementById("composer").addEventListener("submit", async event => {
    event.preventDefault();
    const input = document.getElementById("command");
    const text = input.value.trim();
    if (!text || !await nameForAction()) return;
    input.value = "";
    await say(number, text);
  });
  await Promise.all([refreshIncident(number), loadRoom(number)]);
  document.getElementById("command").focus();
}

async function refreshIncident(number) {
  const i = await api(`/api/incidents/${number}`);
  if (state.route !== `incident:${number}`) return; // the person went to another page meanwhile
  state.incident = i;
  const open = ["triggered", "acknowledged", "mitigated"].includes(i.status);
  document.getElementById("room-head").innerHTML = `
    <h1>${drillBadge(i.isDrill)}<span>INC-${i.number}</span> ${sevBadge(i.severity)} ${statusBadge(i.status)} <span>${escapeHtml(i.title)}</span></h1>
    <div class="room-actions">
      ${i.status === "triggered" ? `<button class="btn btn-primary" data-command="ack">Acknowledge</button>` : ""}
      ${open && !i.roles?.commander ? `<button class="btn" data-command="role commander">I'm incident commander</button>` : ""}
      ${open ? `<button class="btn btn-danger" data-command="resolve">Resolve</button>` : ""}
      ${open ? "" : `<a class="btn" href="#/incidents/${i.number}/rca">Review</a>`}
    </div>`;
  const roles = Object.entries(i.roles || {}).map(([role, user]) => `<dt>${escapeHtml(role.charAt(0).toUpperCase() + role.slice(1))}</dt><dd data-testid="role-${escapeHtml(role)}">@${escapeHtml(user)}</dd>`).join("");
  const sessions = (i.runbookSessions || []).map(sessionCard).join("");
  document.getElementById("side").innerHTML = `
    <div class="card"><dl>
      <dt>Service</dt><dd>${escapeHtml(i.service || "—")}</dd>
      <dt>Opened</dt><dd>${age(i.createdAt)} ago</dd>
      ${i.acknowledgedAt ? `<dt>Acked</dt><dd>${age(i.acknowledgedAt)} ago</dd>` : ""}
      ${i.alertCount ? `<dt>Alerts</dt><dd>${i.firingAlertCount} firing of ${i.alertCount}</dd>` : ""}
      ${roles || `<dt>Roles</dt><dd>nobody yet</dd>`}
    </dl></div>
    ${sessions}`;
  window.alertsPanel?.refresh(i);
  // timeline.js (and anything else showing the incident) draws from the same copy.
  window.dispatchEvent(new CustomEvent("incidentbot:incident", { detail: i }));
}

function sessionCard(s) {
  const icon = { done: "✓", skipped: "↷", current: "▶", pending: "·" };
  const steps = s.steps.map(step => `<div class="session-step ${step.state}"><span class="state">${icon[step.state]}</span>
      <span>${step.number}. ${escapeHtml(step.title)}${step.by ? ` <span class="muted">@${escapeHtml(step.by)}${step.durationSeconds != null ? `, ${Math.round(step.durationSeconds)}s` : ""}</span>` : ""}</span></div>`).join("");
  const progress = s.currentStep ? `step ${s.currentStep} of ${s.steps.length}` : "finished";
  return `<div class="card" data-testid="session-${escapeHtml(s.runbookId)}"><strong>${escapeHtml(s.title)}</strong> <span class="muted" data-testid="session-progress">${progress}</span>${steps}</div>`;
}

async function loadRoom(number, after = state.lastRoomId) {
  const messages = await api(`/api/incidents/${number}/room?after=${after}`);
  if (state.route !== `incident:${number}`) return; // another room is open now: these are not its messages
  messages.forEach(appendRoomMessage);
}

function appendRoomMessage(m) {
  const stream = document.getElementById("stream");
  if (!stream) return;
  state.lastRoomId = Math.max(state.lastRoomId, m.version ?? m.id);
  // A newer version of a card already shown replaces it in place (live-card.js).
  if (m.updateKey && replaceInPlace(stream, m)) return;
  if (document.getElementById(`m-${m.id}`)) return;
  // Messages from other replicas may arrive after a newer one: each goes in its place, ordered by id.
  const later = [...stream.querySelectorAll("[data-message-id]")].find(e => Number(e.dataset.messageId) > m.id);
  const entry = document.createElement("div");
  entry.id = `m-${m.id}`;
  entry.dataset.messageId = m.id;
  entry.className = m.html ? "entry bot" : "entry person";
  if (m.updateKey) {
    entry.dataset.updateKey = m.updateKey;
    entry.dataset.version = m.version ?? m.id;
  }
  entry.innerHTML = m.html
    ? `<span class="who-tag">bot</span><div class="body">${m.html}</div>`
    : `<span class="who-tag">@${escapeHtml(m.author)}</span><div class="body"><div class="bubble">${escapeHtml(m.text)}</div></div>`;
  stream.insertBefore(entry, later ?? null);
  if (!later) entry.scrollIntoView({ block: "end" });
}

function appendPrivate(html) {
  const stream = document.getElementById("stream");
  const entry = document.createElement("div");
  entry.className = "entry bot private";
  entry.innerHTML = `<span class="who-tag">to you</span><div class="body">${html}</div>`;
  stream.appendChild(entry);
  entry.scrollIntoView({ block: "end" });
}

async function say(number, text) {
  if (!await nameForAction()) return;
  try {
    const reply = await api(`/api/incidents/${number}/room`, { method: "POST", body: JSON.stringify({ user: userName(), text }) });
    reply.private.forEach(appendPrivate);
  } catch (error) {
    appendPrivate(`<div class="msg msg-error">${escapeHtml(error.message)}</div>`);
  }
}

// Buttons anywhere in a room (incident actions, runbook Done/Skip/Back, checklist items) run their command.
view.addEventListener("click", event => {
  const button = event.target.closest("[data-command]");
  if (!button || !state.route?.startsWith("incident:")) return;
  event.preventDefault();
  say(Number(state.route.split(":")[1]), button.dataset.command);
});

// ---- runbooks -----------------------------------------------------------------------------------------------
async function renderRunbooks() {
  const runbooks = await api("/api/runbooks");
  view.innerHTML = `<h1>Runbooks</h1><div class="incidents">${runbooks.map(r => r.errors.length
    ? `<div class="card"><strong>${escapeHtml(r.file)}</strong> <span class="error">kept out: ${r.errors.length} problem(s)</span>
         ${r.errors.map(e => `<div class="problem">${escapeHtml(r.file)}:${e.line}: ${escapeHtml(e.message)}</div>`).join("")}</div>`
    : `<a class="card incident-row" href="#/runbooks/${encodeURIComponent(r.id)}"><span class="ref">${escapeHtml(r.id)}</span>
         <span class="title">${escapeHtml(r.title)}</span><span>${r.severity ? sevBadge(r.severity) : ""}</span>
         <span class="meta">${r.stepCount} steps${r.estimatedMinutes ? ` · ~${r.estimatedMinutes} min` : ""}${r.owner ? ` · ${escapeHtml(r.owner)}` : ""}
         ${Object.keys(r.match).length ? ` · starts on ${Object.entries(r.match).map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(v)}`).join(", ")}` : ""}</span></a>`).join("")
    || `<div class="empty">No runbooks loaded.</div>`}</div>`;
}

async function renderRunbook(id) {
  const r = await api(`/api/runbooks/${encodeURIComponent(id)}`);
  view.innerHTML = `<h1>${escapeHtml(r.title)}</h1><div class="card">${r.introHtml}</div>
    ${r.steps.map(s => `<div class="card runbook-step"><h3>${s.number}. ${escapeHtml(s.title)}</h3>${s.html}</div>`).join("")}`;
}

// ---- post-incident review ------------------------------------------------------------------------------------
async function renderReview(number, attempt = 0) {
  const response = await fetch(`/api/incidents/${number}/rca/html`);
  if (response.status === 404) {
    view.innerHTML = `<h1>INC-${number} review</h1><div class="empty">No review yet: it is written when the incident resolves (or with <code>rca</code>).</div>`;
    // Just resolved: the bot writes the review a moment later, so look again for a little while.
    if (attempt < 15) setTimeout(() => { if (state.route === "review" && location.hash === `#/incidents/${number}/rca`) renderReview(number, attempt + 1); }, 1000);
    return;
  }
  const etag = response.headers.get("ETag");
  const html = await response.text();
  const markdown = await (await fetch(`/api/incidents/${number}/rca`)).text();
  view.innerHTML = `
    <h1><a href="#/incidents/${number}">INC-${number}</a> review <span class="muted" data-testid="review-version">version ${escapeHtml((etag || "").replaceAll('"', ""))}</span></h1>
    <div class="room-actions"><button class="btn" id="edit-review">Edit</button></div>
    <article class="card review" data-testid="review">${html}</article>
    <form class="card review-editor" id="review-form" hidden>
      <textarea name="markdown" rows="30" aria-label="Review Markdown">${escapeHtml(markdown)}</textarea>
      <div class="room-actions"><button class="btn btn-primary">Save</button><span id="review-result"></span></div>
    </form>`;
  document.getElementById("edit-review").onclick = () => { document.getElementById("review-form").hidden = false; };
  document.getElementById("review-form").addEventListener("submit", async event => {
    event.preventDefault();
    if (!await nameForAction()) return;
    const saved = await fetch(`/api/incidents/${number}/rca?user=${encodeURIComponent(userName())}`, {
      method: "PUT", headers: { "Content-Type": "text/markdown", "If-Match": etag }, body: new FormData(event.target).get("markdown"),
    });
    if (saved.ok) { await renderReview(number); return; }
    const problem = await saved.json().catch(() => ({}));
    document.getElementById("review-result").innerHTML = `<span class="error">${escapeHtml(problem.detail || `HTTP ${saved.status}`)}</span>`;
  });
}

// ---- drills -------------------------------------------------------------------------------------------------
async function renderDrills() {
  const [schedules, runbooks] = await Promise.all([api("/api/drills"), api("/api/runbooks")]);
  const options = runbooks.filter(r => !r.errors.length).map(r => `<option value="${escapeHtml(r.id)}">${escapeHtml(r.title)}</option>`).join("");
  const runs = await Promise.all(schedules.map(s => api(`/api/drills/${encodeURIComponent(s.id)}/runs`)));
  view.innerHTML = `
    <h1>Drills</h1>
    <form class="declare card" id="drill-form">
      <input name="cron" required placeholder='Quartz cron, e.g. 0 0 10 ? * TUE' aria-label="Cron expression">
      <select name="runbook" aria-label="Runbook">${options}</select>
      <select name="severity" aria-label="Drill severity"><option>SEV1</option><option>SEV2</option><option selected>SEV3</option><option>SEV4</option></select>
      <input name="timeZone" placeholder="Time zone (e.g. Europe/Berlin)" aria-label="Time zone">
      <button class="btn btn-primary" name="action" value="schedule">Schedule</button>
      <button class="btn" name="action" value="run" formnovalidate>Run now</button>
    </form>
    <div id="drill-result"></div>
    <h2>Schedules (${schedules.length})</h2>
    <div class="incidents" data-testid="drill-schedules">${schedules.map((s, i) => drillCard(s, runs[i])).join("") || `<div class="empty">No drills scheduled. Leads schedule them here or with <code>drill schedule</code>.</div>`}</div>`;
  document.getElementById("drill-form").addEventListener("submit", async event => {
    event.preventDefault();
    const form = new FormData(event.target);
    const result = document.getElementById("drill-result");
    if (!await nameForAction()) return;
    try {
      if (event.submitter?.value === "run") {
        const started = await api("/api/drills/run", { method: "POST", body: JSON.stringify({ runbook: form.get("runbook"), user: userName() }) });
        location.hash = `#/incidents/${started.incidentNumber}`;
        return;
      }
      await api("/api/drills", { method: "POST", body: JSON.stringify({ cron: form.get("cron"), runbook: form.get("runbook"), severity: form.get("severity"), timeZone: form.get("timeZone") || null, user: userName() }) });
      await renderDrills();
    } catch (error) {
      result.innerHTML = `<div class="card error">${escapeHtml(error.message)}</div>`;
    }
  });
}

function drillCard(s, runs) {
  const rows = runs.slice(0, 5).map(r => r.missed
    ? `<div class="meta error">${escapeHtml(r.scheduledFor.slice(0, 16).replace("T", " "))} UTC — missed while IncidentBot was down</div>`
    : `<div class="meta">${escapeHtml(r.scheduledFor.slice(0, 16).replace("T", " "))} UTC — <a href="#/incidents/${r.incidentNumber}">INC-${r.incidentNumber}</a>${r.report ? ` · ack ${duration(r.report.timeToAcknowledgeSeconds)} · first step ${duration(r.report.timeToFirstStepSeconds)} · total ${duration(r.report.totalSeconds)}` : " · in progress"}</div>`).join("");
  return `<div class="card" data-testid="drill-${escapeHtml(s.id)}"><strong>${escapeHtml(s.id)}</strong> <span class="drill-badge">DRILL</span>
      ${escapeHtml(s.runbook)} ${sevBadge(s.severity)} <code>${escapeHtml(s.cron)}</code> <span class="muted">${escapeHtml(s.timeZone)}</span>
      <div class="meta">next: ${escapeHtml(s.nextRun || "—")}</div>${rows}</div>`;
}

// ---- routing and live updates -------------------------------------------------------------------------------
// ---- response metrics -----------------------------------------------------------------------------------------
// This period against the one before it, so a lead sees whether MTTA and MTTR are getting better per service.
async function renderResponse(days) {
  state.responseDays = days;
  const until = new Date();
  const since = new Date(until.getTime() - days * 86400e3);
  const before = new Date(since.getTime() - days * 86400e3);
  const period = (from, to) => api(`/api/metrics/response?since=${from.toISOString()}&until=${to.toISOString()}`);
  const [current, previous] = await Promise.all([period(since, until), period(before, since)]);
  const u = current.updates;
  const kept = u.updatesPosted + u.updatesMissed === 0 ? null : Math.round(100 * u.updatesPosted / (u.updatesPosted + u.updatesMissed));
  view.innerHTML = `
    <h1>Response</h1>
    <nav class="periods" aria-label="Period">${[7, 30, 90].map(d =>
      `<a class="btn ${d === days ? "btn-primary" : ""}" href="#/response?days=${d}">Last ${d} days</a>`).join("")}</nav>
    <p class="muted">Mean time from opening to acknowledge (MTTA), mitigate (MTTM) and resolve (MTTR); ▼ faster or ▲ slower than the ${days} days before.</p>
    <h2>Incidents</h2>
    ${responseTable(current.incidents, previous.incidents, "response-incidents", "No incidents in this period.")}
    <h2>Status updates</h2>
    <p class="card" data-testid="response-updates">${kept == null ? "No updates were due." : `${kept}% kept: ${u.updatesPosted} posted, ${u.updatesMissed} missed; ${u.incidentsWithMissedUpdates} of ${u.incidents} incidents missed one.`}</p>
    <h2>Drills <span class="muted">(kept out of the figures above)</span></h2>
    ${responseTable(current.drills, previous.drills, "response-drills", "No drills in this period.")}`;
}

function responseTable(groups, earlier, testId, empty) {
  if (groups.length === 0) return `<div class="empty" data-testid="${testId}">${empty}</div>`;
  const key = g => `${g.service}|${g.severity}`;
  const before = new Map(earlier.map(g => [key(g), g]));
  const cell = (g, field) => {
    const was = before.get(key(g))?.[field];
    const now = g[field];
    const trend = now == null || was == null || now === was ? ""
      : now < was ? ` <span class="trend better" title="was ${duration(was)}">▼</span>` : ` <span class="trend worse" title="was ${duration(was)}">▲</span>`;
    return `<td>${duration(now)}${trend}</td>`;
  };
  return `<div class="table-scroll"><table class="response" data-testid="${testId}">
    <thead><tr><th>Service</th><th>Severity</th><th>Count</th><th>MTTA</th><th>MTTM</th><th>MTTR</th></tr></thead>
    <tbody>${groups.map(g => `<tr><td>${escapeHtml(g.service)}</td><td>${sevBadge(g.severity)}</td><td>${g.count}</td>${cell(g, "mttaSeconds")}${cell(g, "mttmSeconds")}${cell(g, "mttrSeconds")}</tr>`).join("")}</tbody>
  </table></div>`;
}

async function route() {
  clearTimeout(state.refreshTimer);
  const hash = location.hash || "#/";
  let match;
  const section = hash.startsWith("#/services") ? "services" : hash.startsWith("#/runbooks") ? "runbooks" : hash.startsWith("#/drills") ? "drills" : hash.startsWith("#/response") ? "response" : "incidents";
  document.querySelectorAll("[data-nav]").forEach(a => a.classList.toggle("active", a.dataset.nav === section));
  try {
    if ((match = hash.match(/^#\/incidents\/(\d+)\/rca/))) { state.route = "review"; await renderReview(Number(match[1])); }
    else if ((match = hash.match(/^#\/incidents\/(\d+)/))) { state.route = `incident:${match[1]}`; await renderRoom(Number(match[1])); }
    else if ((match = hash.match(/^#\/runbooks\/(.+)/))) { state.route = "runbook"; await renderRunbook(decodeURIComponent(match[1])); }
    else if (hash.startsWith("#/runbooks")) { state.route = "runbooks"; await renderRunbooks(); }
    else if (hash.startsWith("#/services")) { state.route = "services"; await window.servicesPage.render(view); }
    else if (hash.startsWith("#/drills")) { state.route = "drills"; await renderDrills(); }
    else if (hash.startsWith("#/response")) { state.route = "response"; await renderResponse(Number(new URLSearchParams(hash.split("?")[1]).get("days")) || 30); }
    else { state.route = "incidents"; await renderIncidents(); }
  } catch (error) {
    view.innerHTML = `<div class="card error">${escapeHtml(error.message)}</div>`;
  }
}

// Bursts of updates (an alert storm) cost one refetch; a refetch planned for a page the user has left is dropped.
function refreshSoon(action) {
  clearTimeout(state.refreshTimer);
  const plannedFor = state.route;
  state.refreshTimer = setTimeout(() => { if (state.route === plannedFor) action().catch(() => {}); }, 150);
}

// Refetches what the page shows; the whole room, since a missed message may be older than the newest one shown.
function catchUp() {
  if (state.route === "incidents") refreshSoon(refreshIncidentLists);
  if (state.route === "response") refreshSoon(() => renderResponse(state.responseDays));
  if (state.route?.startsWith("incident:")) { const n = Number(state.route.split(":")[1]); refreshSoon(() => Promise.all([refreshIncident(n), loadRoom(n, 0)])); }
}

function listen() {
  const live = document.getElementById("live");
  const events = new EventSource("/api/events");
  events.addEventListener("hello", () => {
    live.dataset.state = "live"; live.textContent = "live";
    // After a reconnect, catch up on whatever changed while the stream was down.
    catchUp();
  });
  // The bot's replica may have missed other replicas' changes for a while (its feed was cut off): catch up.
  events.addEventListener("resync", catchUp);
  events.addEventListener("incident", event => {
    const update = JSON.parse(event.data);
    if (state.route === "incidents") refreshSoon(refreshIncidentLists);
    if (state.route === `incident:${update.incidentNumber}`) refreshSoon(() => refreshIncident(update.incidentNumber));
    if (state.route === "response") refreshSoon(() => renderResponse(state.responseDays));
  });
  events.addEventListener("room", event => {
    const update = JSON.parse(event.data);
    if (state.route !== `incident:${update.incidentNumber}`) return;
    // Without the message (the bot could not read it just then), fetch what is new in the room.
    if (update.message) appendRoomMessage(update.message); else refreshSoon(() => loadRoom(update.incidentNumber));
  });
  events.onerror = () => {
    live.dataset.state = "down"; live.textContent = "reconnecting…";
    // A dropped stream reconnects by itself; one refused with an HTTP error (429: this browser's machine has too
    // many streams open, 503) is closed for good, so open a new one after a while.
    if (events.readyState === EventSource.CLOSED) setTimeout(listen, 10000);
  };
}

window.addEventListener("hashchange", route);
(async () => {
  showName();
  listen();
  await route();
})();
