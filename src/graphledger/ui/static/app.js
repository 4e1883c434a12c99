"use strict";
// The Graphledger console: one page shell, hash routes, and the JSON API called with the session
// cookie. Everything shown comes from the API as the caller's role sees it: money fields that the
// API leaves out are simply absent here too.

const CSRF_HEADERS = { "X-Requested-With": "graphledger-console" };
const COLLAPSE_AT = 8; // siblings of one class reached through one CI, beyond which they bundle
const STATE_COLOURS = { down: "#c62828", degraded: "#e08a00", changed: "#6a1b9a" };
const app = { me: null, openapi: null, scripts: {}, cy: null };
window.glTimings = {};

// ---------- small helpers ----------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function show(...nodes) {
  const view = document.getElementById("view");
  view.replaceChildren(...nodes.flat());
}

async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { ...CSRF_HEADERS, Accept: "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = { detail: text.slice(0, 300) }; }
  if (response.status === 401) window.location.assign("/ui");
  return { status: response.status, ok: response.ok, data };
}

function ciPath(key) { return "/api/v1/cis/" + encodeURI(key); }
function ciLink(key, label) { return h("a", { href: "#/ci/" + encodeURIComponent(key) }, label || key); }
function problem(result) {
  const d = result.data || {};
  return h("p", { class: "error" }, `HTTP ${result.status}: ${d.detail || d.title || "request failed"}`);
}

function loadScript(name) {
  if (!app.scripts[name]) {
    app.scripts[name] = new Promise((resolve, reject) => {
      const tag = h("script", { src: "/ui/vendor/" + name });
      tag.onload = resolve;
      tag.onerror = () => reject(new Error(`${name} is not installed (run make)`));
      document.head.append(tag);
    });
  }
  return app.scripts[name];
}

async function openapiPaths() {
  if (!app.openapi) {
    const result = await api("GET", "/openapi.json");
    app.openapi = result.ok ? result.data.paths || {} : {};
  }
  return app.openapi;
}

function notAvailable(what, path) {
  return h("div", { class: "card panel-na", "data-testid": "not-available" },
    h("h2", {}, `${what} is not available`),
    h("p", {}, `This server does not offer ${path} yet, so there is nothing to show. `,
      "The page fills in by itself once a version with that endpoint is deployed."));
}

function moneyWithheld(role) {
  return h("div", { class: "card panel-money", "data-testid": "money-withheld" },
    h("h2", {}, "Money is shown to finance and admin only"),
    h("p", { class: "muted" }, `You are signed in as ${role}. Amounts, costs and book values are left out for this role.`));
}

// An amount as the API gives it: "12.00" with a currency beside it, {"EUR": "12.00"}, a list of
// {currency, amount}, or {amount, currency}. Returns null when there is none.
function formatMoney(value, currency) {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number") return `${value}${currency ? " " + currency : ""}`;
  if (Array.isArray(value)) return value.map((v) => formatMoney(v.amount, v.currency)).filter(Boolean).join(" + ") || null;
  if (typeof value === "object") {
    if ("amount" in value) return formatMoney(value.amount, value.currency);
    const parts = Object.entries(value).filter(([, v]) => typeof v === "string").map(([c, v]) => `${v} ${c}`);
    return parts.length ? parts.join(" + ") : null;
  }
  return null;
}

function firstAmount(value) {
  if (value === null || value === undefined) return 0;
  if (typeof value === "string" || typeof value === "number") return Number(value);
  if (Array.isArray(value)) return value.length ? Number(value[0].amount) : 0;
  if (typeof value === "object") {
    if ("amount" in value) return Number(value.amount);
    const first = Object.values(value)[0];
    return first === undefined ? 0 : Number(first);
  }
  return 0;
}

function table(columns, rows, rowAttrs) {
  return h("table", {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.num ? "num" : null }, c.title)))),
    h("tbody", {}, rows.map((row) => h("tr", rowAttrs ? rowAttrs(row) : {},
      columns.map((c) => h("td", { class: c.num ? "num" : null }, c.cell(row)))))));
}

function shortKey(key) { return key.split("/").slice(-2).join("/"); }
function params(query) { return new URLSearchParams(query || ""); }
function go(hash) { window.location.hash = hash; }

// ---------- search ----------

async function searchPage(_, query) {
  const q = params(query);
  const classes = await api("GET", "/api/v1/ci-classes");
  const names = classes.ok ? (classes.data.items || classes.data).map((c) => c.name) : [];
  const form = h("form", { class: "row card", id: "search-form" },
    h("label", {}, "Key or name", h("input", { name: "q", value: q.get("q") || "", placeholder: "redis-cart", autofocus: true })),
    h("label", {}, "Class", h("select", { name: "class" }, h("option", { value: "" }, "any"),
      names.map((n) => h("option", { value: n, selected: q.get("class") === n }, n)))),
    h("label", {}, "Owner", h("input", { name: "owner", value: q.get("owner") || "" })),
    h("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) data.set(k, v);
    go("#/search?" + data.toString());
  });
  const results = h("div", { id: "results" });
  show(h("h1", {}, "Configuration items"), form, results);
  const filters = new URLSearchParams({ limit: "100" });
  for (const k of ["q", "class", "owner"]) if (q.get(k)) filters.set(k, k === "owner" ? q.get(k).toLowerCase() : q.get(k));
  const found = await api("GET", "/api/v1/cis?" + filters.toString());
  if (!found.ok) { results.replaceChildren(problem(found)); return; }
  const items = found.data.items;
  const picked = new Set();
  const pickButton = h("button", { type: "button", class: "secondary", disabled: true,
    onclick: () => go("#/impact?keys=" + encodeURIComponent([...picked].join(","))) }, "Blast radius of the picked CIs");
  results.replaceChildren(
    h("div", { class: "row" }, h("span", { class: "muted" }, `${items.length}${found.data.next_cursor ? "+" : ""} found`), pickButton),
    table([
      { title: "", cell: (ci) => h("input", { type: "checkbox", "aria-label": "pick " + ci.key, onchange: (e) => {
        if (e.target.checked) picked.add(ci.key); else picked.delete(ci.key);
        pickButton.disabled = picked.size === 0;
      } }) },
      { title: "Key", cell: (ci) => ciLink(ci.key) },
      { title: "Name", cell: (ci) => ci.name },
      { title: "Class", cell: (ci) => ci.class },
      { title: "Status", cell: (ci) => ci.status },
      { title: "Owner", cell: (ci) => ci.owner || "" },
    ], items, (ci) => ({ "data-key": ci.key })));
}

