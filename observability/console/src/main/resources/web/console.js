// The Flowlens console: one shell for every view; the path says which view, the query string its filters, so every
// view can be linked. Data comes from the console's own /api/...; nothing is loaded from elsewhere.
"use strict";

const COLOURS = ["#2f5fd0", "#12b76a", "#f79009", "#9e77ed", "#ee46bc", "#06aed4", "#667085", "#d92d20"];
const view = document.getElementById("view");
// the share of the waterfall's track (~820 px wide) a duration label (~60 px) needs beside its bar
const TIME_ROOM_PERCENT = 12;

function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
        if (value === undefined || value === null) continue;
        if (key === "class") node.className = value;
        else if (key.startsWith("on")) node.addEventListener(key.substring(2), value);
        else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
        if (child === undefined || child === null) continue;
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
}

function svg(tag, attributes, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
}

function ms(value) {
    return value === null || value === undefined ? "-" : (value >= 1000 ? (value / 1000).toFixed(2) + " s" : value.toFixed(1) + " ms");
}

/** The API's answer, or an Error carrying the problem+json detail (never a blank page). */
async function api(path) {
    let response;
    try {
        response = await fetch(path, {headers: {"Accept": "application/json"}});
    } catch (e) {
        throw new Error("The console did not answer (" + e.message + ")");
    }
    const text = await response.text();
    let body = null;
    try { body = JSON.parse(text); } catch (e) { /* not JSON: shown as text below */ }
    if (!response.ok) {
        throw new Error(body && body.detail ? body.detail : "HTTP " + response.status + ": " + text.substring(0, 200));
    }
    return body;
}

function show(...nodes) {
    view.replaceChildren(...nodes.filter(node => node !== null && node !== undefined));
}

function problem(title, error) {
    show(el("h1", {}, title), el("div", {id: "message", class: "message", role: "alert"}, error.message));
}

