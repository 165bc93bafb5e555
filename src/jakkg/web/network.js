// Interactive evidence network: click an edge for its claims, pick a drug for its paths.
// Written for jakkg; no libraries, no network. The data is the JSON in #graph-data.
// A large network is drawn as a summary (its strongest edges); the data holds every
// edge, so an edge or node may have no element in the picture: look it up, never assume it.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = {}, edges = {};
  data.nodes.forEach(function (n) { nodes[n.id] = n; });
  var edgeOfClaim = {};
  var edgesOf = {};  // node id -> its edges, built once so that a click costs the node's edges, not all edges
  function attach(nodeId, e) { (edgesOf[nodeId] = edgesOf[nodeId] || []).push(e); }
  data.edges.forEach(function (e) {
    edges[e.id] = e;
    attach(e.source, e);
    if (e.target !== e.source) { attach(e.target, e); }
    e.evidence.forEach(function (c) { edgeOfClaim[c.claim] = e.id; });
  });
  var svg = document.getElementById("network");
  var details = document.getElementById("details");
  var select = document.getElementById("drug-filter");

  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) { x.className = cls; }
    if (text !== undefined && text !== null) { x.textContent = String(text); }
    return x;
  }
  function clearSelection() {
    svg.querySelectorAll(".selected").forEach(function (g) { g.classList.remove("selected"); });
  }
  function relation(e) {
    return (e.negated ? "NOT " : "") + e.predicate_label + (e.direction ? " (" + e.direction.replace(/_/g, " ") + ")" : "");
  }
  function edgeTitle(e) {
    return nodes[e.source].label + " \u2192 " + relation(e) + " \u2192 " + nodes[e.target].label;
  }
  function doiLink(doi) {
    var a = el("a", null, "doi:" + doi);
    a.href = "https://doi.org/" + doi;
    a.rel = "noopener";
    return a;
  }

  function showEdge(id) {
    var e = edges[id];
    var drawn = document.getElementById(id);
    clearSelection();
    if (drawn) {
      drawn.classList.add("selected");
      document.getElementById("badge-" + id).classList.add("selected");
    }
    details.replaceChildren();
    details.appendChild(el("h2", "edge-title", edgeTitle(e)));
    if (!drawn) { details.appendChild(el("p", "meta not-drawn", "Not drawn in the summary picture: its evidence is weaker than that of the edges shown.")); }
    details.appendChild(el("p", "meta", e.n_claims + " claim" + (e.n_claims === 1 ? "" : "s") + " from " +
      e.n_sources + " independent source" + (e.n_sources === 1 ? "" : "s") + " (" + e.studies.join(", ") + ")" +
      (e.disagreement ? "; part of a disagreement" : "")));
    e.evidence.forEach(function (c) {
      var box = el("div", "claim");
      box.setAttribute("data-claim", c.claim);
      box.appendChild(el("h3", null, c.claim + ": " + c.label));
      var tags = el("p", "meta");
      if (c.negated) { tags.appendChild(el("span", "tag negated", "negated")); }
      if (c.direction) { tags.appendChild(el("span", "tag", c.direction.replace(/_/g, " "))); }
      tags.appendChild(el("span", "tag", c.hedging));
      if (c.category) { tags.appendChild(el("span", "tag", c.category.replace(/_/g, " "))); }
      if (c.n !== undefined && c.N !== undefined) { tags.appendChild(el("span", "tag", "n/N = " + c.n + "/" + c.N)); }
      if (c.percentage !== undefined) { tags.appendChild(el("span", "tag", c.percentage + "%")); }
      if (c.time_point) { tags.appendChild(el("span", "tag", "at " + c.time_point)); }
      box.appendChild(tags);
      var src = el("p", "meta source", "Read in " + (c.paper_label || c.paper) + " ");
      if (c.doi) { src.appendChild(doiLink(c.doi)); }
      box.appendChild(src);
      if (c.attributed_to) {
        var att = el("p", "meta attributed", "Attributed to " + (c.attributed_label || c.attributed_to) + " ");
        if (c.attributed_doi) { att.appendChild(doiLink(c.attributed_doi)); }
        box.appendChild(att);
      }
      if (c.population) { box.appendChild(el("p", "meta", "Population: " + c.population)); }
      if (c.instrument) { box.appendChild(el("p", "meta", "Instrument: " + c.instrument)); }
      if (c.disagrees_with && c.disagrees_with.length) {
        var dis = el("p", "meta disagrees", "Disagrees with: ");
        c.disagrees_with.forEach(function (other) {
          var target = edgeOfClaim[other];
          if (!target) { dis.appendChild(el("span", null, other + " ")); return; }
          var b = el("button", "edge-link", other + " (" + edgeTitle(edges[target]) + ")");
          b.addEventListener("click", function () { showEdge(target); });
          dis.appendChild(b);
        });
        box.appendChild(dis);
      }
      (c.quotes || []).forEach(function (q) {
        var bq = el("blockquote", "quote", "\u201c" + q.text + "\u201d");
        if (q.start !== undefined) { bq.title = "characters " + q.start + "\u2013" + q.end + " of the paper's text"; }
        box.appendChild(bq);
      });
      details.appendChild(box);
    });
  }

  function showNode(id) {
    var n = nodes[id];
    var drawn = document.getElementById(id);
    clearSelection();
    if (drawn) { drawn.classList.add("selected"); }
    details.replaceChildren();
    details.appendChild(el("h2", null, n.label));
    var p = el("p", "meta", n.category.replace(/_/g, " ") + " \u00b7 ");
    var a = el("a", null, n.curie);
    a.href = n.iri;
    a.rel = "noopener";
    p.appendChild(a);
    if (!n.verified) { p.appendChild(el("span", "tag", "identifier not verified")); }
    details.appendChild(p);
    if (!drawn) { details.appendChild(el("p", "meta not-drawn", "Not drawn in the summary picture; its edges:")); }
    var list = el("ul", "edge-list");
    (edgesOf[id] || []).forEach(function (e) {
      var line = document.getElementById(e.id);
      if (line && line.classList.contains("filtered-out")) { return; }
      var li = el("li");
      var b = el("button", "edge-link", edgeTitle(e) + " [" + e.n_claims + "]");
      b.addEventListener("click", function () { showEdge(e.id); });
      li.appendChild(b);
      if (!line) { li.appendChild(el("span", "not-drawn", " (not drawn)")); }
      list.appendChild(li);
    });
    details.appendChild(list);
  }

  function applyFilter() {
    var view = select.value ? data.views[select.value] : null;
    var showN = view ? new Set(view.nodes) : null;
    var showE = view ? new Set(view.edges) : null;
    var nShown = 0, eShown = 0;
    svg.querySelectorAll("g.node").forEach(function (g) {
      var on = !showN || showN.has(g.id);
      g.classList.toggle("filtered-out", !on);
      if (on) { nShown += 1; }
    });
    svg.querySelectorAll("g.edge").forEach(function (g) {
      var on = !showE || showE.has(g.id);
      g.classList.toggle("filtered-out", !on);
      document.getElementById("badge-" + g.id).classList.toggle("filtered-out", !on);
      if (on) { eShown += 1; }
    });
    document.getElementById("shown-nodes").textContent = String(nShown);
    document.getElementById("shown-edges").textContent = String(eShown);
  }

  svg.querySelectorAll("g.edge").forEach(function (g) {
    g.addEventListener("click", function (ev) { ev.stopPropagation(); showEdge(g.id); });
  });
  svg.querySelectorAll("g.badge").forEach(function (g) {
    g.addEventListener("click", function (ev) { ev.stopPropagation(); showEdge(g.getAttribute("data-edge")); });
  });
  svg.querySelectorAll("g.node").forEach(function (g) {
    g.addEventListener("click", function (ev) { ev.stopPropagation(); showNode(g.id); });
  });
  select.addEventListener("change", applyFilter);

  // the finder of a summary page: any entity, drawn or not, by "label — CURIE", CURIE or label
  var find = document.getElementById("find");
  if (find) {
    var byName = {};
    var options = document.createDocumentFragment();
    data.nodes.forEach(function (n) {
      var name = n.label + " — " + n.curie;
      byName[name] = n.id;
      byName[n.curie.toLowerCase()] = n.id;
      if (!byName[n.label.toLowerCase()]) { byName[n.label.toLowerCase()] = n.id; }
      var o = document.createElement("option");
      o.value = name;
      options.appendChild(o);
    });
    document.getElementById("find-list").appendChild(options);
    var go = function () {
      var id = byName[find.value] || byName[find.value.trim().toLowerCase()];
      if (id) { showNode(id); }
    };
    find.addEventListener("change", go);
    find.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { go(); } });
  }
  applyFilter();
  document.body.setAttribute("data-ready", "true");
}());