// ---------- one CI ----------

async function ciPage(key) {
  const [ci, rels, history, assets] = await Promise.all([
    api("GET", ciPath(key)),
    api("GET", ciPath(key) + "/relationships"),
    api("GET", ciPath(key) + "/history?limit=20"),
    api("GET", "/api/v1/assets?ci_key=" + encodeURIComponent(key)),
  ]);
  if (!ci.ok) { show(h("h1", {}, key), problem(ci)); return; }
  const c = ci.data;
  const attrs = Object.entries(c.attributes || {});
  const asset = assets.ok && assets.data.items.length ? assets.data.items[0] : null;
  show(
    h("h1", {}, c.name || c.key, " ", h("span", { class: "pill" }, c.class), " ", h("span", { class: "pill" }, c.status)),
    h("div", { class: "row" },
      h("a", { href: "#/map/" + encodeURIComponent(c.key) }, "Dependency map"), "·",
      h("a", { href: "#/impact?keys=" + encodeURIComponent(c.key) }, "Blast radius"), "·",
      h("a", { href: "#/root-causes/" + encodeURIComponent(c.key) }, "Root causes")),
    h("div", { class: "grid2" },
      h("section", { class: "card" }, h("h2", {}, "Attributes"),
        h("dl", { class: "kv" },
          h("dt", {}, "key"), h("dd", {}, c.key),
          h("dt", {}, "owner"), h("dd", {}, c.owner || "—"),
          h("dt", {}, "version"), h("dd", {}, c.version),
          h("dt", {}, "last seen"), h("dd", {}, c.last_seen_at || "—"),
          attrs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, typeof v === "object" ? JSON.stringify(v) : String(v))]))),
      h("section", { class: "card", "data-testid": "asset" }, h("h2", {}, "Linked asset"),
        !assets.ok ? problem(assets)
          : asset ? h("dl", { class: "kv" },
            ["asset_tag", "serial", "state", "model", "location", "owner", "purchase_date", "warranty_end"]
              .filter((k) => asset[k] !== undefined && asset[k] !== null)
              .map((k) => [h("dt", {}, k.replace("_", " ")), h("dd", {}, String(asset[k]))]),
            formatMoney(asset.purchase_cost, asset.currency)
              ? [h("dt", {}, "purchase cost"), h("dd", {}, formatMoney(asset.purchase_cost, asset.currency))] : null)
            : h("p", { class: "muted" }, "No asset in the ledger points at this CI."))),
    h("section", { class: "card" }, h("h2", {}, "Relationships"),
      rels.ok ? table([
        { title: "Direction", cell: (r) => r.direction === "outbound" ? "this →" : "→ this" },
        { title: "Type", cell: (r) => r.type },
        { title: "Other CI", cell: (r) => ciLink(r.other) },
      ], rels.data.items) : problem(rels)),
    h("section", { class: "card" }, h("h2", {}, "History"),
      history.ok ? table([
        { title: "When", cell: (e) => e.at || e.created_at || "" },
        { title: "Who", cell: (e) => e.actor || "" },
        { title: "What", cell: (e) => `${e.action || e.op || ""} ${e.entity || ""}` },
        { title: "Change", cell: (e) => h("code", {}, summariseChange(e)) },
      ], history.data.items) : problem(history)));
}

function summariseChange(entry) {
  const before = entry.before || {};
  const after = entry.after || {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) && k !== "version");
  return changed.slice(0, 6).map((k) => `${k}: ${JSON.stringify(before[k] ?? null)} → ${JSON.stringify(after[k] ?? null)}`).join("; ");
}

// ---------- the graph drawing shared by the map and the blast radius ----------

