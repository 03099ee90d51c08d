// The incident list's filters (status, severity, service, drill or real, title search) and the times of resolved
// incidents. The filters live in the page's address (#/?severity=sev1&q=db), so a filtered list can be shared and
// survives a reload; the server does the filtering (GET /api/incidents?...), and app.js draws the rows.
"use strict";

const IncidentList = (() => {
  const names = ["status", "severity", "service", "drill", "q"];

  // The filters in the address, as given (the server says when one is not valid).
  function fromAddress() {
    const params = new URLSearchParams((location.hash.split("?")[1]) || "");
    return Object.fromEntries(names.map(name => [name, params.get(name) || ""]));
  }

  // The query string for the list endpoint (without status: app.js asks for open and resolved apart).
  function query() {
    const filters = fromAddress();
    const params = new URLSearchParams();
    for (const name of names.filter(n => n !== "status")) {
      if (filters[name].trim()) params.set(name, filters[name].trim());
    }
    const text = params.toString();
    return text ? `&${text}` : "";
  }

  // Which lists to show: "open", "resolved" or "all".
  const status = () => fromAddress().status || "all";

  const option = (value, text, selected) => {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    o.selected = value === selected;
    return o;
  };

  // The filter form, filled from the address; a change rewrites the address (without a new page) and calls refresh.
  function controls(refresh) {
    const filters = fromAddress();
    const form = document.createElement("form");
    form.className = "filters card";
    form.id = "filters";
    form.setAttribute("role", "search");
    const select = (name, label, options) => {
      const s = document.createElement("select");
      s.name = name;
      s.setAttribute("aria-label", label);
      s.append(...options.map(([value, text]) => option(value, text, filters[name])));
      return s;
    };
    const searchBox = (name, placeholder, label) => {
      const box = document.createElement("input");
      box.type = "search";
      box.name = name;
      box.maxLength = 200;
      box.placeholder = placeholder;
      box.setAttribute("aria-label", label);
      box.value = filters[name];
      return box;
    };
    const search = searchBox("q", "Search titles", "Search titles");
    const service = searchBox("service", "Service", "Filter by service");
    service.setAttribute("list", "service-options");
    const services = document.createElement("datalist");
    services.id = "service-options";
    const problem = document.createElement("div");
    problem.className = "filter-problem error";
    problem.dataset.testid = "filter-problem";
    form.append(
      search,
      select("status", "Filter by status", [["all", "Open and resolved"], ["open", "Open only"], ["resolved", "Resolved only"]]),
      select("severity", "Filter by SEV level", [["", "Any severity"], ["sev1", "SEV1"], ["sev2", "SEV2"], ["sev3", "SEV3"], ["sev4", "SEV4"]]),
      service, services,
      select("drill", "Filter drills", [["", "Drills and real"], ["false", "Real only"], ["true", "Drills only"]]),
      problem);
    let typing = null;
    const apply = () => {
      const data = new FormData(form);
      const params = new URLSearchParams();
      for (const name of names) {
        const value = String(data.get(name) || "").trim();
        if (value && !(name === "status" && value === "all")) params.set(name, value);
      }
      const text = params.toString();
      history.replaceState(null, "", text ? `#/?${text}` : "#/");
      refresh();
    };
    form.addEventListener("submit", event => { event.preventDefault(); apply(); });
    form.addEventListener("change", apply);
    // Typing searches after a short pause, not on every key.
    form.addEventListener("input", event => {
      if (event.target.type !== "search") return;
      clearTimeout(typing);
      typing = setTimeout(apply, 250);
    });
    return form;
  }

  // Offers the services of the incidents shown, for the service box.
  function rememberServices(incidents) {
    const list = document.getElementById("service-options");
    if (!list) return;
    const services = [...new Set(incidents.map(i => i.service).filter(Boolean))].sort();
    list.replaceChildren(...services.map(s => option(s, s, null)));
  }

  // Shows why the server refused a filter (or clears it).
  function showProblem(message) {
    const problem = document.querySelector('[data-testid="filter-problem"]');
    if (problem) problem.textContent = message || "";
  }

  // "resolved 2h 5m ago · lasted 1h 12m" for a resolved (or closed) incident; "opened 5m ago" for an open one.
  function times(i, age, duration) {
    if (!i.resolvedAt) return `opened ${age(i.createdAt)} ago`;
    const lasted = (new Date(i.resolvedAt).getTime() - new Date(i.createdAt).getTime()) / 1000;
    return `resolved ${age(i.resolvedAt)} ago · lasted ${duration(Math.max(0, lasted))}`;
  }

  return { controls, query, status, rememberServices, showProblem, times };
})();