// --- Flows ---------------------------------------------------------------------------------------------------
async function flowsView(params) {
    const outcome = params.get("outcome") || "all";
    const window_ = params.get("window") || "";
    document.title = "Flows · Flowlens";
    const select = el("select", {id: "outcome", "aria-label": "outcome", onchange: () => navigate(outcome_url())},
        ["all", "completed", "declined", "compensated", "failed"].map(o => {
            const option = el("option", {value: o}, o);
            if (o === outcome) option.selected = true;
            return option;
        }));
    const user = params.get("user") || "";
    const windowInput = el("input", {id: "window", size: 5, value: window_, placeholder: "1h", "aria-label": "time range"});
    const userInput = el("input", {id: "user", size: 6, value: user, placeholder: "any", "aria-label": "user id"});
    const outcome_url = () => {
        const query = new URLSearchParams();
        if (select.value !== "all") query.set("outcome", select.value);
        if (userInput.value.trim()) query.set("user", userInput.value.trim());
        if (windowInput.value.trim()) query.set("window", windowInput.value.trim());
        return "/flows" + (query.toString() ? "?" + query : "");
    };
    windowInput.addEventListener("change", () => navigate(outcome_url()));
    userInput.addEventListener("change", () => navigate(outcome_url()));
    const filters = el("div", {class: "filters"}, "Outcome", select, "User", userInput, "Last", windowInput);
    const trace = params.get("trace") || "";
    const query = new URLSearchParams();
    if (outcome !== "all") query.set("outcome", outcome);
    if (user) query.set("user", user);
    if (window_) query.set("window", window_);
    if (trace) query.set("trace", trace);
    let data;
    try {
        data = await api("/api/flows?" + query);
    } catch (e) {
        show(el("h1", {}, "Flows"), filters, el("div", {id: "message", class: "message", role: "alert"}, e.message));
        return;
    }
    const rows = data.flows.map(f => el("tr", {"data-trace-id": f.traceId, "data-outcome": f.outcome,
            "data-retries": f.retries, "data-faults": f.faults.join(", ")},
        el("td", {class: "mono"}, f.start.replace("T", " ").replace("Z", "")),
        el("td", {}, el("span", {class: "badge " + f.outcome}, f.outcome)),
        el("td", {class: "num"}, ms(f.durationMs)),
        el("td", {class: "num"}, f.userId === null ? "-" : el("a", {href: "/flows?user=" + f.userId}, f.userId)),
        el("td", {class: "num"}, f.orderId ?? "-"),
        el("td", {class: "num"}, f.paymentId ?? "-"),
        el("td", {class: "num"}, f.amount === null ? "-" : f.amount.toFixed(2) + " " + f.currency),
        el("td", {class: "num retries"}, f.retries),
        el("td", {class: "faults"}, f.faults.length ? f.faults.map(x => el("span", {class: "badge fault"}, x)) : "-"),
        el("td", {class: "mono"}, el("a", {href: "/traces/" + f.traceId}, f.traceId)),
        el("td", {class: "muted"}, f.detail)));
    show(el("h1", {}, "Flows"), filters,
        trace ? el("p", {id: "flow-of-trace"}, "The flow of trace ", el("a", {href: "/traces/" + trace, class: "mono"}, trace),
                " · ", el("a", {href: "/flows"}, "all flows"))
            : el("p", {class: "muted"}, data.flows.length + " full-flow run(s) in the last " + data.window
                + (data.outcome === "all" ? "" : ", outcome " + data.outcome) + ", newest first"),
        rows.length === 0 ? el("div", {id: "message", class: "note"}, "No flow runs in this range. Run one: curl "
            + "http://127.0.0.1:8000/demo/full-flow/1")
            : el("table", {id: "flows"}, el("thead", {}, el("tr", {},
                ["started (UTC)", "outcome", "duration", "user", "order", "payment", "amount", "retries",
                    "injected fault", "trace", "detail"].map(h => el("th",
                    {class: ["duration", "user", "order", "payment", "amount", "retries"].includes(h) ? "num" : null}, h)))),
                el("tbody", {}, rows)));
}