// model: {center: [keys], nodes: [{id, label, cls, distance, state, via, min}], edges: [{id, source, target, type}]}
function graphElements(model, collapse, expanded) {
  const memberOf = new Map(); // member -> group, for MEMBER_OF drawn as containment
  const groups = new Map(); // group -> member count
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const ancestors = (id) => { const seen = []; let at = memberOf.get(id); while (at && !seen.includes(at)) { seen.push(at); at = memberOf.get(at); } return seen; };
  for (const e of model.edges) {
    if (e.type !== "MEMBER_OF" || !byId.has(e.source) || !byId.has(e.target)) continue;
    groups.set(e.target, (groups.get(e.target) || 0) + 1);
    if (!memberOf.has(e.source) && e.source !== e.target && !ancestors(e.target).includes(e.source)) memberOf.set(e.source, e.target);
  }
  // Members of one group share a ring, so the group's box stays compact.
  const ring = new Map();
  for (const [member, group] of memberOf) ring.set(group, Math.min(ring.get(group) ?? Infinity, byId.get(member).distance));
  const bundleOf = new Map();
  const bundles = new Map();
  if (collapse) {
    const siblings = new Map();
    for (const n of model.nodes) {
      if (model.center.includes(n.id) || groups.has(n.id) || memberOf.has(n.id) || !n.via) continue;
      const k = `${n.via}|${n.cls}|${n.distance}`;
      if (!siblings.has(k)) siblings.set(k, []);
      siblings.get(k).push(n);
    }
    for (const [k, list] of siblings) {
      if (list.length <= COLLAPSE_AT || expanded.has(k)) continue;
      const id = "bundle:" + k;
      const worst = list.some((n) => n.state === "down") ? "down" : list.some((n) => n.state === "degraded") ? "degraded" : undefined;
      bundles.set(id, { id, label: `${list.length} × ${list[0].cls || "CI"}`, distance: list[0].distance, bundle: k, state: worst, via: list[0].via });
      for (const n of list) bundleOf.set(n.id, id);
    }
  }
  const nodes = [];
  for (const n of model.nodes) {
    if (bundleOf.has(n.id)) continue;
    const members = groups.get(n.id);
    const label = members ? `${n.label} — needs ${n.min ?? members} of ${members} up` : `${n.label}\n${n.cls || ""}`;
    nodes.push({ data: { id: n.id, label, state: n.state, cls: n.cls, ld: ring.has(memberOf.get(n.id)) ? ring.get(memberOf.get(n.id)) : n.distance,
      parent: memberOf.get(n.id), group: members ? "yes" : undefined, via: n.via }, classes: model.center.includes(n.id) ? "center" : "" });
  }
  for (const b of bundles.values()) nodes.push({ data: { id: b.id, label: b.label, state: b.state, ld: b.distance, bundle: b.bundle }, classes: "bundle" });
  const sortKey = (n) => [n.data.ld, n.data.parent || "", n.data.cls || "", n.data.id].join("\u0000");
  nodes.sort((a, b) => (a.data.ld - b.data.ld) || (sortKey(a) < sortKey(b) ? -1 : 1));
  const edges = [];
  const seen = new Set();
  for (const e of model.edges) {
    if (e.type === "MEMBER_OF" && memberOf.get(e.source) === e.target) continue;
    const s = bundleOf.get(e.source) || e.source;
    const t = bundleOf.get(e.target) || e.target;
    const k = `${s}|${t}|${e.type}`;
    if (s === t || seen.has(k) || !byId.has(e.source) || !byId.has(e.target)) continue;
    seen.add(k);
    edges.push({ data: { id: "e" + edges.length, source: s, target: t, type: e.type } });
  }
  return { nodes, edges };
}

// Positions in one pass: each distance from the centre is a row while rows stay short, a ring once
// they grow (500 CIs stay legible on rings); within a level, CIs sit near the CI that reached them
// and the members of a redundancy group sit together, so the group's box stays compact.
function placeNodes(nodes) {
  const levels = new Map();
  for (const n of nodes) {
    if (!levels.has(n.data.ld)) levels.set(n.data.ld, []);
    levels.get(n.data.ld).push(n);
  }
  const widest = Math.max(0, ...[...levels.values()].map((l) => l.length));
  const rows = widest <= 12;
  const at = new Map();
  const order = new Map(); // id -> position along its row or ring, 0..1
  let radius = 0;
  for (const ld of [...levels.keys()].sort((a, b) => a - b)) {
    const list = levels.get(ld);
    const anchorOfGroup = new Map();
    for (const n of list) {
      const p = order.get(n.data.via) ?? 0.5;
      if (n.data.parent) anchorOfGroup.set(n.data.parent, Math.min(anchorOfGroup.get(n.data.parent) ?? 1, p));
    }
    const anchor = (n) => (n.data.parent ? anchorOfGroup.get(n.data.parent) : order.get(n.data.via) ?? 0.5);
    list.sort((a, b) => anchor(a) - anchor(b) || (a.data.parent || "").localeCompare(b.data.parent || "")
      || (a.data.cls || "").localeCompare(b.data.cls || "") || a.data.id.localeCompare(b.data.id));
    const count = list.length;
    if (!rows) radius = ld === 0 && count === 1 ? 0 : Math.max(radius + 140, (count * 26) / (2 * Math.PI));
    list.forEach((n, i) => {
      const share = count === 1 ? 0.5 : i / (rows ? count - 1 : count);
      order.set(n.data.id, share);
      if (rows) at.set(n.data.id, { x: (i - (count - 1) / 2) * 150, y: ld * 110 });
      else at.set(n.data.id, { x: radius * Math.cos(2 * Math.PI * share), y: radius * Math.sin(2 * Math.PI * share) });
    });
  }
  return (node) => at.get(node.id()) || { x: 0, y: 0 };
}

