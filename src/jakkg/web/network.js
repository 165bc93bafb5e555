// Interactive evidence network on Cytoscape.js (drawing, pan, zoom, selection) and ELK
// (layered layout, one column per category, laid out again after every filter).
// Both are vendored and inlined (web/vendor/manifest.json); the page fetches nothing.
// The data is the JSON in #graph-data: every node and edge of the network, each marked
// "drawn" or not. A large network is drawn as a summary (its strongest edges), so an edge
// or node may have no element in the picture: look it up, never assume it.
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var NOT_STATED = "age not stated";
  var DISAGREE = "#B2182B";
  var nodes = {}, edges = {}, edgeOfClaim = {}, edgesOf = {};
  data.nodes.forEach(function (n) { nodes[n.id] = n; });
  function attach(nodeId, e) { (edgesOf[nodeId] = edgesOf[nodeId] || []).push(e); }
  data.edges.forEach(function (e) {
    edges[e.id] = e;
    attach(e.source, e);
    if (e.target !== e.source) { attach(e.target, e); }
    e.evidence.forEach(function (c) { edgeOfClaim[c.claim] = e.id; });
  });
  var details = document.getElementById("details");
  var results = document.getElementById("results");
  var search = document.getElementById("search");
  var controls = {
    drug: document.getElementById("drug-filter"), paper: document.getElementById("paper-filter"),
    design: document.getElementById("design-filter"), population: document.getElementById("population-filter"),
    level: document.getElementById("level-filter"),
    negation: document.getElementById("negation-filter")
  };
  var populations = document.getElementById("populations-toggle");
  var layouts = 0;

  // -- the picture ---------------------------------------------------------------------
  function nodeElement(n) {
    return {
      group: "nodes",
      data: { id: n.id, label: n.lines, w: n.w, h: n.h, layer: n.layer, colour: data.colours[n.category] || "#666666",
              fill: data.fills[n.category] || "#eeeeee" },
      classes: (n.verified ? "" : "unverified") + (n.population ? " population" : "")
    };
  }
  function edgeElement(e) {
    var kind = data.kinds[e.kind] || data.kinds.context;
    var classes = [e.n_sources >= 2 ? "strong" : "weak"];
    if (kind.dashed) { classes.push("dashed"); }
    if (e.disagreement) { classes.push("disagreement"); }
    return {
      group: "edges",
      data: { id: e.id, source: e.source, target: e.target, colour: kind.colour, width: e.width,
              badge: e.n_claims >= 2 || e.disagreement ? String(e.n_claims) : "" },
      classes: classes.join(" ")
    };
  }
  var elements = [];
  data.nodes.forEach(function (n) { if (n.drawn) { elements.push(nodeElement(n)); } });
  data.edges.forEach(function (e) { if (e.drawn) { elements.push(edgeElement(e)); } });
  data.columns.forEach(function (title, i) {
    elements.push({ group: "nodes", data: { id: "column-" + i, label: title, layer: i }, classes: "column-title" });
  });
  var big = data.edges.filter(function (e) { return e.drawn; }).length > 300;
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    layout: { name: "preset" },
    minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false,
    textureOnViewport: big, hideEdgesOnViewport: big,
    style: [
      { selector: "node[fill]", style: {
        "shape": "round-rectangle", "width": "data(w)", "height": "data(h)", "background-color": "data(fill)",
        "border-color": "data(colour)", "border-width": 1.2, "label": "data(label)", "text-wrap": "wrap",
        "text-max-width": "200px", "font-size": 9, "font-family": "DejaVu Sans, Verdana, sans-serif",
        "text-valign": "center", "text-halign": "center", "color": "#1a1a1a" } },
      { selector: "node", style: { "label": "data(label)" } },
      { selector: "node.unverified", style: { "border-style": "dashed" } },
      { selector: "node.column-title", style: {
        "shape": "rectangle", "width": 1, "height": 1, "background-opacity": 0, "border-width": 0, "font-size": 11,
        "font-weight": "bold", "color": "#333", "events": "no", "text-valign": "top" } },
      { selector: "edge", style: {
        "curve-style": "bezier", "width": "data(width)", "line-color": "data(colour)", "target-arrow-color": "data(colour)",
        "target-arrow-shape": "triangle", "arrow-scale": 0.7, "label": "data(badge)", "font-size": 7,
        "text-background-color": "#fff", "text-background-opacity": 1, "text-background-shape": "roundrectangle",
        "text-background-padding": 1.5, "text-border-width": 1, "text-border-style": "solid", "text-border-color": "data(colour)",
        "text-border-opacity": 1, "color": "#1a1a1a" } },
      { selector: "edge.weak", style: { "opacity": 0.5 } },
      { selector: "edge.strong", style: { "opacity": 0.95 } },
      { selector: "edge.dashed", style: { "line-style": "dashed", "line-dash-pattern": [5, 3] } },
      { selector: "edge.disagreement", style: { "text-border-color": DISAGREE, "text-border-width": 2.2, "font-weight": "bold" } },
      { selector: ".match", style: { "underlay-color": "#ffb000", "underlay-opacity": 0.45, "underlay-padding": 5 } },
      { selector: ":selected", style: { "overlay-color": "#ffd400", "overlay-opacity": 0.35, "overlay-padding": 4 } },
      { selector: ".hidden", style: { "display": "none" } }
    ]
  });

  // -- laying out what is shown, with ELK --------------------------------------------------
  var elk = new ELK();
  var ELK_OPTIONS = {
    "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.partitioning.activate": "true",
    "elk.spacing.nodeNode": "8", "elk.layered.spacing.nodeNodeBetweenLayers": "46",
    "elk.layered.spacing.edgeNodeBetweenLayers": "8", "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
    "elk.layered.crossingMinimization.semiInteractive": "false", "elk.randomSeed": "1",
    "elk.separateConnectedComponents": "false"
  };
  function layOut(shownNodes, shownEdges) {
    var children = shownNodes.map(function (n) {
      return { id: n.id(), width: n.data("w"), height: n.data("h"),
               layoutOptions: { "elk.partitioning.partition": String(n.data("layer")) } };
    });
    var seen = {}, links = [];
    shownEdges.forEach(function (e) {  // ELK needs only one edge per pair, pointing to the later column
      var s = e.source(), t = e.target();
      if (s.id() === t.id()) { return; }
      if (s.data("layer") > t.data("layer")) { var x = s; s = t; t = x; }
      var key = s.id() + ">" + t.id();
      if (!seen[key]) { seen[key] = true; links.push({ id: "l" + links.length, sources: [s.id()], targets: [t.id()] }); }
    });
    return elk.layout({ id: "root", layoutOptions: ELK_OPTIONS, children: children, edges: links }).then(function (g) {
      var at = {};
      g.children.forEach(function (c) { at[c.id] = { x: c.x + c.width / 2, y: c.y + c.height / 2 }; });
      place(at);
    });
  }
  // Put the shown nodes at their positions (centres), the column titles above their columns, and frame them.
  function place(at) {
    var column = {}, top = Infinity;
    cy.batch(function () {
      Object.keys(at).forEach(function (id) {
        var node = cy.getElementById(id), p = at[id], w = node.data("w"), h = node.data("h");
        node.position(p);
        var col = column[node.data("layer")] = column[node.data("layer")] || { x0: Infinity, x1: -Infinity };
        col.x0 = Math.min(col.x0, p.x - w / 2); col.x1 = Math.max(col.x1, p.x + w / 2);
        top = Math.min(top, p.y - h / 2);
      });
      cy.nodes(".column-title").forEach(function (t) {
        var col = column[t.data("layer")];
        t.toggleClass("hidden", !col);
        if (col) { t.position({ x: (col.x0 + col.x1) / 2, y: top - 12 }); }
      });
    });
    frame(cy.elements(":visible"));
    layouts += 1;
    document.body.setAttribute("data-layouts", String(layouts));
  }

  // Fit what is shown when it stays readable; else show its top left (the drugs, their kinases and
  // pathways) at a readable zoom, the rest a drag away.
  var READABLE = 0.85;
  function frame(shown) {
    cy.fit(shown, 24);
    if (cy.zoom() >= READABLE) { return; }
    var box = shown.boundingBox();
    cy.zoom(READABLE);
    cy.pan({ x: 12 - box.x1 * READABLE, y: 12 - box.y1 * READABLE });
  }

  // -- filters ------------------------------------------------------------------------------
  function filters() {
    return { drug: controls.drug.value, paper: controls.paper.value, design: controls.design.value,
             population: controls.population.value, negation: controls.negation.value, populations: populations.checked,
             level: controls.level.value ? Number(controls.level.value) : 0 };
  }
  function designOf(c) { return data.designs[c.attributed_to || c.paper] || []; }
  function groupOf(c) { return c.population ? (data.groups[c.population] || NOT_STATED) : "none"; }
  function claimPasses(c, f) {
    if (f.paper && c.paper !== f.paper) { return false; }
    if (f.design && designOf(c).indexOf(f.design) < 0) { return false; }
    if (f.population && groupOf(c) !== f.population) { return false; }
    if (f.level && !(c.level && c.level <= f.level)) { return false; }  // that level or better; unrated claims go
    if (f.negation === "stated" && c.negated) { return false; }
    if (f.negation === "negated" && !c.negated) { return false; }
    return true;
  }
  function edgeShown(e, f, view) {
    if (!e.drawn || (view && !view.has(e.id))) { return false; }
    if (!f.populations && (nodes[e.source].population || nodes[e.target].population)) { return false; }
    return e.evidence.some(function (c) { return claimPasses(c, f); });
  }
  function applyFilters() {
    var f = filters();
    var view = f.drug ? new Set(data.views[f.drug].edges) : null;
    var onEdges = new Set(), onNodes = new Set();
    data.edges.forEach(function (e) {
      if (edgeShown(e, f, view)) { onEdges.add(e.id); onNodes.add(e.source); onNodes.add(e.target); }
    });
    cy.batch(function () {
      cy.edges().forEach(function (e) { e.toggleClass("hidden", !onEdges.has(e.id())); });
      cy.nodes().not(".column-title").forEach(function (n) { n.toggleClass("hidden", !onNodes.has(n.id())); });
    });
    document.getElementById("shown-nodes").textContent = String(onNodes.size);
    document.getElementById("shown-edges").textContent = String(onEdges.size);
    var opening = !f.drug && !f.paper && !f.design && !f.population && !f.negation && !f.populations && !f.level;
    if (opening && Array.from(onNodes).every(function (id) { return nodes[id].x !== undefined; })) {  // the opening view was laid out when the page was made (the same engine as the static figure)
      var at = {};
      onNodes.forEach(function (id) { at[id] = { x: nodes[id].x, y: nodes[id].y }; });
      place(at);
      return Promise.resolve();
    }
    var shownNodes = cy.nodes().not(".column-title").filter(function (n) { return onNodes.has(n.id()); });
    var shownEdges = cy.edges().filter(function (e) { return onEdges.has(e.id()); });
    return layOut(shownNodes, shownEdges);
  }
  document.getElementById("total-nodes").textContent = String(cy.nodes().not(".column-title").length);
  document.getElementById("total-edges").textContent = String(cy.edges().length);

  // -- details -----------------------------------------------------------------------------
  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) { x.className = cls; }
    if (text !== undefined && text !== null) { x.textContent = String(text); }
    return x;
  }
  function labelOf(id) { return data.labels[id] || id; }
  function relation(e) {
    return (e.negated ? "NOT " : "") + e.predicate_label + (e.direction ? " (" + e.direction.replace(/_/g, " ") + ")" : "");
  }
  function edgeTitle(e) { return nodes[e.source].label + " \u2192 " + relation(e) + " \u2192 " + nodes[e.target].label; }
  function doiLink(doi) {
    var a = el("a", null, "doi:" + doi);
    a.href = "https://doi.org/" + doi;
    a.rel = "noopener";
    return a;
  }
  function select(id) {
    if (document.body.classList.contains("view-map")) { showTab("network"); }  // a claim link in the map's panel
    cy.elements(":selected").unselect();
    var ele = cy.getElementById(id);
    if (ele.length && !ele.hasClass("hidden")) {
      ele.select();
      cy.center(ele);
      return "shown";
    }
    return ele.length ? "hidden" : "absent";
  }
  function claimLink(other) {
    var target = edgeOfClaim[other];
    if (!target) { return el("span", null, other + " "); }
    var b = el("button", "edge-link", other + " (" + edgeTitle(edges[target]) + ")");
    b.setAttribute("data-claim", other);
    b.addEventListener("click", function () { showEdge(target, other); });
    return b;
  }
  // The OCEBM 2011 level of a claim's study, with the level's definition as its tooltip.
  function levelTag(level) {
    if (!level) { return el("span", "tag level unrated", "level not rated"); }
    var tag = el("span", "tag level level-" + level, "OCEBM level " + level);
    tag.title = data.level_notes[String(level)] || "";
    return tag;
  }
  function claimBox(c) {
    var box = el("div", "claim");
    box.setAttribute("data-claim", c.claim);
    box.appendChild(el("h3", null, c.claim + ": " + c.label));
    var tags = el("p", "meta");
    if (c.negated) { tags.appendChild(el("span", "tag negated", "negated")); }
    if (c.direction) { tags.appendChild(el("span", "tag", c.direction.replace(/_/g, " "))); }
    tags.appendChild(el("span", "tag", c.hedging));
    if (c.category) { tags.appendChild(el("span", "tag", c.category.replace(/_/g, " "))); }
    designOf(c).forEach(function (d) { tags.appendChild(el("span", "tag design", d)); });
    tags.appendChild(levelTag(c.level));
    if (c.n !== undefined && c.N !== undefined) { tags.appendChild(el("span", "tag", "n/N = " + c.n + "/" + c.N)); }
    if (c.percentage !== undefined) { tags.appendChild(el("span", "tag", c.percentage + "%")); }
    if (c.time_point) { tags.appendChild(el("span", "tag", "at " + c.time_point)); }
    box.appendChild(tags);
    var src = el("p", "meta source", "Read in " + (c.paper_label || c.paper) + " ");
    if (c.doi) { src.appendChild(doiLink(c.doi)); }
    box.appendChild(src);
    if (c.attributed_to) {
      var att = el("p", "meta attributed", "Reported from " + (c.attributed_label || c.attributed_to) + " ");
      if (c.attributed_doi) { att.appendChild(doiLink(c.attributed_doi)); }
      box.appendChild(att);
    }
    if (c.population) {
      var pop = el("p", "meta population", "Population: " + labelOf(c.population) + " (" + groupOf(c) + ")");
      pop.title = c.population;
      box.appendChild(pop);
    }
    if (c.instrument) {
      var ins = el("p", "meta instrument", "Instrument: " + labelOf(c.instrument));
      ins.title = c.instrument;
      box.appendChild(ins);
    }
    if (c.disagrees_with && c.disagrees_with.length) {
      var dis = el("p", "meta disagrees", "Disagrees with: ");
      c.disagrees_with.forEach(function (other) { dis.appendChild(claimLink(other)); });
      box.appendChild(dis);
    }
    (c.quotes || []).forEach(function (q) {
      var bq = el("blockquote", "quote", "\u201c" + q.text + "\u201d");
      if (q.start !== undefined) { bq.title = "characters " + q.start + "\u2013" + q.end + " of the paper's text"; }
      box.appendChild(bq);
    });
    return box;
  }

  function showEdge(id, focusClaim) {
    var e = edges[id];
    var where = select(id);
    details.replaceChildren();
    details.setAttribute("data-edge", id);
    details.appendChild(el("h2", "edge-title", edgeTitle(e)));
    if (where === "absent") { details.appendChild(el("p", "meta not-drawn", "Not drawn in the summary picture: its evidence is weaker than that of the edges shown.")); }
    if (where === "hidden") { details.appendChild(el("p", "meta not-drawn", "Hidden by the current filters.")); }
    details.appendChild(el("p", "meta", e.n_claims + " claim" + (e.n_claims === 1 ? "" : "s") + " from " +
      e.n_sources + " independent source" + (e.n_sources === 1 ? "" : "s") + " (" + e.studies.join(", ") + ")" +
      (e.disagreement ? "; part of a disagreement" : "") +
      (e.level ? "; best level of evidence: OCEBM " + e.level : "; no claim with a rated level of evidence")));
    var focused = null;
    e.evidence.forEach(function (c) {
      var box = claimBox(c);
      if (c.claim === focusClaim) { box.classList.add("focus"); focused = box; }
      details.appendChild(box);
    });
    if (focused) { focused.scrollIntoView({ block: "nearest" }); }
  }

  function showNode(id) {
    var n = nodes[id];
    var where = select(id);
    details.replaceChildren();
    details.setAttribute("data-node", id);
    details.appendChild(el("h2", null, n.label));
    var p = el("p", "meta", n.category.replace(/_/g, " ") + " \u00b7 ");
    var a = el("a", null, n.curie);
    a.href = n.iri;
    a.rel = "noopener";
    p.appendChild(a);
    if (!n.verified) { p.appendChild(el("span", "tag", "identifier not verified")); }
    details.appendChild(p);
    if (n.synonyms.length) { details.appendChild(el("p", "meta synonyms", "Also called: " + n.synonyms.join("; "))); }
    if (where === "absent") { details.appendChild(el("p", "meta not-drawn", "Not drawn in the summary picture; its edges:")); }
    if (where === "hidden") { details.appendChild(el("p", "meta not-drawn", "Hidden by the current filters; its edges:")); }
    var list = el("ul", "edge-list");
    (edgesOf[id] || []).forEach(function (e) {
      var li = el("li");
      var b = el("button", "edge-link", edgeTitle(e) + " [" + e.n_claims + "]");
      b.addEventListener("click", function () { showEdge(e.id); });
      li.appendChild(b);
      if (!e.drawn) { li.appendChild(el("span", "not-drawn", " (not drawn)")); }
      list.appendChild(li);
    });
    details.appendChild(list);
  }

  // -- search over labels, synonyms, CURIEs and quotes --------------------------------------------
  var haystackOfNode = {}, haystackOfEdge = {};
  data.nodes.forEach(function (n) { haystackOfNode[n.id] = [n.label, n.curie].concat(n.synonyms).join("\n").toLowerCase(); });
  function edgeHaystack(e) {
    if (haystackOfEdge[e.id] === undefined) {
      haystackOfEdge[e.id] = e.evidence.map(function (c) {
        return [c.claim, c.label].concat((c.quotes || []).map(function (q) { return q.text; })).join("\n");
      }).join("\n").toLowerCase();
    }
    return haystackOfEdge[e.id];
  }
  var LIMIT = 50;
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    cy.elements(".match").removeClass("match");
    results.replaceChildren();
    if (q.length < 2) { return null; }
    var hitNodes = data.nodes.filter(function (n) { return haystackOfNode[n.id].indexOf(q) >= 0; });
    var hitEdges = data.edges.filter(function (e) { return edgeHaystack(e).indexOf(q) >= 0; });
    cy.batch(function () {
      hitNodes.concat(hitEdges).forEach(function (x) { cy.getElementById(x.id).addClass("match"); });
    });
    results.appendChild(el("h2", null, hitNodes.length + " entit" + (hitNodes.length === 1 ? "y" : "ies") + " and " +
      hitEdges.length + " edge" + (hitEdges.length === 1 ? "" : "s") + " match \u201c" + search.value.trim() + "\u201d"));
    var list = el("ul", "search-results");
    hitNodes.slice(0, LIMIT).forEach(function (n) {
      var b = el("button", "edge-link", n.label + " (" + n.curie + ")");
      b.setAttribute("data-node", n.id);
      b.addEventListener("click", function () { showNode(n.id); });
      var li = el("li"); li.appendChild(b); list.appendChild(li);
    });
    hitEdges.slice(0, LIMIT).forEach(function (e) {
      var b = el("button", "edge-link", edgeTitle(e) + " [" + e.n_claims + "]");
      b.setAttribute("data-edge", e.id);
      b.addEventListener("click", function () { showEdge(e.id); });
      var li = el("li"); li.appendChild(b); list.appendChild(li);
    });
    results.appendChild(list);
    if (hitNodes.length > LIMIT || hitEdges.length > LIMIT) { results.appendChild(el("p", "note", "Only the first " + LIMIT + " of each are listed.")); }
    return hitNodes;
  }
  var pending = null;
  search.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(runSearch, 120);
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") { return; }
    clearTimeout(pending);
    var hits = runSearch() || [];
    var q = search.value.trim().toLowerCase();
    var exact = hits.filter(function (n) { return n.label.toLowerCase() === q || n.curie.toLowerCase() === q; });
    var pick = exact.length ? exact[0] : (hits.length === 1 ? hits[0] : null);
    if (pick) { showNode(pick.id); }
  });

  // -- the evidence map tab -------------------------------------------------------------------------
  // The cells of `jakkg evidence-map` (the rows of evidence-map.csv, issue 14), drawn as one table per
  // population (juvenile, adult, not stated): a row per JAK inhibitor and one for the class, a column
  // per outcome group, and in a cell a circle whose area is its patients, cut into wedges by its studies'
  // directions. Its data is a JSON block of its own, parsed and drawn on the first opening of the tab,
  // so the network opens as fast with it. A click on a cell lists its claims with the network's claim panel.
  var mapBox = document.getElementById("evmap");
  var tabs = { network: document.getElementById("tab-network"), map: document.getElementById("tab-map") };
  var mapData = null, mapBuilt = false, claimById = null;
  var CELL = 64;
  var PANEL_TITLES = { juvenile: "Juvenile dermatomyositis", adult: "Adult dermatomyositis", "not stated": "Population not stated" };
  var DIRECTION_NOTES = { improved: "improved; less steroid", worsened: "worsened; adverse event or death observed",
                          "no change": "no change; no progression; adverse event not observed", mixed: "mixed within one study" };
  function showTab(which) {
    var map = which === "map";
    if (map && !mapBuilt) { buildMap(); }
    document.body.classList.toggle("view-map", map);
    mapBox.hidden = !map;
    tabs.network.setAttribute("aria-selected", String(!map));
    tabs.map.setAttribute("aria-selected", String(map));
    if (!map) { cy.resize(); }
  }
  function svgEl(tag, attrs, text) {
    var x = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (k) { x.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { x.textContent = text; }
    return x;
  }
  // A circle of radius r cut into wedges, one per direction in proportion to its studies, from 12 o'clock anticlockwise (as the PNG).
  function pie(svg, cx, cy0, r, tally, total) {
    var start = 90;
    mapData.directions.forEach(function (d) {
      if (!tally[d]) { return; }
      var sweep = 360 * tally[d] / total, colour = mapData.colours[d];
      if (sweep >= 359.99) {
        svg.appendChild(svgEl("circle", { cx: cx, cy: cy0, r: r, fill: colour, "class": "wedge " + d }));
      } else {
        var a0 = start * Math.PI / 180, a1 = (start + sweep) * Math.PI / 180;
        var path = "M" + cx + "," + cy0 + " L" + (cx + r * Math.cos(a0)).toFixed(2) + "," + (cy0 - r * Math.sin(a0)).toFixed(2) +
          " A" + r + "," + r + " 0 " + (sweep > 180 ? 1 : 0) + " 0 " + (cx + r * Math.cos(a1)).toFixed(2) + "," + (cy0 - r * Math.sin(a1)).toFixed(2) + " Z";
        svg.appendChild(svgEl("path", { d: path, fill: colour, stroke: "#fff", "stroke-width": 0.6, "class": "wedge " + d }));
      }
      start += sweep;
    });
  }
  function plural(n, word, words) { return n + " " + (n === 1 ? word : (words || word + "s")); }
  function cellSummary(c) {
    return c.drug + " \u00b7 " + c.outcome_group + " (" + c.population + "): " + plural(c.studies, "study", "studies") +
      (c.case_reports ? " (" + c.case_reports + " case report" + (c.case_reports === 1 ? "" : "s") + ")" : "") + ", " +
      plural(c.patients, "patient") + (c.studies_without_n ? " and " + plural(c.studies_without_n, "study", "studies") + " without N" : "") +
      "; " + c.direction + (c.best_level ? "; best level of evidence: OCEBM " + c.best_level : "; no rated level of evidence") +
      (c.disagreement ? "; a curated disagreement" : "");
  }
  function glyph(c, i) {
    var svg = svgEl("svg", { width: CELL, height: CELL, viewBox: "0 0 " + CELL + " " + CELL, role: "img", "aria-label": cellSummary(c) });
    var tally = {};
    c.glyphs.forEach(function (g) { tally[g.direction] = (tally[g.direction] || 0) + 1; });
    pie(svg, CELL / 2, CELL * 0.55, +(mapData.radii[i] * CELL).toFixed(2), tally, c.studies);
    if (c.best_level) { svg.appendChild(svgEl("text", { x: 5, y: 13, "font-size": 9, "class": "level" }, "L" + c.best_level)); }
    svg.appendChild(svgEl("text", { x: CELL - 5, y: 13, "font-size": 9, "text-anchor": "end", "class": "count" },
      c.studies + (c.case_reports ? " (c" + c.case_reports + ")" : "")));
    if (c.disagreement) {
      svg.appendChild(svgEl("text", { x: CELL - 5, y: CELL - 5, "font-size": 13, "font-weight": "bold", "text-anchor": "end", fill: DISAGREE, "class": "mark" }, "\u2260"));
    }
    return svg;
  }
  function mapLegend() {
    var box = el("div", "map-legend");
    mapData.directions.forEach(function (d) {
      var s = el("span", null);
      var svg = svgEl("svg", { width: 14, height: 14 });
      svg.appendChild(svgEl("circle", { cx: 7, cy: 7, r: 6, fill: mapData.colours[d] }));
      s.appendChild(svg);
      s.appendChild(document.createTextNode(DIRECTION_NOTES[d] || d));
      box.appendChild(s);
    });
    var size = el("span", null, "Area: patients (a study once)");
    mapData.size_key.forEach(function (k) {
      var r = k.radius * CELL, svg = svgEl("svg", { width: 2 * r + 2, height: 2 * r + 2 });
      svg.appendChild(svgEl("circle", { cx: r + 1, cy: r + 1, r: r, fill: "#ccc", stroke: "#666", "stroke-width": 0.6 }));
      size.appendChild(svg);
      size.appendChild(document.createTextNode(k.patients + (k.patients === mapData.size_cap ? "+" : "")));
    });
    box.appendChild(size);
    box.appendChild(el("span", null, "L3: best OCEBM 2011 level (1 best, 5 weakest) \u00b7 top right: studies, (c2) of them case reports \u00b7 studies without N are counted, not sized"));
    var mark = el("span", null, "\u2260 in a dashed red frame: a curated disagreement touches the cell");
    mark.style.color = DISAGREE;
    box.appendChild(mark);
    return box;
  }
  function mapTable(panel) {
    var table = el("table", "evmap");
    table.setAttribute("data-panel", panel);
    var head = el("tr"), body = el("tbody"), thead = el("thead");
    head.appendChild(el("th"));
    mapData.groups.forEach(function (g) { head.appendChild(el("th", null, g)); });
    thead.appendChild(head);
    table.appendChild(thead);
    var at = {};
    mapData.cells.forEach(function (c, i) { if (c.population === panel) { at[c.drug_iri + "\n" + c.outcome_group] = i; } });
    mapData.drugs.forEach(function (d) {
      var row = el("tr");
      var isClass = d.iri === mapData.class_iri;
      row.appendChild(el("th", isClass ? "class-row" : null, d.label + (isClass ? " (class-level claims)" : "")));
      mapData.groups.forEach(function (g) {
        var i = at[d.iri + "\n" + g];
        if (i === undefined) { row.appendChild(el("td", "empty")); return; }
        var c = mapData.cells[i], td = el("td", "cell" + (c.disagreement ? " disagreement" : ""));
        td.setAttribute("data-cell", String(i));
        td.title = cellSummary(c);
        td.appendChild(glyph(c, i));
        td.addEventListener("click", function () { showCell(i); });
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }
  function buildMap() {
    mapBuilt = true;
    mapData = JSON.parse(document.getElementById("evidence-map-data").textContent || "null");
    mapBox.appendChild(el("h2", null, "Evidence map: JAK inhibitors against outcomes"));
    if (!mapData) { mapBox.appendChild(el("p", "hint", "This page was drawn without the evidence map (jakkg draw adds it from the built graph).")); return; }
    var claims = 0, studies = {};
    mapData.cells.forEach(function (c) { claims += c.claims.length; c.glyphs.forEach(function (g) { studies[g.study] = true; }); });
    var skipped = Object.keys(mapData.skipped).map(function (k) { return mapData.skipped[k] + " " + k; });
    mapBox.appendChild(el("p", "map-note", plural(mapData.cells.length, "cell") + " from " + plural(claims, "claim") + " of " +
      plural(Object.keys(studies).length, "study", "studies") + " (a study reported by two papers counts once)" +
      (skipped.length ? "; not on the map: " + skipped.join(", ") : "") +
      ". Click a cell for its claims, quotes and DOIs. The same cells as evidence-map.csv, .png and .svg (jakkg evidence-map)."));
    mapBox.appendChild(mapLegend());
    mapData.panels.forEach(function (panel) {
      mapBox.appendChild(el("h2", "panel-title", PANEL_TITLES[panel] || panel));
      mapBox.appendChild(mapTable(panel));
    });
    if (!mapData.cells.length) { mapBox.appendChild(el("p", "hint", "No claim reports an outcome of a JAK inhibitor: the map is empty.")); }
    mapBox.setAttribute("data-cells", String(mapBox.querySelectorAll("td.cell").length));
  }
  function claimOf(id) {
    if (!claimById) {
      claimById = {};
      data.edges.forEach(function (e) { e.evidence.forEach(function (c) { claimById[c.claim] = c; }); });
    }
    return claimById[id];
  }
  function showCell(i) {
    var c = mapData.cells[i];
    mapBox.querySelectorAll("td.chosen").forEach(function (td) { td.classList.remove("chosen"); });
    mapBox.querySelector('td[data-cell="' + i + '"]').classList.add("chosen");
    details.replaceChildren();
    details.setAttribute("data-cell", String(i));
    details.appendChild(el("h2", "cell-title", c.drug + " \u00b7 " + c.outcome_group + " (" + (PANEL_TITLES[c.population] || c.population) + ")"));
    details.appendChild(el("p", "meta", cellSummary(c).replace(/^[^:]*: /, "")));
    details.appendChild(el("p", "meta", "Outcomes: " + c.outcomes.join("; ")));
    var list = el("ul", "cell-studies");
    c.glyphs.forEach(function (g) {
      list.appendChild(el("li", null, g.study + ": " + (g.patients === null ? "N unknown" : "N = " + g.patients) + ", " + g.direction +
        (g.level ? ", OCEBM level " + g.level : "") + (g.case_report ? ", case report" : "")));
    });
    details.appendChild(list);
    if (c.disagreements.length) {
      var dis = el("p", "meta disagrees", "Disagreement: ");
      c.disagreements.forEach(function (pair) {
        pair.split(" <> ").forEach(function (id, k) { if (k) { dis.appendChild(el("span", null, " \u2260 ")); } dis.appendChild(claimLink(id)); });
      });
      details.appendChild(dis);
    }
    var node = mapData.drug_nodes[c.drug_iri];
    if (node && data.views[node]) {
      var go = el("button", "edge-link to-network", "Show " + c.drug + " in the network, this cell's claims marked");
      go.addEventListener("click", function () { showInNetwork(node, c.claims); });
      details.appendChild(el("p", "meta")).appendChild(go);
    }
    c.claims.forEach(function (id) {
      var claim = claimOf(id);
      if (!claim) { details.appendChild(el("p", "meta not-drawn", id + ": not in the network's data")); return; }
      var box = claimBox(claim);
      var on = el("p", "meta", "In the network: ");
      var b = el("button", "edge-link", edgeTitle(edges[edgeOfClaim[id]]));
      b.addEventListener("click", function () { showEdge(edgeOfClaim[id], id); });
      on.appendChild(b);
      box.appendChild(on);
      details.appendChild(box);
    });
  }
  // To the network, filtered to the cell's drug, its claims' edges marked as a search marks them.
  function showInNetwork(node, claims) {
    showTab("network");
    Object.keys(controls).forEach(function (k) { controls[k].value = ""; });
    controls.drug.value = node;
    return applyFilters().then(function () {
      cy.batch(function () {
        cy.elements(".match").removeClass("match");
        claims.forEach(function (id) { if (edgeOfClaim[id]) { cy.getElementById(edgeOfClaim[id]).addClass("match"); } });
      });
    });
  }

  // -- wiring -------------------------------------------------------------------------------------
  cy.on("tap", "edge", function (ev) { showEdge(ev.target.id()); });
  cy.on("tap", "node", function (ev) { if (!ev.target.hasClass("column-title")) { showNode(ev.target.id()); } });
  Object.keys(controls).forEach(function (k) { controls[k].addEventListener("change", applyFilters); });
  populations.addEventListener("change", applyFilters);
  document.getElementById("reset").addEventListener("click", function () {
    Object.keys(controls).forEach(function (k) { controls[k].value = ""; });
    populations.checked = false;
    search.value = "";
    runSearch();
    applyFilters();
  });
  tabs.network.addEventListener("click", function () { showTab("network"); });
  tabs.map.addEventListener("click", function () { showTab("map"); });
  window.jakkg = { cy: cy, data: data, showEdge: showEdge, showNode: showNode, applyFilters: applyFilters, showTab: showTab, showCell: showCell };
  applyFilters().then(function () {
    window.jakkgTimes = { ready: performance.now(), script: performance.now() - started };  // ms since navigation start / in this script
    document.body.setAttribute("data-ready", "true");
  });
}());
