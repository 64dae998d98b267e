// confman-viz page script: draws the data render.cpp embeds (build_viz_data)
// as a timeline over virtual time. Plain JavaScript, no libraries, no
// network: the page works from file://.
//
// The data (all times are virtual microseconds):
//   end_us, nodes[], roles[] (role names),
//   lanes[{node, segs: [[start, end, role, term, leader]], commit: [t, v, ...], applied: [t, v, ...]}],
//   net[{kind, start, end, open, groups, sides, period_us}]   network faults, one at a time
//   node_faults[[node, category, name, start, end, open, detail]]   crash | pause | clock | disk | other
//   msg_types[], msg_counts[], msg_shown[], msgs[t, from, to, type, ...]   a sample of the messages
//   marker_kinds[], marker_counts[], markers[[t, node, kind, text]]   every other event (sampled)
//   clients[], functions[], keys[], ops[[process, invoke, complete, outcome, f, key, detail, flags]], ops_total
//     (an operation reads as functions[f] + " " + keys[key] + " " + detail; complete -1: never)
//   check {verdict, summary, violations[...], undecided[]} | null, title, subtitle, violation, stats
//
// Drawing: the chart is one SVG rebuilt as a string for the visible time
// range on every change of view; what is narrower than a few pixels is
// merged (operations) or skipped, so the cost follows the screen, not the run.
(function () {
  'use strict';
  const scriptStart = performance.now();
  const D = JSON.parse(document.getElementById('viz-data').textContent);

  const OUTCOMES = ['ok', 'fail', 'info', 'open'];
  const OUTCOME_TEXT = ['ok', 'failed (did not take effect)', 'unknown outcome', 'no response before the run ended'];
  const CANNOT_PLACE = 1, MUST_COMPLETE = 2, UNKNOWN_CANDIDATE = 4;
  const MSG_COLORS = {
    Append: '#1f6fb2', AppendResponse: '#74a9d8', Heartbeat: '#8c959f', HeartbeatResponse: '#bcc3ca',
    PreVote: '#c99700', PreVoteResponse: '#e3c35a', Vote: '#d35400', VoteResponse: '#f0a36f',
    Snapshot: '#7d3c98', SnapshotResponse: '#bb8fce'
  };
  const PALETTE = ['#16a085', '#c0392b', '#2c3e50', '#d35400', '#27ae60', '#8e44ad', '#2980b9', '#7f8c8d'];
  const KNOWN_MARKERS = ['phase', 'snapshot', 'compact', 'corrupt', 'drop'];

  // Layout, in pixels.
  const GUTTER = 104, RIGHT = 14, AXIS_H = 26, NET_H = 22, LANE_H = 34, LANE_GAP = 5, GAP = 12, EVENTS_H = 16;
  const CLIENT_H = D.clients.length > 40 ? 8 : 13;

  const chart = document.getElementById('chart');
  const overlay = document.getElementById('overlay');
  const tooltip = document.getElementById('tooltip');
  const timeline = document.getElementById('timeline');

  const END = Math.max(D.end_us, 1);
  const nodeIndex = new Map(D.nodes.map((n, i) => [n, i]));
  const clientIndex = new Map(D.clients.map((c, i) => [c, i]));
  const opsByClient = D.clients.map(() => []);
  D.ops.forEach((op, i) => opsByClient[clientIndex.get(op[0])].push(i));
  const maxCommit = D.lanes.reduce((m, lane) => Math.max(m, seriesMax(lane.commit), seriesMax(lane.applied)), 1);
  const reasons = new Map();  // op index -> why the checker could not place it
  const violationWindows = [];  // [start, end, summary] per violation
  if (D.check) {
    for (const v of D.check.violations) {
      const refs = v.cannot_place.concat(v.must_complete ? [v.must_complete] : []);
      for (const ref of v.cannot_place) if (ref.op >= 0 && ref.reason) reasons.set(ref.op, ref.reason);
      const known = refs.filter(r => r.op >= 0).map(r => D.ops[r.op]);
      const must = v.must_complete && v.must_complete.op >= 0 ? D.ops[v.must_complete.op] : null;
      const anchor = must ? [must] : known;
      if (anchor.length) {
        violationWindows.push([Math.min(...anchor.map(o => o[1])), Math.max(...anchor.map(o => o[2] < 0 ? END : o[2])), v.summary]);
      }
    }
  }

  // Rows, top to bottom.
  const Y_NET = AXIS_H + 6;
  const Y_LANES = Y_NET + NET_H + 8;
  const laneY = i => Y_LANES + i * (LANE_H + LANE_GAP);
  const Y_CLIENTS = laneY(D.nodes.length) + GAP;
  const clientY = i => Y_CLIENTS + i * CLIENT_H;
  const Y_EVENTS = clientY(D.clients.length) + GAP;
  const HEIGHT = Y_EVENTS + EVENTS_H + 8;

  let width = 1200;
  let v0 = 0, v1 = END;  // the visible range
  let showMessages = true;
  let focusOp = -1;

  function seriesMax(flat) {
    let m = 0;
    for (let i = 1; i < flat.length; i += 2) m = Math.max(m, flat[i]);
    return m;
  }

  function esc(text) {
    return String(text).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }

  function plotWidth() { return Math.max(width - GUTTER - RIGHT, 50); }
  function xOf(t) { return GUTTER + (t - v0) * plotWidth() / (v1 - v0); }
  function tOf(x) { return v0 + (x - GUTTER) * (v1 - v0) / plotWidth(); }
  function clampX(x) { return Math.max(GUTTER - 2, Math.min(width - RIGHT + 2, x)); }
  function f1(x) { return Math.round(x * 10) / 10; }

  function formatTime(t, step) {
    const s = t / 1e6;
    const digits = step >= 1e6 ? 0 : step >= 1e5 ? 1 : step >= 1e4 ? 2 : step >= 1e3 ? 3 : step >= 100 ? 4 : 6;
    return s.toFixed(Math.min(digits, 6)) + ' s';
  }
  function formatDuration(us) {
    if (us >= 1e6) return (us / 1e6).toFixed(3) + ' s';
    if (us >= 1e3) return (us / 1e3).toFixed(1) + ' ms';
    return us + ' µs';
  }
  function at(t) { return (t / 1e6).toFixed(6) + ' s'; }

  function truncate(text, px) {
    const chars = Math.floor(px / 6);
    if (chars < 2) return '';
    return text.length <= chars ? text : text.slice(0, Math.max(chars - 1, 1)) + '…';
  }

  function msgColor(type) {
    const name = D.msg_types[type];
    return MSG_COLORS[name] || PALETTE[type % PALETTE.length];
  }
  function roleClass(role) {
    const name = D.roles[role] || '';
    return ['follower', 'pre-candidate', 'candidate', 'leader'].includes(name) ? 'r-' + name : 'r-other';
  }
  function netClass(kind) {
    return ['partition', 'one-way', 'bridge', 'flap', 'liveness'].includes(kind) ? 'net-' + kind : 'net-other';
  }
  function markerClass(kind) {
    const name = D.marker_kinds[kind];
    return KNOWN_MARKERS.includes(name) ? 'm-' + name : 'm-other';
  }

  function netLabel(band) {
    const g = band.groups.map(group => group.join(','));
    switch (band.kind) {
      case 'partition': {
        const isolated = D.nodes.filter((n, i) => band.sides[i] === -2);
        return 'partition ' + g.map(s => '{' + s + '}').join(' | ') + (isolated.length ? ' · isolated ' + isolated.join(',') : '');
      }
      case 'one-way': return 'one-way ' + (g[0] || '?') + ' → ' + (g[1] || '?') + ' dropped';
      case 'bridge': return 'bridge {' + (g[0] || '') + '} ✕ {' + (g[1] || '') + '} via ' + (g[2] || '?');
      case 'flap': return 'flapping link ' + (g[0] || '?') + '–' + (g[1] || '?') + (band.period_us ? ' every ' + formatDuration(band.period_us) : '');
      case 'liveness': return 'liveness phase: majority {' + (g[0] || '') + '} connected';
      default: return band.kind + (g.length ? ' ' + g.join(' | ') : '');
    }
  }

  function netShortLabel(band) {
    const g = band.groups.map(group => group.join(','));
    switch (band.kind) {
      case 'partition': return g.join(' | ');
      case 'one-way': return (g[0] || '?') + '→' + (g[1] || '?');
      case 'bridge': return (g[0] || '') + '✕' + (g[1] || '') + ' via ' + (g[2] || '?');
      case 'flap': return (g[0] || '?') + '–' + (g[1] || '?') + ' flap';
      case 'liveness': return 'majority ' + (g[0] || '');
      default: return band.kind;
    }
  }

  // Index of the first element of a sorted flat series (pairs) with time > t, minus one.
  function seriesAt(flat, t) {
    let lo = 0, hi = flat.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (flat[mid * 2] <= t) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }
  function valueAt(flat, t) {
    const i = seriesAt(flat, t);
    return i < 0 ? null : flat[i * 2 + 1];
  }

  function niceStep(span, px) {
    const raw = span / Math.max(px / 110, 1);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(m * p, 1);
    return 10 * p;
  }

  // ---- drawing ------------------------------------------------------------

  function drawDefs(out) {
    out.push('<defs>',
      '<pattern id="hatch-crash" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">',
      '<rect width="6" height="6" fill="#3b3f44"/><rect width="3" height="6" fill="#7b8087"/></pattern>',
      '<pattern id="hatch-pause" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">',
      '<rect width="6" height="6" fill="#eaecee"/><rect width="3" height="6" fill="#aeb6bf"/></pattern>',
      '<clipPath id="plot"><rect x="', GUTTER, '" y="0" width="', plotWidth(), '" height="', HEIGHT, '"/></clipPath>',
      '</defs>');
  }

  function drawAxis(out) {
    const step = niceStep(v1 - v0, plotWidth());
    const first = Math.ceil(v0 / step) * step;
    out.push('<g class="axis">');
    out.push('<line class="axis-line" x1="', GUTTER, '" x2="', width - RIGHT, '" y1="', AXIS_H, '" y2="', AXIS_H, '"/>');
    for (let t = first; t <= v1; t += step) {
      const x = f1(xOf(t));
      out.push('<line class="grid" x1="', x, '" x2="', x, '" y1="', AXIS_H, '" y2="', HEIGHT - 4, '"/>',
        '<line class="axis-line" x1="', x, '" x2="', x, '" y1="', AXIS_H - 5, '" y2="', AXIS_H, '"/>',
        '<text class="tick-label" x="', x + 3, '" y="', AXIS_H - 8, '">', formatTime(t, step), '</text>');
    }
    out.push('</g>');
  }

  function drawLabels(out) {
    out.push('<g class="labels">');
    out.push('<text class="row-label" x="8" y="', Y_NET + 15, '">network</text>');
    D.nodes.forEach((node, i) => {
      out.push('<text class="row-label" x="8" y="', laneY(i) + 15, '">node ', node, '</text>');
      out.push('<text class="row-sub" x="8" y="', laneY(i) + 27, '">', esc(faultSummary(node)), '</text>');
    });
    if (D.clients.length) {
      out.push('<text class="row-label" x="8" y="', Y_CLIENTS + Math.min(11, CLIENT_H), '">clients</text>');
      if (CLIENT_H >= 12) {
        D.clients.forEach((c, i) => out.push('<text class="row-sub" x="', GUTTER - 24, '" y="', clientY(i) + 9.5, '">c', c, '</text>'));
      }
    }
    out.push('<text class="row-label" x="8" y="', Y_EVENTS + 12, '">events</text>');
    out.push('</g>');
  }

  // "2 crashes, 1 pause": what happened to a node, for its label.
  function faultSummary(node) {
    const names = { crash: ['crash', 'crashes'], pause: ['pause', 'pauses'], clock: ['jump', 'jumps'],
      disk: ['disk', 'disk'], other: ['fault', 'faults'] };
    const counts = {};
    for (const f of D.node_faults) if (f[0] === node) counts[f[1]] = (counts[f[1]] || 0) + 1;
    return Object.keys(names).filter(k => counts[k]).slice(0, 2)
      .map(k => counts[k] + ' ' + names[k][counts[k] > 1 ? 1 : 0]).join(', ');
  }

  function visible(start, end) { return end >= v0 && start <= v1; }

  function drawNetwork(out) {
    const lanesBottom = laneY(D.nodes.length) - LANE_GAP;
    D.net.forEach((band, i) => {
      if (!visible(band.start, band.end)) return;
      const x1 = clampX(xOf(band.start)), x2 = clampX(xOf(band.end));
      const w = Math.max(x2 - x1, 2);
      const cls = netClass(band.kind);
      out.push('<rect class="net-shade" x="', f1(x1), '" y="', Y_LANES, '" width="', f1(w), '" height="', lanesBottom - Y_LANES, '"/>');
      out.push('<g class="fault-group" data-k="net" data-i="', i, '">');
      out.push('<rect class="fault-band net ', cls, '" data-fault="', esc(band.kind), '" x="', f1(x1), '" y="', Y_NET, '" width="', f1(w), '" height="', NET_H, '"/>');
      const full = netLabel(band), short = netShortLabel(band);
      const label = full.length * 6 <= w - 6 ? full : truncate(short, w - 6);
      if (label) out.push('<text class="net-label" x="', f1(x1 + 4), '" y="', Y_NET + 15, '">', esc(label), '</text>');
      out.push('</g>');
    });
  }

  // Which side of the current network fault each node is on: a stripe
  // along the top of its lane (drawn over the lane).
  function drawSides(out) {
    D.net.forEach((band, i) => {
      if (!visible(band.start, band.end)) return;
      const x1 = clampX(xOf(band.start)), x2 = clampX(xOf(band.end));
      const w = Math.max(x2 - x1, 2);
      band.sides.forEach((side, lane) => {
        if (side === -1) return;
        out.push('<rect class="side ', side === -2 ? 'side-isolated' : 'side-' + (side % 5), '" data-k="net" data-i="', i,
          '" x="', f1(x1), '" y="', laneY(lane), '" width="', f1(w), '" height="4"/>');
      });
    });
  }

  function drawLanes(out) {
    D.lanes.forEach((lane, i) => {
      const y = laneY(i);
      out.push('<g class="lane" data-node="', lane.node, '">');
      out.push('<rect class="lane-bg" data-k="lane" data-lane="', i, '" x="', GUTTER, '" y="', y, '" width="', plotWidth(), '" height="', LANE_H, '"/>');
      lane.segs.forEach((s, j) => {
        if (!visible(s[0], s[1])) return;
        const x1 = clampX(xOf(s[0])), x2 = clampX(xOf(s[1]));
        const w = Math.max(x2 - x1, 0.8);
        const cls = roleClass(s[2]);
        out.push('<rect class="seg ', cls, '" data-k="seg" data-lane="', i, '" data-i="', j, '" x="', f1(x1), '" y="', y + 4, '" width="', f1(w), '" height="', LANE_H - 4, '"/>');
        if (w > 34) {
          const name = D.roles[s[2]];
          const text = name === 'leader' ? (w > 80 ? 'leader · term ' + s[3] : 'L ' + s[3]) : (w > 90 ? name + ' · term ' + s[3] : 'T' + s[3]);
          out.push('<text class="seg-label', name === 'leader' ? ' on-leader' : '', '" x="', f1(x1 + 4), '" y="', y + 16, '">', esc(truncate(text, w - 6)), '</text>');
        }
      });
      drawCommit(out, lane, y);
      out.push('</g>');
    });
    D.node_faults.forEach((f, i) => {
      const lane = nodeIndex.get(f[0]);
      if (lane === undefined || !visible(f[3], f[4])) return;
      const y = laneY(lane);
      const x1 = clampX(xOf(f[3])), x2 = clampX(xOf(f[4]));
      const instant = f[4] <= f[3];
      const w = instant ? 5 : Math.max(x2 - x1, 2);
      const x = instant ? x1 - 2.5 : x1;
      const cls = ['crash', 'pause', 'clock', 'disk'].includes(f[1]) ? f[1] : 'other';
      out.push('<rect class="fault-band ', cls, '" data-k="nf" data-i="', i, '" data-node="', f[0], '" data-fault="', esc(f[2]), '" x="', f1(x), '" y="', y + 4, '" width="', f1(w), '" height="', LANE_H - 4, '"/>');
      if (!instant && w > 50 && (cls === 'crash' || cls === 'pause')) {
        out.push('<text class="fault-label ', cls, '" x="', f1(x + 4), '" y="', y + 28, '">', cls === 'crash' ? 'crashed' : 'paused', '</text>');
      }
    });
  }

  function drawCommit(out, lane, y) {
    const flat = lane.commit;
    if (flat.length < 2) return;
    const top = y + 8, bottom = y + LANE_H - 2;
    const yOf = v => f1(bottom - (v / maxCommit) * (bottom - top));
    let i = Math.max(seriesAt(flat, v0), 0);
    const points = [];
    let prevY = yOf(flat[i * 2 + 1]);
    points.push(f1(clampX(xOf(flat[i * 2]))) + ',' + prevY);
    for (i += 1; i < flat.length / 2; i++) {
      const x = f1(clampX(xOf(flat[i * 2])));
      const yy = yOf(flat[i * 2 + 1]);
      points.push(x + ',' + prevY, x + ',' + yy);
      prevY = yy;
      if (flat[i * 2] > v1) break;
    }
    points.push(f1(clampX(xOf(Math.min(END, v1)))) + ',' + prevY);
    out.push('<polyline class="commit" points="', points.join(' '), '"/>');
  }

  function laneEdge(lane, towards) {
    const y = laneY(lane);
    return towards > lane ? y + LANE_H : towards < lane ? y + 4 : y + LANE_H / 2;
  }

  // Messages sorted by time: the first one at or after t.
  function firstMessage(t) {
    let lo = 0, hi = D.msgs.length / 4;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (D.msgs[mid * 4] < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function drawMessages(out) {
    const lines = D.msg_types.map(() => []), heads = D.msg_types.map(() => []);
    const m = D.msgs;
    const first = firstMessage(v0), last = firstMessage(v1 + 1);
    // At most one arrow per four pixels: beyond that they only hide the lanes.
    const step = Math.max(1, Math.ceil((last - first) / (plotWidth() / 4)));
    for (let j = first; j < last; j += step) {
      const k = j * 4;
      const a = nodeIndex.get(m[k + 1]), b = nodeIndex.get(m[k + 2]);
      if (a === undefined || b === undefined || a === b) continue;
      const x1 = Math.round(xOf(m[k])), y1 = Math.round(laneY(a) + LANE_H / 2 + 2);
      const x2 = x1 + 7, y2 = Math.round(laneEdge(b, a));
      const dy = y2 - y1, len = Math.hypot(7, dy);
      const ux = 7 / len, uy = dy / len;
      lines[m[k + 3]].push('M' + x1 + ' ' + y1 + 'L' + x2 + ' ' + y2);
      heads[m[k + 3]].push('M' + x2 + ' ' + y2 + 'l' + f1(-ux * 5 - uy * 2.5) + ' ' + f1(-uy * 5 + ux * 2.5) + 'l' + f1(uy * 5) + ' ' + f1(-ux * 5) + 'z');
    }
    out.push('<g class="messages">');
    lines.forEach((d, type) => {
      if (!d.length) return;
      const color = msgColor(type);
      out.push('<path class="msg-line" data-k="msgs" data-type="', type, '" stroke="', color, '" d="', d.join(''), '"/>',
        '<path class="msg-head" fill="', color, '" d="', heads[type].join(''), '"/>');
    });
    out.push('</g>');
  }

  function opClass(op) {
    let cls = 'op o-' + OUTCOMES[op[3]];
    if (op[7] & (CANNOT_PLACE | MUST_COMPLETE)) cls += ' violation';
    if (op[7] & MUST_COMPLETE) cls += ' must';
    if (op[7] & UNKNOWN_CANDIDATE) cls += ' candidate';
    return cls;
  }

  function opEnd(op) { return op[2] < 0 ? END : op[2]; }
  function opText(op) { return D.functions[op[4]] + ' ' + D.keys[op[5]] + ' ' + op[6]; }

  // The visible operations of a client: positions [first, end) in its list
  // (one client's operations never overlap, so ends are sorted too).
  function visibleOps(list) {
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (opEnd(D.ops[list[mid]]) < v0) lo = mid + 1; else hi = mid;
    }
    let end = lo;
    hi = list.length;
    while (end < hi) {
      const mid = (end + hi) >> 1;
      if (D.ops[list[mid]][1] <= v1) end = mid + 1; else hi = mid;
    }
    return [lo, end];
  }

  // Up to this many visible operations each is an element; past it, each
  // client's are one path per outcome (hover finds them by position).
  const MAX_OP_ELEMENTS = 1200;

  function drawOps(out) {
    const ranges = opsByClient.map(visibleOps);
    const count = ranges.reduce((n, r) => n + r[1] - r[0], 0);
    const later = [];  // flagged operations, drawn on top
    opsByClient.forEach((list, row) => {
      const y = clientY(row) + 1.5, h = CLIENT_H - 3;
      if (count <= MAX_OP_ELEMENTS) {
        drawOpRects(out, list, ranges[row], y, h, later);
      } else {
        drawOpPaths(out, list, ranges[row], row, y, h, later);
      }
    });
    for (const index of later) {
      const op = D.ops[index];
      const row = clientIndex.get(op[0]);
      let x1 = clampX(xOf(op[1])), x2 = clampX(xOf(opEnd(op)));
      if (x2 - x1 < 7) {  // never thinner than 7 px: these are what the page is for
        const middle = (x1 + x2) / 2;
        x1 = middle - 3.5;
        x2 = middle + 3.5;
      }
      drawOp(out, index, x1, x2, clientY(row) + 0.5, CLIENT_H - 1);
    }
  }

  function drawOpRects(out, list, range, y, h, later) {
    for (let j = range[0]; j < range[1]; j++) {
      const index = list[j], op = D.ops[index];
      if (op[7]) { later.push(index); continue; }
      drawOp(out, index, clampX(xOf(op[1])), clampX(xOf(opEnd(op))), y, h);
    }
  }

  function drawOpPaths(out, list, range, row, y, h, later) {
    const d = OUTCOMES.map(() => []);
    const open = OUTCOMES.map(() => null);  // per outcome: the bar being extended, [x1, x2]
    const flush = o => {
      if (!open[o]) return;
      const w = f1(Math.max(open[o][1] - open[o][0], 1));
      d[o].push('M' + f1(open[o][0]) + ' ' + y + 'h' + w + 'v' + h + 'h' + (-w) + 'z');
      open[o] = null;
    };
    for (let j = range[0]; j < range[1]; j++) {
      const index = list[j], op = D.ops[index];
      if (op[7]) { later.push(index); continue; }
      const x1 = clampX(xOf(op[1])), x2 = clampX(xOf(opEnd(op))), o = op[3];
      if (open[o] && x1 <= open[o][1] + 1) {
        open[o][1] = Math.max(open[o][1], x2);
      } else {
        flush(o);
        open[o] = [x1, x2];
      }
    }
    OUTCOMES.forEach((name, o) => {
      flush(o);
      if (d[o].length) out.push('<path class="op ops o-', name, '" data-k="oprow" data-row="', row, '" d="', d[o].join(''), '"/>');
    });
  }

  // The operation of a client's row at time t, give or take `slack`.
  function opAt(row, t, slack) {
    const list = opsByClient[row];
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (opEnd(D.ops[list[mid]]) < t - slack) lo = mid + 1; else hi = mid;
    }
    return lo < list.length && D.ops[list[lo]][1] <= t + slack ? list[lo] : -1;
  }

  function drawOp(out, index, x1, x2, y, h) {
    const op = D.ops[index];
    out.push('<rect class="', opClass(op), index === focusOp ? ' focus' : '', '" data-k="op" data-i="', index, '" x="', f1(x1), '" y="', y, '" width="', f1(Math.max(x2 - x1, 1)), '" height="', h, '"/>');
    if (x2 - x1 > 60 && CLIENT_H >= 12) {
      out.push('<text class="op-label" x="', f1(x1 + 3), '" y="', y + h - 2, '">', esc(truncate(opText(op), x2 - x1 - 6)), '</text>');
    }
  }

  function drawViolationWindows(out) {
    violationWindows.forEach(w => {
      if (!visible(w[0], w[1])) return;
      const x1 = clampX(xOf(w[0])), x2 = clampX(xOf(w[1]));
      out.push('<rect class="violation-window" x="', f1(x1), '" y="', Y_NET, '" width="', f1(Math.max(x2 - x1, 2)), '" height="', Y_EVENTS - Y_NET, '"/>',
        '<line class="violation-edge" x1="', f1(x1), '" x2="', f1(x1), '" y1="', Y_NET, '" y2="', Y_EVENTS, '"/>',
        '<path class="violation-flag" d="M', f1(x1), ' ', AXIS_H, ' l6 -9 l-12 0 z"/>');
    });
  }

  // Per-message events (a corrupted or dropped message): a rug of ticks
  // along the bottom of the node's lane, not markers that would cover it.
  const RUG_KINDS = ['corrupt', 'drop'];

  function drawMarkers(out) {
    const rugs = new Map();  // kind -> path data
    const lastX = new Map();  // lane and kind -> x of the last marker drawn: one per 3 px
    D.markers.forEach((mk, i) => {
      const t = mk[0];
      if (t < v0 || t > v1) return;
      const x = f1(xOf(t));
      const lane = nodeIndex.get(mk[1]);
      const slot = (lane === undefined ? -1 : lane) + ':' + mk[2];
      if (lastX.has(slot) && x - lastX.get(slot) < 3) return;
      lastX.set(slot, x);
      const kind = D.marker_kinds[mk[2]];
      if (lane !== undefined && RUG_KINDS.includes(kind)) {
        if (!rugs.has(mk[2])) rugs.set(mk[2], []);
        rugs.get(mk[2]).push('M' + x + ' ' + (laneY(lane) + LANE_H) + 'v-4');
        return;
      }
      const y = lane === undefined ? Y_EVENTS + 3 : laneY(lane) + LANE_H - 9;
      out.push('<path class="marker ', markerClass(mk[2]), '" data-k="marker" data-i="', i, '" d="M', x, ' ', y + 9, ' l-4.5 -9 l9 0 z"/>');
      if (kind === 'phase') {
        const name = (/phase=(\S+)/.exec(mk[3]) || ['', 'a new'])[1];
        out.push('<line class="phase-line" x1="', x, '" x2="', x, '" y1="', AXIS_H, '" y2="', Y_EVENTS, '"/>',
          '<text class="phase-label" x="', x - 6, '" y="', Y_EVENTS + 11, '" text-anchor="end">', esc(name), ' phase</text>');
      }
    });
    rugs.forEach((d, kind) => {
      out.push('<path class="rug ', markerClass(kind), '" data-k="rug" data-kind="', kind, '" d="', d.join(''), '"/>');
    });
  }

  function render() {
    width = Math.max(timeline.clientWidth, 600);
    const out = [];
    drawDefs(out);
    drawAxis(out);
    drawLabels(out);
    out.push('<g clip-path="url(#plot)">');
    drawViolationWindows(out);
    drawNetwork(out);
    drawLanes(out);
    drawSides(out);
    drawMessages(out);
    drawOps(out);
    drawMarkers(out);
    out.push('</g>');
    chart.setAttribute('width', width);
    chart.setAttribute('height', HEIGHT);
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + HEIGHT);
    chart.classList.toggle('msgs-hidden', !showMessages);
    chart.innerHTML = out.join('');
    overlay.setAttribute('width', width);
    overlay.setAttribute('height', HEIGHT);
    document.getElementById('range').textContent =
      at(Math.max(v0, 0)) + ' – ' + at(Math.min(v1, END)) + '  (' + formatDuration(Math.round(v1 - v0)) + ')';
  }

  // One render per frame however many wheel events arrive; the timer covers
  // browsers that draw no frames (headless, background tabs).
  let pending = false;
  function scheduleRender() {
    if (pending) return;
    pending = true;
    const run = () => {
      if (!pending) return;
      pending = false;
      render();
    };
    requestAnimationFrame(run);
    setTimeout(run, 100);
  }

  // ---- view ---------------------------------------------------------------

  const MIN_SPAN = 20;
  function setView(a, b) {
    let span = Math.max(b - a, MIN_SPAN);
    const lo = -END * 0.01, hi = END * 1.01;
    span = Math.min(span, hi - lo);
    a = Math.max(lo, Math.min(a, hi - span));
    v0 = a;
    v1 = a + span;
    scheduleRender();
  }
  function zoom(factor, centerT) {
    const c = centerT === undefined ? (v0 + v1) / 2 : centerT;
    setView(c - (c - v0) * factor, c + (v1 - c) * factor);
  }
  function pan(fraction) {
    const d = (v1 - v0) * fraction;
    setView(v0 + d, v1 + d);
  }
  function fit() { setView(-END * 0.005, END * 1.005); }
  function showOp(index) {
    const op = D.ops[index];
    const end = opEnd(op);
    const pad = Math.max((end - op[1]) * 4, 20000);
    focusOp = index;
    setView(op[1] - pad, end + pad);
  }
  let nextViolation = 0;  // the button steps through the violations
  function showViolation() {
    if (!violationWindows.length) return;
    const w = violationWindows[nextViolation++ % violationWindows.length];
    const pad = Math.max((w[1] - w[0]) * 3, 50000);
    setView(w[0] - pad, w[1] + pad);
  }

  // ---- interaction --------------------------------------------------------

  function chartX(event) { return event.clientX - chart.getBoundingClientRect().left; }

  chart.addEventListener('wheel', event => {
    event.preventDefault();
    const x = chartX(event);
    if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      pan((event.shiftKey ? event.deltaY : event.deltaX) / plotWidth());
    } else if (event.deltaY !== 0) {
      zoom(event.deltaY > 0 ? 1.25 : 0.8, x >= GUTTER ? tOf(x) : undefined);
    }
  }, { passive: false });

  let dragFrom = null;
  chart.addEventListener('mousedown', event => {
    if (event.button !== 0 || chartX(event) < GUTTER) return;
    dragFrom = chartX(event);
    event.preventDefault();
  });
  window.addEventListener('mouseup', event => {
    if (dragFrom === null) return;
    const x = chartX(event);
    const from = dragFrom;
    dragFrom = null;
    drawOverlay(null);
    if (Math.abs(x - from) > 4) {
      setView(tOf(Math.min(x, from)), tOf(Math.max(x, from)));
      return;
    }
    const target = event.target.closest && event.target.closest('[data-k="op"], [data-k="oprow"]');
    if (!target) return;
    const index = target.getAttribute('data-k') === 'op' ? Number(target.getAttribute('data-i'))
      : opAt(Number(target.getAttribute('data-row')), tOf(x), 2 * (v1 - v0) / plotWidth());
    if (index >= 0) selectOp(index);
  });
  chart.addEventListener('dblclick', fit);
  chart.addEventListener('mousemove', event => {
    const x = chartX(event);
    drawOverlay(x);
    showTooltip(event, x);
  });
  chart.addEventListener('mouseleave', () => { tooltip.hidden = true; if (dragFrom === null) drawOverlay(null); });
  window.addEventListener('resize', scheduleRender);
  window.addEventListener('keydown', event => {
    if (event.target.tagName === 'INPUT') return;
    const actions = { '+': () => zoom(0.5), '=': () => zoom(0.5), '-': () => zoom(2), '0': fit,
      ArrowLeft: () => pan(-0.25), ArrowRight: () => pan(0.25) };
    if (actions[event.key]) { actions[event.key](); event.preventDefault(); }
  });
  document.getElementById('toolbar').addEventListener('click', event => {
    const action = event.target.getAttribute && event.target.getAttribute('data-action');
    const actions = { 'zoom-in': () => zoom(0.5), 'zoom-out': () => zoom(2), fit: fit,
      left: () => pan(-0.33), right: () => pan(0.33), violation: showViolation };
    if (actions[action]) actions[action]();
  });
  document.getElementById('show-messages').addEventListener('change', event => {
    showMessages = event.target.checked;
    chart.classList.toggle('msgs-hidden', !showMessages);
  });

  function drawOverlay(x) {
    const parts = [];
    if (x !== null && x >= GUTTER && x <= width - RIGHT) {
      parts.push('<line class="crosshair" x1="', x, '" x2="', x, '" y1="', AXIS_H, '" y2="', HEIGHT, '"/>');
      const label = at(Math.round(tOf(x)));
      const lx = x + 110 > width ? x - 112 : x + 4;
      parts.push('<text class="crosshair-label" x="', lx, '" y="', AXIS_H + 11, '">', label, '</text>');
      if (dragFrom !== null) {
        parts.push('<rect class="selection" x="', Math.min(x, dragFrom), '" y="', AXIS_H, '" width="', Math.abs(x - dragFrom), '" height="', HEIGHT - AXIS_H, '"/>');
      }
    }
    overlay.innerHTML = parts.join('');
  }

  function nodeStateAt(lane, t) {
    const l = D.lanes[lane];
    const commit = valueAt(l.commit, t), applied = valueAt(l.applied, t);
    return 'commit ' + (commit === null ? '–' : commit) + ', applied ' + (applied === null ? '–' : applied) + ' (at ' + at(Math.round(t)) + ')';
  }

  function describeOp(i) {
    const op = D.ops[i];
    let text = '<b>' + esc(opText(op)) + '</b>\nclient ' + op[0] + ' · ' + OUTCOME_TEXT[op[3]] + '\n' + at(op[1]) + ' – ' +
      (op[2] < 0 ? 'end of run' : at(op[2]) + ' (' + formatDuration(op[2] - op[1]) + ')');
    if (op[7] & MUST_COMPLETE) text += '\n<b>checker:</b> had to take effect before it returned; nothing that could come next fits';
    if (reasons.has(i)) text += '\n<b>checker:</b> cannot come next: ' + esc(reasons.get(i));
    if (op[7] & UNKNOWN_CANDIDATE) text += '\n<b>checker:</b> unknown outcome; could have taken effect here, no order works after it';
    return text;
  }

  function describe(el, t) {
    const k = el.getAttribute('data-k');
    const i = Number(el.getAttribute('data-i'));
    switch (k) {
      case 'seg': {
        const lane = Number(el.getAttribute('data-lane'));
        const s = D.lanes[lane].segs[i];
        return '<b>node ' + D.lanes[lane].node + ': ' + esc(D.roles[s[2]]) + '</b>, term ' + s[3] +
          (s[4] ? ', leader ' + s[4] : ', no known leader') + '\n' + at(s[0]) + ' – ' + at(s[1]) + ' (' + formatDuration(s[1] - s[0]) + ')\n' +
          nodeStateAt(lane, t);
      }
      case 'lane': {
        const lane = Number(el.getAttribute('data-lane'));
        return '<b>node ' + D.lanes[lane].node + '</b>: no status here (down, or before its first report)\n' + nodeStateAt(lane, t);
      }
      case 'net': {
        const band = D.net[i];
        const sides = band.groups.map((g, j) => 'side ' + (j + 1) + ': ' + g.join(', ')).join('\n');
        return '<b>' + esc(netLabel(band)) + '</b>\n' + at(band.start) + ' – ' + (band.open ? 'end of run' : at(band.end)) +
          ' (' + formatDuration(band.end - band.start) + ')' + (sides ? '\n' + esc(sides) : '');
      }
      case 'nf': {
        const f = D.node_faults[i];
        const what = f[1] === 'crash' ? 'crashed' : f[1] === 'pause' ? 'paused' : f[2];
        return '<b>node ' + f[0] + ' ' + esc(what) + '</b>' + (f[1] === 'disk' ? ' (disk fault)' : '') + '\n' +
          (f[4] > f[3] ? at(f[3]) + ' – ' + (f[5] ? 'end of run' : at(f[4])) + ' (' + formatDuration(f[4] - f[3]) + ')' : 'at ' + at(f[3])) +
          (f[6] ? '\n' + esc(f[6]) : '');
      }
      case 'msgs': {
        const type = Number(el.getAttribute('data-type'));
        return '<b>' + esc(D.msg_types[type]) + '</b> messages (arrows at send time)\n' + D.msg_counts[type] + ' sent in the run, ' +
          D.msg_shown[type] + ' drawn' + (D.msg_shown[type] < D.msg_counts[type] ? ' (an even sample)' : '');
      }
      case 'op': return describeOp(i);
      case 'oprow': {
        const index = opAt(Number(el.getAttribute('data-row')), t, 2 * (v1 - v0) / plotWidth());
        return index < 0 ? '' : describeOp(index);
      }
      case 'rug': {
        const kind = Number(el.getAttribute('data-kind'));
        const shown = D.markers.filter(mk => mk[2] === kind).length;
        return '<b>' + esc(D.marker_kinds[kind]) + '</b> events, one tick each (per node, at most one per 3 px)\n' +
          D.marker_counts[kind] + ' in the run' + (shown < D.marker_counts[kind] ? ', ' + shown + ' kept (an even sample)' : '');
      }
      case 'marker': {
        const mk = D.markers[i];
        return '<b>' + esc(D.marker_kinds[mk[2]]) + '</b>' + (mk[1] ? ' on node ' + mk[1] : '') + ' at ' + at(mk[0]) + (mk[3] ? '\n' + esc(mk[3]) : '');
      }
      default: return '';
    }
  }

  function showTooltip(event, x) {
    const el = event.target.closest && event.target.closest('[data-k]');
    if (dragFrom !== null || !el || x < GUTTER) { tooltip.hidden = true; return; }
    const html = describe(el, tOf(x));
    if (!html) { tooltip.hidden = true; return; }
    tooltip.innerHTML = html;
    tooltip.hidden = false;
    const box = timeline.getBoundingClientRect();
    let left = event.clientX - box.left + 14, top = event.clientY - box.top + 14;
    if (left + tooltip.offsetWidth > box.width - 4) left = event.clientX - box.left - tooltip.offsetWidth - 10;
    if (top + tooltip.offsetHeight > HEIGHT + 40) top = event.clientY - box.top - tooltip.offsetHeight - 10;
    tooltip.style.left = Math.max(left, 0) + 'px';
    tooltip.style.top = Math.max(top, 0) + 'px';
  }

  function selectOp(index) {
    focusOp = index;
    scheduleRender();
  }

  // ---- panels -------------------------------------------------------------

  function badge(cls, text) { return '<span class="badge ' + cls + '">' + esc(text) + '</span>'; }

  function drawHeader() {
    document.getElementById('subtitle').textContent = D.subtitle || '';
    const verdicts = [];
    if (D.check) {
      const v = (D.check.verdict || 'unknown').replace(/_/g, ' ');
      verdicts.push(badge(v === 'linearizable' ? 'ok' : v === 'not linearizable' ? 'bad' : 'unknown', v));
    }
    if (D.violation) verdicts.push(badge('bad', 'violation'));
    document.getElementById('verdicts').innerHTML = verdicts.join('');
    if (D.violation) {
      const box = document.getElementById('run-violation');
      box.hidden = false;
      box.textContent = 'violation: ' + D.violation.split('\n')[0];
    }
    document.getElementById('goto-violation').hidden = violationWindows.length === 0;
  }

  function swatch(cls, label) { return '<span><i class="' + cls + '"></i>' + esc(label) + '</span>'; }

  function drawLegend() {
    const groups = [];
    groups.push('<b>roles</b>' + ['follower', 'pre-candidate', 'candidate', 'leader'].map(r => swatch('r-' + r, r)).join('') +
      '<span><i style="height:0;border:0;border-top:2px solid #1b4f72"></i>commit index</span>');
    groups.push('<b>faults</b>' + swatch('crash', 'crashed') + swatch('pause', 'paused') + swatch('net-partition', 'partition') +
      swatch('net-one-way', 'one-way') + swatch('net-bridge', 'bridge') + swatch('net-flap', 'flapping') + swatch('clock', 'clock jump') +
      swatch('disk', 'disk') + '<span>sides: <i class="side-0"></i><i class="side-1"></i><i class="side-isolated"></i>isolated</span>');
    groups.push('<b>operations</b>' + swatch('o-ok', 'ok') + swatch('o-fail', 'failed') + swatch('o-info', 'unknown') +
      swatch('violation', 'could not be placed'));
    const msgs = D.msg_types.map((name, type) => D.msg_counts[type] ?
      '<span><i style="background:' + msgColor(type) + '"></i>' + esc(name) + '</span>' : '').join('');
    if (msgs) groups.push('<b>messages</b>' + msgs);
    document.getElementById('legend').innerHTML = groups.map(g => '<span class="group">' + g + '</span>').join('');
  }

  function opLink(ref) {
    if (ref.op < 0) return '<span class="op-link">' + esc(ref.text) + '</span>';
    return '<a class="op-link" data-op="' + ref.op + '">' + esc(ref.text || opText(D.ops[ref.op])) + '</a>';
  }

  function drawChecker() {
    const parts = [];
    const c = D.check;
    if (!c) {
      parts.push('<h2>Linearizability</h2><p>No checker report (give confman-viz a --history or --check).</p>');
    } else {
      const v = (c.verdict || 'unknown').replace(/_/g, ' ');
      parts.push('<h2>Linearizability: ', badge(v === 'linearizable' ? 'ok' : v === 'not linearizable' ? 'bad' : 'unknown', v), '</h2>');
      if (c.error) parts.push('<p class="reason">', esc(c.error), '</p>');
      if (c.summary) parts.push('<p class="summary">', esc(c.summary), '</p>');
      c.violations.forEach(viol => {
        parts.push('<div class="violation-card"><h3>', esc(viol.partition ? 'key ' + viol.partition : 'the register'), ': ',
          viol.kind === 'revision_order' ? 'revisions contradict real time' : viol.linearized + ' of ' + viol.operations + ' operations linearize', '</h3>');
        if (viol.state_after_prefix) parts.push('<p>After the longest linearizable prefix, ', esc(viol.state_after_prefix), '.</p>');
        if (viol.must_complete) parts.push('<p>Had to take effect before it returned: ', opLink(viol.must_complete), '</p>');
        if (viol.cannot_place.length) {
          parts.push('<p>None of the operations that could come next fits:</p><ul>');
          viol.cannot_place.forEach(ref => parts.push('<li class="unplaced-op">', opLink(ref), ' — <span class="reason">', esc(ref.reason), '</span></li>'));
          parts.push('</ul>');
        }
        if (viol.unknown_candidates.length) {
          parts.push('<p>Operations of unknown outcome that could also take effect here (no order works after any of them):</p><ul>');
          viol.unknown_candidates.forEach(ref => parts.push('<li class="candidate-op">', opLink(ref), '</li>'));
          parts.push('</ul>');
        }
        parts.push('</div>');
      });
      if (c.undecided.length) parts.push('<p>Undecided: ', c.undecided.map(esc).join('; '), '</p>');
    }
    if (D.violation) {
      parts.push('<h3>The run’s violation</h3><pre class="explanation">', esc(D.violation), '</pre>');
    }
    const checker = document.getElementById('checker');
    checker.innerHTML = parts.join('');
    checker.addEventListener('click', event => {
      const link = event.target.closest && event.target.closest('[data-op]');
      if (!link) return;
      showOp(Number(link.getAttribute('data-op')));
      timeline.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  }

  function drawFooter(renderMs) {
    const s = D.stats;
    const msgTotal = D.msg_counts.reduce((a, b) => a + b, 0);
    const kinds = Object.keys(D.kinds || {}).map(k => k + ' ' + D.kinds[k]).join(', ');
    document.getElementById('footer').textContent =
      'trace: ' + s.trace_lines + ' events (' + kinds + ')' + (s.trace_skipped ? ', ' + s.trace_skipped + ' unreadable lines skipped' : '') +
      ' · messages drawn: ' + D.msgs.length / 4 + ' of ' + msgTotal +
      ' · operations: ' + D.ops.length + (D.ops_total > D.ops.length ? ' of ' + D.ops_total : '') +
      (s.history_skipped ? ' (' + s.history_skipped + ' unreadable history lines skipped)' : '') +
      ' · markers: ' + D.markers.length + ' of ' + D.marker_counts.reduce((a, b) => a + b, 0) +
      ' · drawn in ' + renderMs.toFixed(0) + ' ms · confman-viz';
  }

  // A view in the address, e.g. page.html#t=1.2-1.5 (seconds).
  function initialView() {
    const match = /t=([0-9.]+)[-,]([0-9.]+)/.exec(location.hash || '');
    if (match && Number(match[2]) > Number(match[1])) {
      v0 = Number(match[1]) * 1e6;
      v1 = Number(match[2]) * 1e6;
    } else {
      v0 = -END * 0.005;
      v1 = END * 1.005;
    }
  }

  drawHeader();
  drawLegend();
  drawChecker();
  initialView();
  render();
  // Style and layout of what was drawn belong to the first render's cost.
  void chart.getBoundingClientRect().width;
  void document.body.offsetHeight;
  const renderMs = performance.now();
  document.documentElement.setAttribute('data-render-ms', renderMs.toFixed(1));
  document.documentElement.setAttribute('data-script-ms', (renderMs - scriptStart).toFixed(1));
  drawFooter(renderMs);
})();