const GRAPH_STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "wrap", "min-zoomed-font-size": 6, "text-valign": "bottom", "text-margin-y": 2,
    width: 14, height: 14, "background-color": "#8da2c9", "text-max-width": 160, color: "#1d2430" } },
  { selector: "node.center", style: { width: 22, height: 22, "border-width": 3, "border-color": "#18223a", "font-weight": "bold" } },
  { selector: 'node[state = "down"]', style: { "background-color": STATE_COLOURS.down } },
  { selector: 'node[state = "degraded"]', style: { "background-color": STATE_COLOURS.degraded } },
  { selector: 'node[state = "changed"]', style: { "background-color": STATE_COLOURS.changed, shape: "diamond", width: 20, height: 20 } },
  { selector: "node.bundle", style: { shape: "round-rectangle", width: 34, height: 16, "border-width": 1, "border-color": "#5d6b86" } },
  { selector: ":parent", style: { shape: "round-rectangle", "background-color": "#2f5bd3", "background-opacity": 0.06, "border-width": 1.5,
    "border-style": "dashed", "border-color": "#2f5bd3", "text-valign": "top", "text-margin-y": -3, padding: 8 } },
  { selector: "edge", style: { width: 1, "line-color": "#b7c0cf", "curve-style": "straight", "target-arrow-shape": "triangle",
    "target-arrow-color": "#b7c0cf", "arrow-scale": 0.6 } },
  { selector: 'edge[type = "MEMBER_OF"]', style: { "line-style": "dashed", "line-color": "#2f5bd3", "target-arrow-color": "#2f5bd3" } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#2f5bd3" } },
];

async function drawGraph(container, model, options) {
  await loadScript("cytoscape.min.js");
  const expanded = options.expanded || new Set();
  const elements = graphElements(model, options.collapse, expanded);
  const started = performance.now();
  if (app.cy) app.cy.destroy();
  const cy = window.cytoscape({
    // Past 300 CIs, straight lines without arrowheads (haystack edges) keep the first draw fast.
    container, elements, pixelRatio: 1,
    style: elements.nodes.length > 300
      ? [...GRAPH_STYLE, { selector: "edge", style: { "curve-style": "haystack", "target-arrow-shape": "none" } }] : GRAPH_STYLE,
    textureOnViewport: elements.nodes.length > 300, hideEdgesOnViewport: elements.nodes.length > 300,
    layout: { name: "preset", positions: placeNodes(elements.nodes), fit: true, padding: 20 },
  });
  cy.fit(undefined, 20);
  app.cy = cy;
  window.glMap = cy;
  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (node.data("bundle")) {
      expanded.add(node.data("bundle"));
      drawGraph(container, model, { ...options, expanded });
      return;
    }
    if (!node.isParent() || node.data("group")) options.onPick && options.onPick(node.id());
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const ms = Math.round(performance.now() - started);
  window.glTimings.map = { ms, nodes: cy.nodes().length, edges: cy.edges().length };
  container.dataset.drawnMs = String(ms);
  container.dataset.nodes = String(cy.nodes().length);
  return { cy, ms };
}

function legend(withStates) {
  const dot = (colour) => { const i = h("i"); i.style.background = colour; return i; };
  return h("div", { class: "legend" },
    withStates ? [h("span", {}, dot(STATE_COLOURS.changed), "changed"), h("span", {}, dot(STATE_COLOURS.down), "down"),
      h("span", {}, dot(STATE_COLOURS.degraded), "degraded")] : null,
    h("span", {}, "arrow: needs (a → b reads a needs b)"),
    h("span", {}, "dashed box: redundancy group"),
    h("span", {}, "N × Class: bundled siblings, click to open"));
}

function pickedPanel() {
  const panel = h("div", { class: "row", id: "picked" }, h("span", { class: "muted" }, "Click a CI on the map for its links."));
  const pick = (key) => panel.replaceChildren(h("b", {}, key), ciLink(key, "CI page"),
    h("a", { href: "#/map/" + encodeURIComponent(key) }, "map around it"),
    h("a", { href: "#/impact?keys=" + encodeURIComponent(key) }, "blast radius"),
    h("a", { href: "#/root-causes/" + encodeURIComponent(key) }, "root causes"));
  return { panel, pick };
}

// ---------- dependency map ----------

async function mapPage(key, query) {
  const q = params(query);
  const depth = q.get("depth") || "2";
  const maxNodes = q.get("max_nodes") || "500";
  const collapse = q.get("group") !== "off";
  const form = h("form", { class: "row card" },
    h("label", {}, "CI key", h("input", { name: "key", value: key, size: 50 })),
    h("label", {}, "Depth", h("select", { name: "depth" }, ["1", "2", "3", "4", "5", "6"].map((d) => h("option", { value: d, selected: d === depth }, d)))),
    h("label", {}, "At most", h("input", { name: "max_nodes", value: maxNodes, size: 5 })),
    h("label", {}, "Bundle large neighbourhoods", h("input", { type: "checkbox", name: "group", checked: collapse })),
    h("button", { type: "submit" }, "Draw"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams({ depth: data.get("depth"), max_nodes: data.get("max_nodes") });
    if (!data.get("group")) next.set("group", "off");
    go(`#/map/${encodeURIComponent(data.get("key").trim())}?${next}`);
  });
  const status = h("p", { class: "timing", id: "map-status" }, "Loading…");
  const container = h("div", { class: "graph", id: "graph" });
  const { panel, pick } = pickedPanel();
  show(h("h1", {}, "Dependency map"), form, legend(false), status, container, panel);
  if (!key) { status.textContent = "Enter a CI key."; return; }
  const started = performance.now();
  const [result] = await Promise.all([
    api("GET", `${ciPath(key)}/neighbourhood?depth=${encodeURIComponent(depth)}&max_nodes=${encodeURIComponent(maxNodes)}`),
    loadScript("cytoscape.min.js").catch(() => null),
  ]);
  if (!result.ok) { status.replaceChildren(problem(result)); return; }
  const data = result.data;
  const model = {
    center: [data.key],
    nodes: data.nodes.map((n) => ({ id: n.key, label: n.name || n.key, cls: n.class, distance: n.distance, via: n.via, min: n.min_members_up,
      state: n.status === "down" ? "down" : n.status === "degraded" ? "degraded" : undefined })),
    edges: data.edges,
  };
  try {
    const { ms } = await drawGraph(container, model, { collapse, onPick: pick });
    const total = Math.round(performance.now() - started);
    window.glTimings.mapTotal = total;
    status.textContent = `${data.nodes.length} CIs, ${data.edges.length} relationships; drawn in ${ms} ms (${total} ms with the request)` +
      (data.truncated ? " — cut at the size cap" : "") + (data.more_beyond ? " — more lies beyond this depth" : "");
  } catch (error) {
    status.replaceChildren(h("span", { class: "error" }, String(error.message || error)));
  }
}