// --- Trace ---------------------------------------------------------------------------------------------------
async function traceView(traceId) {
    document.title = "Trace " + traceId + " · Flowlens";
    document.getElementById("trace-id").value = traceId;
    let trace;
    try {
        trace = await api("/api/traces/" + encodeURIComponent(traceId));
    } catch (e) {
        problem("Trace " + traceId, e);
        return;
    }
    const colour = service => COLOURS[trace.services.indexOf(service) % COLOURS.length];
    const details = el("div", {id: "details"}, el("p", {class: "muted"}, "Click a span to see its attributes and events."));
    const rows = trace.spans.map(span => {
        const row = el("div", {class: "span-row" + (span.critical.length ? " on-critical-path" : ""),
                "data-span-id": span.spanId, "data-service": span.service,
                "data-depth": span.depth, onclick: () => select(row, span)},
            el("div", {class: "span-label", style: "padding-left:" + (8 + span.depth * 16) + "px", title: span.name},
                el("span", {class: "svc", style: "background:" + colour(span.service)}),
                el("b", {}, span.service), " ", span.name, span.error ? " ⚠" : ""),
            el("div", {class: "span-track"},
                el("div", {class: "span-bar" + (span.error ? " error" : ""),
                    style: "left:" + span.offsetPercent + "%;width:" + span.widthPercent + "%;background:" + colour(span.service)}),
                span.critical.map(c => el("div", {class: "critical",
                    style: "left:" + c.offsetPercent + "%;width:max(2px," + c.widthPercent + "%)"})),
                spanTime(span)));
        return row;
    });
    function select(row, span) {
        rows.forEach(r => r.classList.remove("selected"));
        row.classList.add("selected");
        const attributes = Object.entries(span.attributes).map(([k, v]) => el("tr", {}, el("td", {class: "mono"}, k),
            el("td", {class: "mono"}, v)));
        const events = span.events.map(e => el("div", {class: "event"},
            el("p", {}, el("b", {}, e.name), " at " + ms(e.atMs)),
            Object.entries(e.attributes).map(([k, v]) => k === "exception.stacktrace"
                ? el("pre", {}, v) : el("div", {class: "mono"}, k + " = " + v))));
        details.replaceChildren(
            el("h2", {}, span.service + " · " + span.name),
            el("p", {}, span.kind + " · " + ms(span.durationMs) + " · status " + span.status
                + (span.statusMessage ? " (" + span.statusMessage + ")" : "") + " · span " + span.spanId
                + (span.parentSpanId ? " · parent " + span.parentSpanId : "")),
            el("h3", {}, "Attributes"), el("table", {class: "attributes"}, attributes),
            el("h3", {}, "Events"), events.length ? events : el("p", {class: "muted"}, "none"));
    }
    show(el("h1", {}, "Trace ", el("span", {class: "mono", id: "trace"}, trace.traceId)),
        trace.note ? el("div", {class: "note", id: "source-note"}, trace.note) : null,
        el("p", {}, el("span", {id: "span-count"}, trace.spans.length), " spans · " + ms(trace.durationMs)
            + " · started " + trace.start + " · from " + trace.source),
        el("p", {class: "links"}, el("a", {id: "trace-flow", href: "/flows?trace=" + trace.traceId}, "its flow"),
            " · the critical path (what decided when the trace ended) is the dark line on the bars"),
        el("p", {class: "legend"}, trace.services.map(s => el("span", {class: "service-links", "data-service": s},
            el("span", {class: "svc", style: "display:inline-block;width:10px;height:10px;margin-right:4px;background:" + colour(s)}),
            el("a", {href: "/dashboard?service=" + encodeURIComponent(s), class: "service-dashboard"}, s),
            " (", el("a", {href: "/map?service=" + encodeURIComponent(s), class: "service-map"}, "map"), ")"))),
        el("div", {class: "waterfall", id: "waterfall"}, rows), details);
}

function traceSearchView(params) {
    const id = params.get("id");
    if (id) {
        navigate("/traces/" + encodeURIComponent(id.trim()));
        return;
    }
    document.title = "Trace · Flowlens";
    show(el("h1", {}, "Trace"), el("p", {}, "Paste a trace id in the box above, or open one from the ",
        el("a", {href: "/flows"}, "flows"), " view."));
}