// ---------- blast radius ----------

function csvCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  // A leading formula character is neutralised so a spreadsheet does not run the cell.
  const safe = /^[=+\-@\t\r]/.test(text) ? "'" + text : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function impactCsv(items) {
  const lines = [["key", "name", "class", "state", "distance", "owner", "path"].join(",")];
  for (const i of items) lines.push([i.key, i.name, i.class, i.state, i.distance, i.owner, i.path.join(" > ")].map(csvCell).join(","));
  return lines.join("\r\n") + "\r\n";
}

async function impactPage(_, query) {
  const q = params(query);
  const keys = (q.get("keys") || "").split(",").map((k) => k.trim()).filter(Boolean);
  const depth = q.get("depth") || "10";
  const form = h("form", { class: "row card" },
    h("label", {}, "Changed CIs (one key a line)", h("textarea", { name: "keys", rows: 3, cols: 60 }, keys.join("\n"))),
    h("label", {}, "Depth", h("input", { name: "depth", value: depth, size: 3 })),
    h("button", { type: "submit" }, "Show blast radius"),
    h("a", { href: "#/search" }, "pick CIs from search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const picked = String(data.get("keys")).split(/[\s,]+/).filter(Boolean);
    go(`#/impact?keys=${encodeURIComponent(picked.join(","))}&depth=${encodeURIComponent(data.get("depth"))}`);
  });
  const out = h("div", { id: "impact-result" });
  show(h("h1", {}, "Blast radius"), form, out);
  if (!keys.length) { out.append(h("p", { class: "muted" }, "Name one or more CIs that change or fail.")); return; }
  out.append(h("p", { class: "muted" }, "Working…"));
  const result = await api("POST", "/api/v1/impact", { keys, max_depth: Number(depth) || 10 });
  if (!result.ok) { out.replaceChildren(problem(result)); return; }
  const data = result.data;
  const items = data.impacted;
  const nodes = new Map();
  for (const k of data.changed || keys) nodes.set(k, { id: k, label: k.split("/").pop(), cls: "changed", distance: 0, state: "changed" });
  for (const i of items) nodes.set(i.key, { id: i.key, label: i.name || i.key.split("/").pop(), cls: i.class, distance: i.distance, state: i.state, via: i.path[i.path.length - 2] });
  const edges = [];
  for (const i of items) {
    const a = i.path[i.path.length - 2];
    if (a && nodes.has(a)) edges.push({ id: `${a}>${i.key}`, source: i.key, target: a, type: "IMPACT" });
  }
  const download = () => {
    const url = URL.createObjectURL(new Blob([impactCsv(items)], { type: "text/csv" }));
    const link = h("a", { href: url, download: "blast-radius.csv" });
    document.body.append(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const container = h("div", { class: "graph", id: "graph" });
  const status = h("p", { class: "timing", id: "map-status" });
  const { panel, pick } = pickedPanel();
  const down = items.filter((i) => i.state === "down").length;
  out.replaceChildren(
    h("p", {}, h("b", {}, `${items.length} impacted`), ` — ${down} down, ${items.length - down} degraded`,
      (data.services || []).length ? `; services: ${data.services.map((s) => `${s.name || s.key} (${s.state})`).join(", ")}` : "",
      data.truncated ? h("span", { class: "error" }, ` — cut short by the ${data.truncated_by || "size"} cap`) : ""),
    legend(true), status, container, panel,
    h("div", { class: "row" }, h("h2", {}, "Impacted CIs"), h("button", { type: "button", class: "secondary", id: "csv", onclick: download }, "Export CSV")),
    table([
      { title: "Key", cell: (i) => ciLink(i.key) },
      { title: "Name", cell: (i) => i.name || "" },
      { title: "State", cell: (i) => h("span", { class: "pill " + i.state }, i.state) },
      { title: "Distance", num: true, cell: (i) => i.distance },
      { title: "Path", cell: (i) => h("span", { class: "path" }, i.path.map(shortKey).join(" → ")) },
      { title: "Owner", cell: (i) => i.owner || "—" },
    ], items, (i) => ({ class: "state-" + i.state, "data-key": i.key, "data-state": i.state })));
  try {
    const { ms } = await drawGraph(container, { center: data.changed || keys, nodes: [...nodes.values()], edges }, { collapse: true, onPick: pick });
    status.textContent = `${nodes.size} CIs drawn in ${ms} ms; arrows point from each impacted CI to what it needs`;
  } catch (error) {
    status.replaceChildren(h("span", { class: "error" }, String(error.message || error)));
  }
}

// ---------- root causes ----------

function describeReason(r) {
  switch (r.kind) {
    case "unhealthy": return `unhealthy (${r.status})`;
    case "changed": {
      const c = r.change || {};
      return `changed ${[c.action || c.op, c.at, c.actor ? "by " + c.actor : ""].filter(Boolean).join(" ")}`.trim();
    }
    case "single_point_of_failure": return "single point of failure";
    case "distance": return `${r.distance} hop${r.distance === 1 ? "" : "s"} away`;
    default: return r.kind;
  }
}

async function rootCausePage(key) {
  const form = h("form", { class: "row card" }, h("label", {}, "CI key", h("input", { name: "key", value: key, size: 50 })), h("button", { type: "submit" }, "Rank"));
  form.addEventListener("submit", (e) => { e.preventDefault(); go("#/root-causes/" + encodeURIComponent(new FormData(form).get("key").trim())); });
  const out = h("div");
  show(h("h1", {}, "Root causes"), form, out);
  if (!key) return;
  const result = await api("GET", ciPath(key) + "/root-causes");
  if (!result.ok) { out.replaceChildren(problem(result)); return; }
  const items = result.data.items;
  out.replaceChildren(
    h("p", { class: "muted" }, `${result.data.total} upstream candidates of `, ciLink(result.data.key), `, changes since ${result.data.since}`),
    table([
      { title: "#", num: true, cell: (c) => items.indexOf(c) + 1 },
      { title: "Candidate", cell: (c) => [ciLink(c.key, c.name || c.key), h("div", { class: "path" }, c.class || "")] },
      { title: "Score", num: true, cell: (c) => c.score },
      { title: "Reasons", cell: (c) => h("ul", {}, c.reasons.map((r) => h("li", {}, `${describeReason(r)} (+${r.weight})`))) },
      { title: "Path", cell: (c) => h("span", { class: "path" }, c.path.map(shortKey).join(" → ")) },
      { title: "Owner", cell: (c) => c.owner || "—" },
    ], items));
}

// ---------- finance ----------

async function financePage(_, query) {
  const q = params(query);
  const within = q.get("within_days") || "365";
  const [book, renewals, compliance] = await Promise.all([
    api("GET", "/api/v1/finance/book-value"),
    api("GET", "/api/v1/finance/renewals?within_days=" + encodeURIComponent(within)),
    api("GET", "/api/v1/licenses/compliance?limit=200"),
  ]);
  const sections = [h("h1", {}, "Finance")];
  if (book.status === 403 || renewals.status === 403) sections.push(moneyWithheld(app.me.role));
  const chartBox = h("section", { class: "card", id: "book-value" }, h("h2", {}, "Book value by cost centre"));
  if (book.ok) sections.push(chartBox);
  else if (book.status !== 403) sections.push(h("section", { class: "card" }, problem(book)));
  if (renewals.ok) sections.push(h("section", { class: "card", id: "renewals" }, h("h2", {}, `Renewals and notice deadlines, next ${within} days`), renewalTimeline(renewals.data.items, renewals.data.as_of)));
  else if (renewals.status !== 403) sections.push(h("section", { class: "card" }, problem(renewals)));
  sections.push(h("section", { class: "card", id: "compliance" }, h("h2", {}, "Licence compliance"), compliance.ok ? complianceTable(compliance.data.items) : problem(compliance)));
  show(sections);
  if (book.ok) await bookValueChart(chartBox, book.data);
}

async function bookValueChart(box, report) {
  const canvasBox = h("div", { class: "chart-box" });
  const canvas = h("canvas", { id: "book-value-chart", height: 110, "aria-label": "book value by cost centre" });
  canvasBox.append(canvas);
  const currencies = [...new Set(report.items.flatMap((i) => Object.keys(i.book_value || {})))];
  const labels = report.items.map((i) => i.code ? `${i.code} ${i.name || ""}`.trim() : "(no cost centre)");
  box.append(h("p", { class: "muted" }, `As of ${report.as_of}. Total: ${formatMoney(report.total) || "nothing owned"}`), canvasBox,
    table([
      { title: "Cost centre", cell: (i) => i.code ? `${i.code} ${i.name || ""}` : "(none)" },
      { title: "Assets", num: true, cell: (i) => i.assets },
      { title: "Purchase cost", num: true, cell: (i) => formatMoney(i.purchase_cost) || "—" },
      { title: "Depreciation", num: true, cell: (i) => formatMoney(i.accumulated_depreciation) || "—" },
      { title: "Book value", num: true, cell: (i) => formatMoney(i.book_value) || "—" },
    ], report.items));
  try {
    await loadScript("chart.umd.min.js");
  } catch (error) { canvasBox.replaceChildren(h("p", { class: "error" }, error.message)); return; }
  const palette = ["#2f5bd3", "#2e7d32", "#e08a00", "#6a1b9a", "#00838f"];
  new window.Chart(canvas, {
    type: "bar",
    data: { labels, datasets: currencies.map((c, n) => ({ label: c, backgroundColor: palette[n % palette.length], maxBarThickness: 90,
      data: report.items.map((i) => Number((i.book_value || {})[c] || 0)) })) },
    options: { animation: false, responsive: true, plugins: { tooltip: { callbacks: {
      label: (ctx) => `${ctx.dataset.label} ${(report.items[ctx.dataIndex].book_value || {})[ctx.dataset.label] || "0"}` } } } },
  });
}

function renewalTimeline(items, asOf) {
  if (!items.length) return h("p", { class: "muted" }, "Nothing to renew in this window.");
  const day = 86400000;
  const today = Date.parse(asOf || new Date().toISOString().slice(0, 10));
  const dates = items.flatMap((i) => [Date.parse(i.notice_deadline || i.end_date), Date.parse(i.end_date)]).filter((d) => !Number.isNaN(d));
  const start = Math.min(today, ...dates) - 7 * day;
  const end = Math.max(today, ...dates) + 14 * day;
  const width = 960; const left = 260; const rowH = 22; const top = 28;
  const x = (t) => left + ((t - start) / (end - start)) * (width - left - 20);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", width); svg.setAttribute("height", top + rowH * items.length + 10);
  const add = (tag, attrs, text) => { const el = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); if (text) el.textContent = text; svg.append(el); return el; };
  for (let t = start; t <= end; t += 30 * day) {
    add("line", { x1: x(t), x2: x(t), y1: top - 6, y2: top + rowH * items.length, stroke: "#eef0f4" });
    add("text", { x: x(t), y: 14, "text-anchor": "middle" }, new Date(t).toISOString().slice(0, 7));
  }
  add("line", { x1: x(today), x2: x(today), y1: top - 10, y2: top + rowH * items.length, stroke: "#18223a", "stroke-dasharray": "3 3" });
  add("text", { x: x(today) + 3, y: top - 12 }, "today");
  items.forEach((i, n) => {
    const y = top + n * rowH + rowH / 2;
    const deadline = Date.parse(i.notice_deadline || i.end_date);
    const ends = Date.parse(i.end_date);
    add("text", { x: 4, y: y + 4 }, `${i.type}: ${i.name}`.slice(0, 38));
    add("line", { x1: x(deadline), x2: x(ends), y1: y, y2: y, stroke: i.notice_passed ? STATE_COLOURS.down : "#2f5bd3", "stroke-width": 6, "stroke-linecap": "round" });
    add("circle", { cx: x(ends), cy: y, r: 4, fill: "#18223a" });
    const title = add("title", {}, `${i.name}: give notice by ${i.notice_deadline || "—"}, ends ${i.end_date}` + (formatMoney(i.cost, i.currency) ? `, ${formatMoney(i.cost, i.currency)}` : ""));
    title.remove(); svg.lastChild.append(title);
  });
  return h("div", { class: "timeline" }, svg,
    h("p", { class: "muted" }, "Bar: from the notice deadline to the end date; red when the deadline has passed."),
    table([
      { title: "What", cell: (i) => `${i.type}: ${i.name}` },
      { title: "Vendor", cell: (i) => i.vendor || "—" },
      { title: "Notice by", cell: (i) => i.notice_deadline || "—" },
      { title: "Ends", cell: (i) => i.end_date || "—" },
      { title: "Cost", num: true, cell: (i) => formatMoney(i.cost, i.currency) || "—" },
    ], items));
}

function complianceTable(items) {
  if (!items.length) return h("p", { class: "muted" }, "No licences recorded.");
  return table([
    { title: "Licence", cell: (l) => l.name },
    { title: "Entitled", num: true, cell: (l) => l.entitled },
    { title: "Assigned", num: true, cell: (l) => l.assigned },
    { title: "Over", num: true, cell: (l) => l.over ? h("span", { class: "pill down" }, l.over) : "0" },
    { title: "Reclaim (no use for 90 days)", cell: (l) => l.unused.length
      ? h("ul", {}, l.unused.map((u) => h("li", {}, u.ci_key ? ciLink(u.ci_key) : u.assignee || "?", ` — last used ${u.last_used_at || "never"}`)))
      : "—" },
    { title: "Saving", num: true, cell: (l) => formatMoney(l.reclaim_savings) || "—" },
  ], items, (l) => ({ class: l.compliant ? "" : "state-down" }));
}

// ---------- service costs (endpoint built on another branch) ----------

const COST_PATH = "/api/v1/services/{key}/cost";

async function costsPage(_, query) {
  const q = params(query);
  const month = q.get("month") || new Date().toISOString().slice(0, 7);
  const paths = await openapiPaths();
  if (!paths[COST_PATH]) { show(h("h1", {}, "Service costs"), notAvailable("The service cost ranking", "GET " + COST_PATH)); return; }
  const classes = await api("GET", "/api/v1/ci-classes");
  const serviceClasses = classes.ok ? (classes.data.items || classes.data).filter((c) => c.business_service).map((c) => c.name) : ["Service"];
  const services = [];
  for (const cls of serviceClasses) {
    const found = await api("GET", `/api/v1/cis?class=${encodeURIComponent(cls)}&limit=200`);
    if (found.ok) services.push(...found.data.items);
  }
  const results = await Promise.all(services.map(async (s) => ({ service: s, result: await api("GET", `${ciPath(s.key)}/cost?month=${encodeURIComponent(month)}`) })));
  if (results.some((r) => r.result.status === 404 && (r.result.data || {}).detail === "Not Found")) {
    show(h("h1", {}, "Service costs"), notAvailable("The service cost ranking", "GET " + COST_PATH)); return;
  }
  if (results.some((r) => r.result.status === 403)) { show(h("h1", {}, "Service costs"), moneyWithheld(app.me.role)); return; }
  const rows = results.filter((r) => r.result.ok).map((r) => ({ key: r.service.key, name: r.service.name, body: r.result.data }))
    .sort((a, b) => firstAmount(b.body.total ?? b.body.cost) - firstAmount(a.body.total ?? a.body.cost));
  const shared = (b) => b.shared ?? b.shared_cost ?? b.share_of_shared ?? b.shared_infrastructure;
  const own = (b) => b.own ?? b.own_cost ?? b.direct;
  show(h("h1", {}, "Service costs"), h("p", { class: "muted" }, `Month ${month}; each service's own cost plus its share of what it depends on.`),
    rows.length ? table([
      { title: "#", num: true, cell: (r) => rows.indexOf(r) + 1 },
      { title: "Service", cell: (r) => ciLink(r.key, r.name || r.key) },
      { title: "Monthly cost", num: true, cell: (r) => formatMoney(r.body.total ?? r.body.cost, r.body.currency) || "—" },
      { title: "Own", num: true, cell: (r) => formatMoney(own(r.body), r.body.currency) || "—" },
      { title: "Share of shared infrastructure", num: true, cell: (r) => formatMoney(shared(r.body), r.body.currency) || "—" },
      { title: "Largest contributors", cell: (r) => contributors(r.body) },
    ], rows) : h("p", { class: "muted" }, "No business services, or none with a cost this month."));
}

function contributors(body) {
  const list = body.items || body.breakdown || body.contributions || body.components || [];
  if (!Array.isArray(list) || !list.length) return "—";
  const amount = (c) => c.amount ?? c.share ?? c.cost ?? c.total;
  return h("ul", {}, [...list].sort((a, b) => firstAmount(amount(b)) - firstAmount(amount(a))).slice(0, 5)
    .map((c) => h("li", {}, c.key ? ciLink(c.key) : c.name || "?", " ", formatMoney(amount(c), c.currency || body.currency) || "")));
}

// ---------- data quality (endpoint built on another branch) ----------

const QUALITY_PATH = "/api/v1/health-report";

async function qualityPage() {
  const paths = await openapiPaths();
  const title = h("h1", {}, "Data quality");
  if (!paths[QUALITY_PATH]) { show(title, notAvailable("The data-quality report", "GET " + QUALITY_PATH)); return; }
  const result = await api("GET", QUALITY_PATH);
  if (result.status === 404) { show(title, notAvailable("The data-quality report", "GET " + QUALITY_PATH)); return; }
  if (!result.ok) { show(title, problem(result)); return; }
  const report = result.data;
  const scores = [];
  const sections = [];
  const walkScores = (obj, prefix) => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === "number") scores.push([prefix + k, v]);
      else if (v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "number")) walkScores(v, prefix + k + " ");
    }
  };
  walkScores(report, "");
  const listOf = (name, value) => {
    if (Array.isArray(value)) sections.push(h("section", { class: "card" }, h("h2", {}, `${name.replace(/_/g, " ")} (${value.length})`), findings(value)));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) listOf(`${name} ${k}`, v);
  };
  for (const [k, v] of Object.entries(report)) listOf(k, v);
  show(title, h("div", { class: "card" }, scores.map(([k, v]) => h("span", { class: "score" }, h("b", {}, Number.isInteger(v) ? v : v.toFixed(2)), k.replace(/_/g, " ")))), sections);
}