// --- Service map ---------------------------------------------------------------------------------------------
async function mapView(params) {
    document.title = "Service map · Flowlens";
    const window_ = params.get("window") || "";
    let map;
    try {
        map = await api("/api/map" + (window_ ? "?window=" + encodeURIComponent(window_) : ""));
    } catch (e) {
        problem("Service map", e);
        return;
    }
    // the picture shows the services and the calls between them; database calls are in the table below
    const service = params.get("service") || "";
    const touches = e => !service || e.caller === service || e.callee === service;
    const drawn = {
        nodes: map.nodes.filter(n => n.kind !== "database"),
        edges: map.edges.filter(e => !e.callee.startsWith("db:")),
    };
    // columns by call depth from the services nobody calls (the entry points)
    const column = {};
    const called = new Set(drawn.edges.map(e => e.callee));
    drawn.nodes.forEach(n => { if (!called.has(n.name)) column[n.name] = 0; });
    for (let pass = 0; pass < drawn.nodes.length; pass++) {
        drawn.edges.forEach(e => {
            if (column[e.caller] !== undefined && e.caller !== e.callee
                && (column[e.callee] === undefined || column[e.callee] < column[e.caller] + 1)
                && column[e.caller] + 1 < drawn.nodes.length) {
                column[e.callee] = column[e.caller] + 1;
            }
        });
    }
    drawn.nodes.forEach(n => { if (column[n.name] === undefined) column[n.name] = 0; });
    const rowsIn = {};
    const place = {};
    // the gap between columns holds an edge's two label lines ("2807 calls · 0.18% err", ~150 px) beside its curve
    const W = 170, H = 44, GAP = 190, GX = W + GAP, GY = 90;
    drawn.nodes.forEach(n => {
        const c = column[n.name];
        rowsIn[c] = (rowsIn[c] || 0) + 1;
        place[n.name] = {x: 20 + c * GX, y: 20 + (rowsIn[c] - 1) * GY};
    });
    const width = 40 + (Math.max(...Object.values(column), 0) + 1) * GX;
    const height = 40 + Math.max(...Object.values(rowsIn), 1) * GY;
    const edges = drawn.edges.map(e => {
        const a = place[e.caller], b = place[e.callee];
        const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
        let d, lx, ly;
        if (column[e.callee] - column[e.caller] >= 2) {
            // past a column: along the lane between the callee's row and the next, so the line does not run through
            // (and seem to connect) a node of a column it passes; its label on that lane, over the column passed
            const lane = b.y + H + (GY - H) / 2;
            const from = x1 + GAP, to = x2 - GAP;
            d = `M${x1},${y1} C${x1 + GAP / 2},${y1} ${x1 + GAP / 2},${lane} ${from},${lane} L${to},${lane}`
                + ` C${x2 - GAP / 2},${lane} ${x2 - GAP / 2},${y2} ${x2},${y2}`;
            lx = (from + to) / 2;
            ly = lane;
        } else {
            const mx = (x1 + x2) / 2;
            d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
            lx = mx;
            ly = (y1 + y2) / 2;
        }
        return svg("g", {class: "edge" + (e.errors > 0 ? " errors" : "") + (touches(e) ? "" : " dim"), "data-caller": e.caller, "data-callee": e.callee},
            svg("path", {d, "marker-end": "url(#arrow)"}),
            svg("text", {x: lx, y: ly - 4, "text-anchor": "middle"}, e.calls + " calls · " + e.errorPercent + "% err"),
            svg("text", {x: lx, y: ly + 10, "text-anchor": "middle"}, "p95 " + ms(e.p95Ms)));
    });
    const nodes = drawn.nodes.map(n => svg("g", {class: "node " + n.kind + (n.name === service ? " selected" : ""),
            "data-name": n.name},
        svg("rect", {x: place[n.name].x, y: place[n.name].y, width: W, height: H, rx: 6}),
        svg("text", {x: place[n.name].x + 10, y: place[n.name].y + 18, "font-weight": "600"}, n.name),
        svg("text", {x: place[n.name].x + 10, y: place[n.name].y + 34},
            n.kind === "service" ? n.spans + " spans · " + n.errorPercent + "% err" : n.kind)));
    const picture = svg("svg", {class: "map", id: "map", width, height, viewBox: `0 0 ${width} ${height}`},
        svg("defs", {}, svg("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7,
            orient: "auto-start-reverse"}, svg("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: "#98a2b3"}))),
        edges, nodes);
    show(el("h1", {}, "Service map"),
        el("p", {class: "muted"}, "Calls between services over the last " + map.window
            + " (a CLIENT span answered by a SERVER span of another service; p95 of the caller's wait)."),
        map.traceShare < 1 ? el("p", {id: "sampled", class: "note"}, "Estimated from "
            + (100 * map.traceShare).toFixed(2) + " % of the traces: this window holds more calls than the map reads;"
            + " calls and errors are scaled up, p95 is the sample's. A shorter window is exact.") : null,
        service ? el("p", {id: "service-filter"}, "Calls to and from ", el("b", {}, service), " · ",
            el("a", {href: "/dashboard?service=" + encodeURIComponent(service)}, "its dashboard"), " · ",
            el("a", {href: "/map"}, "all services")) : null,
        map.edges.length === 0 ? el("div", {id: "message", class: "note"}, "No calls in this range.") : picture,
        el("table", {id: "edges"}, el("thead", {}, el("tr", {}, ["caller", "callee", "calls", "errors", "error %", "p95"]
            .map(h => el("th", {}, h)))),
            el("tbody", {}, map.edges.filter(touches).map(e => el("tr", {"data-caller": e.caller, "data-callee": e.callee},
                el("td", {}, e.caller), el("td", {}, e.callee), el("td", {class: "num"}, e.calls),
                el("td", {class: "num"}, e.errors), el("td", {class: "num"}, e.errorPercent.toFixed(2)),
                el("td", {class: "num"}, ms(e.p95Ms)))))));
}

// --- Dashboard -----------------------------------------------------------------------------------------------
let refreshTimer = null;

async function dashboardView(params) {
    document.title = "Dashboard · Flowlens";
    const window_ = params.get("window") || "1h";
    const until = params.get("until") || "";
    const refresh = params.get("refresh") || "";
    const service = params.get("service") || "";
    const link = (w, r) => {
        const query = new URLSearchParams({window: w});
        if (until) query.set("until", until);
        if (r) query.set("refresh", r);
        if (service) query.set("service", service);
        return "/dashboard?" + query;
    };
    const mine = s => !service || s === service;
    const range = el("select", {id: "range", "aria-label": "time range", onchange: () => navigate(link(range.value, refresh))},
        ["5m", "15m", "1h", "6h", "24h", "7d"].concat(["5m", "15m", "1h", "6h", "24h", "7d"].includes(window_) ? [] : [window_])
            .map(w => {
                const option = el("option", {value: w}, w);
                if (w === window_) option.selected = true;
                return option;
            }));
    const auto = el("input", {type: "checkbox", id: "auto-refresh", "aria-label": "auto-refresh",
        onchange: () => navigate(link(window_, auto.checked ? "10" : ""))});
    auto.checked = refresh !== "";
    const controls = el("div", {class: "filters"}, "Last", range, el("label", {}, auto, " refresh every 10 s"),
        until ? el("span", {class: "muted"}, "until " + until) : null,
        service ? el("span", {id: "service-filter"}, "service ", el("b", {}, service), " (",
            el("a", {href: "/map?service=" + encodeURIComponent(service)}, "its calls"), " · ",
            el("a", {href: "/dashboard?window=" + encodeURIComponent(window_)}, "all services"), ")") : null);
    let d;
    try {
        d = await api("/api/dashboard?" + new URLSearchParams(until ? {window: window_, until} : {window: window_}));
    } catch (e) {
        show(el("h1", {}, "Dashboard"), controls, el("div", {id: "message", class: "message", role: "alert"}, e.message));
        return;
    }
    const latest = d.latestErrors.filter(e => mine(e.service));
    const figure = (id, label, value, from) => el("div", {class: "figure"}, el("div", {class: "value", id}, value),
        el("div", {}, label), el("div", {class: "muted"}, from));
    const b = d.business;
    const maxRequests = Math.max(1, ...d.volume.map(v => v.requests));
    const barWidth = Math.max(4, Math.floor(900 / Math.max(1, d.volume.length)) - 2);
    const chart = svg("svg", {class: "chart", id: "volume", width: d.volume.length * (barWidth + 2) + 10, height: 130},
        d.volume.map((v, i) => svg("g", {"data-start": v.start, "data-requests": v.requests},
            svg("rect", {x: 5 + i * (barWidth + 2), y: 110 - 100 * v.requests / maxRequests, width: barWidth,
                height: 100 * v.requests / maxRequests, fill: "#2f5fd0"}, svg("title", {}, v.start + ": " + v.requests
                + " requests, " + v.errors + " errors")),
            svg("rect", {x: 5 + i * (barWidth + 2), y: 110 - 100 * v.errors / maxRequests, width: barWidth,
                height: 100 * v.errors / maxRequests, fill: "#d92d20"}))),
        svg("text", {x: 5, y: 126}, d.volume.length ? d.volume[0].start : ""),
        svg("text", {x: 5, y: 12}, maxRequests + " requests per " + d.interval));
    show(el("h1", {}, "Dashboard"), controls,
        el("p", {class: "muted"}, "Last " + d.window + ": [" + d.start + ", " + d.end + ") — the numbers of "
            + "flowlens analytics for this window (", el("a", {id: "permalink",
            href: "/dashboard?" + new URLSearchParams({window: window_, until: d.end})}, "link to exactly this range"), ")"),
        el("h2", {}, "Business"),
        el("div", {class: "figures", id: "business"},
            figure("signups", "user sign-ups", b.signups, "successful users.register"),
            figure("order-completion", "order completion %", b.orderCompletionPercent,
                b.ordersConfirmed + " confirmed / " + b.ordersCreated + " created"),
            figure("payment-success", "payment success %", b.paymentSuccessPercent,
                b.paymentsAuthorized + " AUTHORIZED / " + b.paymentsAuthorize + " payments.authorize")),
        el("h2", {}, "Requests over time"), el("p", {class: "muted"}, "SERVER spans per " + d.interval
            + "; errors in red"), chart,
        el("h2", {}, "Service performance"), el("p", {class: "muted"}, "Latency of SERVER spans (ms)"),
        el("table", {id: "latency"}, el("thead", {}, el("tr", {}, ["service", "operation", "count", "p50", "p95", "p99"]
            .map(h => el("th", {}, h)))), el("tbody", {}, d.latency.filter(o => mine(o.service)).map(o => el("tr",
                {"data-service": o.service, "data-operation": o.name}, el("td", {}, o.service), el("td", {}, o.name), el("td", {class: "num"}, o.count),
            el("td", {class: "num"}, ms(o.p50)), el("td", {class: "num"}, ms(o.p95)), el("td", {class: "num"}, ms(o.p99)))))),
        el("h2", {}, "Error analysis"),
        el("table", {id: "errors"}, el("thead", {}, el("tr", {}, ["service", "spans", "errors", "error %"]
            .map(h => el("th", {}, h)))), el("tbody", {}, d.errors.filter(e => mine(e.service)).map(e => el("tr",
                {"data-service": e.service}, el("td", {}, e.service), el("td", {class: "num"}, e.spans),
                el("td", {class: "num"}, e.errors), el("td", {class: "num"}, e.percent))))),
        el("h3", {}, "Errors over time"), el("p", {class: "muted"}, "error spans per service per " + d.interval),
        errorTrend(d, mine),
        el("h3", {}, "Latest errors"),
        latest.length === 0 ? el("p", {id: "no-errors", class: "note"}, "No error spans in this range.")
            : el("table", {id: "latest-errors"}, el("thead", {}, el("tr", {}, ["started (UTC)", "service", "span",
                "exception / error type", "message", "trace"].map(h => el("th", {}, h)))),
                el("tbody", {}, latest.map(e => el("tr", {"data-trace-id": e.traceId, "data-span-id": e.spanId,
                        "data-service": e.service},
                    el("td", {class: "mono"}, e.start.replace("T", " ").replace("Z", "")), el("td", {}, e.service),
                    el("td", {}, e.name), el("td", {class: "mono"}, e.exceptionType), el("td", {}, e.what),
                    el("td", {class: "mono"}, el("a", {href: "/traces/" + e.traceId}, e.traceId)))))));
    if (refresh) {
        refreshTimer = setTimeout(route, 1000 * Number(refresh));
    }
}

/**
 * A span's duration beside its bar, on the side with more room, as Jaeger's UI does (so a bar that runs into the
 * right edge has it before, not over it), or inside the bar, in white, when neither side has room for it.
 */
function spanTime(span) {
    const start = span.offsetPercent, end = span.offsetPercent + span.widthPercent;
    const before = start, after = 100 - end;
    const [where, style] = Math.max(before, after) < TIME_ROOM_PERCENT
        ? ["inside", "right:calc(" + after + "% + 4px)"]
        : after >= before ? ["after", "left:calc(" + end + "% + 4px)"]
        : ["before", "right:calc(" + (100 - start) + "% + 4px)"];
    return el("span", {class: "span-time " + where, style}, ms(span.durationMs));
}

/** Stacked bars: each bucket's error spans, one colour per service (the services of the error table, in its order). */
function errorTrend(d, mine) {
    const services = d.errors.map(e => e.service).filter(mine);
    const colour = s => COLOURS[services.indexOf(s) % COLOURS.length];
    const totals = d.errorTrend.map(b => services.reduce((sum, s) => sum + (b.errors[s] || 0), 0));
    const max = Math.max(1, ...totals);
    const barWidth = Math.max(4, Math.floor(900 / Math.max(1, d.errorTrend.length)) - 2);
    const chart = svg("svg", {class: "chart", id: "error-trend", width: d.errorTrend.length * (barWidth + 2) + 10, height: 100},
        d.errorTrend.map((b, i) => {
            let y = 90;
            return svg("g", {"data-start": b.start, "data-errors": totals[i]}, services.filter(s => b.errors[s]).map(s => {
                const h = 80 * b.errors[s] / max;
                y -= h;
                return svg("rect", {x: 5 + i * (barWidth + 2), y, width: barWidth, height: h, fill: colour(s),
                    "data-service": s}, svg("title", {}, b.start + ": " + b.errors[s] + " errors in " + s));
            }));
        }),
        svg("text", {x: 5, y: 10}, max + " errors per " + d.interval));
    return el("div", {}, chart, el("p", {class: "legend"}, services.map(s => el("span", {},
        el("span", {class: "svc", style: "display:inline-block;width:10px;height:10px;margin-right:4px;background:" + colour(s)}),
        s))));
}

// --- Search --------------------------------------------------------------------------------------------------
async function searchView(params) {
    document.title = "Search · Flowlens";
    const q = params.get("q") || "";
    const window_ = params.get("window") || "";
    const lang = params.get("lang") || "";
    const box = el("input", {id: "query", size: 70, value: q, placeholder: "error: true and service: \"payments\"",
        "aria-label": "query"});
    const windowInput = el("input", {id: "window", size: 5, value: window_, placeholder: "1h", "aria-label": "time range"});
    const go = text => navigate("/search?" + new URLSearchParams(windowInput.value.trim()
        ? {q: text, window: windowInput.value.trim()} : {q: text}));
    const form = el("form", {class: "filters", onsubmit: event => { event.preventDefault(); go(box.value.trim()); }},
        box, "Last", windowInput, el("button", {type: "submit"}, "Search"));
    let saved = [];
    try { saved = await api("/api/search/examples"); } catch (e) { /* the box still works */ }
    const examples = el("p", {class: "examples", id: "saved-searches"}, "Saved searches: ", saved.map(s =>
        el("a", {href: "/search?" + new URLSearchParams({q: s.query}), class: "example", title: s.query,
            "data-query": s.query}, s.title)));
    const head = [el("h1", {}, "Search"), el("p", {class: "muted"}, "KQL over the span documents' fields (FIELDS.md), "
        + "as Kibana and its saved searches write it: field: value, field: \"quoted\", field: *, duration_ms > 1000, "
        + "and / or / not, parentheses (bin/flowlens query --kql)"), form, examples];
    if (!q) {
        show(...head);
        return;
    }
    let found;
    try {
        const query = new URLSearchParams({q});
        if (window_) query.set("window", window_);
        if (lang) query.set("lang", lang);
        found = await api("/api/search?" + query);
    } catch (e) {
        show(...head, el("div", {id: "message", class: "message", role: "alert"}, e.message));
        return;
    }
    show(...head, el("p", {id: "total"}, found.total + " span(s) match in the last " + found.window
            + (found.spans.length < found.total ? "; the newest " + found.spans.length + ":" : ":")),
        el("table", {id: "results"}, el("thead", {}, el("tr", {}, ["started (UTC)", "service", "name", "kind", "duration",
            "status", "trace"].map(h => el("th", {}, h)))),
            el("tbody", {}, found.spans.map(r => el("tr", {"data-trace-id": r.traceId, "data-span-id": r.spanId},
                el("td", {class: "mono"}, r.start.replace("T", " ").replace("Z", "")), el("td", {}, r.service),
                el("td", {}, r.name), el("td", {}, r.kind), el("td", {class: "num"}, ms(r.durationMs)),
                el("td", {}, r.error ? el("span", {class: "badge failed"}, "error") : "", r.statusCode ?? ""),
                el("td", {class: "mono"}, el("a", {href: "/traces/" + r.traceId}, r.traceId)))))));
}

// --- Alerts --------------------------------------------------------------------------------------------------
async function alertsView(params) {
    document.title = "Alerts · Flowlens";
    const window_ = params.get("window") || "";
    let alerts;
    try {
        alerts = await api("/api/alerts" + (window_ ? "?window=" + encodeURIComponent(window_) : ""));
    } catch (e) {
        problem("Alerts", e);
        return;
    }
    show(el("h1", {}, "Alerts"),
        el("p", {class: "muted"}, alerts.firing + " of " + alerts.rules.length + " rules firing · rules " + alerts.source
            + " · evaluated " + alerts.until),
        el("table", {id: "alerts"}, el("thead", {}, el("tr", {}, ["state", "rule", "why"].map(h => el("th", {}, h)))),
            el("tbody", {}, alerts.rules.map(r => el("tr", {"data-rule": r.name, "data-firing": r.firing},
                el("td", {}, el("span", {class: "badge " + (r.firing ? "firing" : "ok")}, r.firing ? "FIRING" : "ok")),
                el("td", {}, r.name),
                el("td", {}, r.why, r.details.length ? el("pre", {class: "mono"}, r.details.join("\n")) : null))))));
}

// --- routing -------------------------------------------------------------------------------------------------
function navigate(url) {
    history.pushState(null, "", url);
    route();
}

function route() {
    clearTimeout(refreshTimer);
    const path = location.pathname.replace(/\/+$/, "") || "/";
    const params = new URLSearchParams(location.search);
    const trace = path.match(/^\/traces\/([^/]+)$/);
    const name = trace ? "traces" : path === "/" ? "flows" : path.substring(1);
    document.querySelectorAll("nav a").forEach(a => a.classList.toggle("active", a.dataset.view === name));
    delete document.body.dataset.loadMs;
    const started = performance.now();
    // how long the view took to draw, for the view-load measurement (ConsoleViewLoadBenchmark): from the navigation's
    // start (performance.now() counts from it) and from the routing, once the view's data is fetched and drawn
    return Promise.resolve(draw(path, params, trace)).finally(() => {
        document.body.dataset.loadMs = performance.now().toFixed(1);
        document.body.dataset.drawMs = (performance.now() - started).toFixed(1);
    });
}

function draw(path, params, trace) {
    if (trace) return traceView(decodeURIComponent(trace[1]));
    switch (path) {
        case "/": case "/flows": return flowsView(params);
        case "/traces": return traceSearchView(params);
        case "/map": return mapView(params);
        case "/dashboard": return dashboardView(params);
        case "/search": return searchView(params);
        case "/alerts": return alertsView(params);
        default: return problem("Not found", new Error("No view at " + path));
    }
}

document.getElementById("trace-search").addEventListener("submit", event => {
    event.preventDefault();
    const id = document.getElementById("trace-id").value.trim();
    if (id) navigate("/traces/" + encodeURIComponent(id));
});
window.addEventListener("popstate", route);
route();