function findings(list) {
  if (!list.length) return h("p", { class: "muted" }, "None.");
  if (typeof list[0] !== "object") return h("ul", {}, list.slice(0, 500).map((v) => h("li", {}, linkIfKey(v))));
  const columns = [...new Set(list.slice(0, 50).flatMap((row) => Object.keys(row)))].slice(0, 8);
  return table(columns.map((c) => ({ title: c.replace(/_/g, " "), cell: (row) => renderCell(c, row[c]) })), list.slice(0, 500));
}

function linkIfKey(value) { return typeof value === "string" && /^[A-Za-z0-9.:_/-]+$/.test(value) && value.includes(":") ? ciLink(value) : String(value); }

function renderCell(column, value) {
  if (value === null || value === undefined) return "—";
  if (/(^|_)keys?$/.test(column)) return Array.isArray(value) ? value.map((v) => [ciLink(String(v)), " "]) : ciLink(String(value));
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// ---------- routing ----------

const ROUTES = { "": searchPage, search: searchPage, ci: ciPage, map: mapPage, impact: impactPage,
  "root-causes": rootCausePage, finance: financePage, costs: costsPage, quality: qualityPage };

async function route() {
  const raw = window.location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?");
  const slash = path.indexOf("/");
  const page = slash < 0 ? path : path.slice(0, slash);
  const arg = slash < 0 ? "" : decodeURIComponent(path.slice(slash + 1));
  const handler = ROUTES[page] || searchPage;
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.getAttribute("href") === "#/" + page);
  try { await handler(arg, query); } catch (error) { show(h("p", { class: "error" }, String(error.message || error))); }
}

async function start() {
  const me = await api("GET", "/ui/session");
  if (!me.ok) return;
  app.me = me.data;
  document.getElementById("who").textContent = `${me.data.name} · ${me.data.role}`;
  document.getElementById("signout").addEventListener("click", async () => {
    await api("DELETE", "/ui/session");
    window.location.assign("/ui");
  });
  window.addEventListener("hashchange", route);
  await route();
}

start();
