// twitchscope review viewer: both leg EMGs (and one more channel on request) at the native
// rate, the hypnogram and PLM series above, movements drawn over the traces by what they are.
// Edits go to the server one by one (each stored with its time and user).
"use strict";
(function () {
  const root = document.getElementById("review");
  if (!root) return;
  const rec = root.dataset.rec;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const $ = (id) => document.getElementById(id);
  const traces = $("traces"), overview = $("overview"), statusEl = $("review-status");
  const COLORS = { periodic: "#7b3fbf", candidate: "#2f6fde", respiratory: "#e07b00", other: "#98a2b3",
    unscored: "#1f9d55", rejected: "#c62f3b" };
  const STAGE_Y = { W: 0, R: 1, N1: 2, N2: 3, N3: 4, UNS: 0 };
  const STAGE_C = { W: "#e07b00", R: "#c62f3b", N1: "#7aa6ef", N2: "#2f6fde", N3: "#1e3d8f", UNS: "#98a2b3" };
  const S = { t0: 0, win: 30, ov: null, mv: [], selected: null, addMode: false, extra: null,
    cache: new Map(), drawId: 0, lanes: [], pending: null };
  window.__viewer = S;

  const api = (path, opts = {}) => fetch(`/api/recordings/${rec}${path}`, {
    ...opts, headers: { Accept: "application/json", ...(opts.body ? { "Content-Type": "application/json", "X-CSRF-Token": csrf } : {}), ...(opts.headers || {}) },
  }).then(async (r) => { const b = await r.json().catch(() => ({})); if (!r.ok) throw new Error(b.error || `HTTP ${r.status}`); return b; });

  function decode(b64) {
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Float32Array(bytes.buffer);
  }
  function channels() {
    const out = [S.ov.legs.left, S.ov.legs.right].filter((c) => c !== null && c !== undefined);
    if (S.extra !== null && !out.includes(S.extra)) out.push(S.extra);
    return out;
  }
  function key(t0, win) { return `${t0.toFixed(3)}|${win}|${channels().join(",")}`; }
  function fetchWindow(t0, win) {
    const k = key(t0, win);
    if (!S.cache.has(k)) {
      const width = Math.max(600, traces.clientWidth * (window.devicePixelRatio || 1));
      const maxPoints = win <= 30 ? 32768 : Math.round(2 * width);
      const p = api(`/signal?start=${t0}&duration=${win}&channels=${channels().join(",")}&max_points=${maxPoints}`)
        .then((d) => { d.traces.forEach((tr) => { tr.values = decode(tr.data); delete tr.data; }); return d; });
      p.catch(() => S.cache.delete(k));
      S.cache.set(k, p);
      if (S.cache.size > 24) S.cache.delete(S.cache.keys().next().value);
    }
    return S.cache.get(k);
  }

  // --- drawing ---------------------------------------------------------------------------
  function fit(canvas) {
    const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    const ctx = canvas.getContext("2d"); ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx, w, h };
  }
  function drawOverview() {
    const { ctx, w, h } = fit(overview), dur = S.ov.duration_s || 1;
    ctx.clearRect(0, 0, w, h);
    const x = (t) => (t / dur) * w;
    const hyp = S.ov.hypnogram;
    if (hyp) {
      const rowH = 9;
      hyp.stages.forEach((st, i) => {
        const t = hyp.offset + i * hyp.epoch_length;
        ctx.fillStyle = STAGE_C[st] || "#98a2b3";
        ctx.fillRect(x(t), 4 + (STAGE_Y[st] ?? 0) * rowH, Math.max(1, x(hyp.epoch_length)), rowH - 1);
      });
      ctx.fillStyle = "#5b6577"; ctx.font = "10px system-ui";
      ["W", "R", "N1", "N2", "N3"].forEach((s, i) => ctx.fillText(s, 2, 12 + i * rowH));
    } else { ctx.fillStyle = "#5b6577"; ctx.font = "12px system-ui"; ctx.fillText("no hypnogram", 4, 20); }
    ctx.fillStyle = "#7b3fbf";
    for (const [a, b] of S.ov.series) ctx.fillRect(x(a), h - 14, Math.max(2, x(b) - x(a)), 8);
    ctx.fillStyle = "rgba(47,111,222,0.25)"; ctx.strokeStyle = "#2f6fde";
    ctx.fillRect(x(S.t0), 0, Math.max(2, x(S.win)), h); ctx.strokeRect(x(S.t0), 0.5, Math.max(2, x(S.win)), h - 1);
  }
  function laneOf(idx) { return idx === S.ov.legs.left ? "left" : idx === S.ov.legs.right ? "right" : null; }
  function drawTraces(data, t0, win) {
    const { ctx, w, h } = fit(traces), n = data.traces.length, laneH = h / n;
    const x = (t) => ((t - t0) / win) * w;
    ctx.clearRect(0, 0, w, h);
    S.lanes = [];
    data.traces.forEach((tr, li) => {
      const top = li * laneH, mid = top + laneH / 2, leg = laneOf(tr.index);
      const ch = S.ov.channels.find((c) => c.index === tr.index) || { label: `#${tr.index}`, unit: "" };
      S.lanes.push({ top, bottom: top + laneH, leg });
      if (leg) {
        ctx.fillStyle = "#d9dde5";
        for (const [o, d] of (S.ov.excluded[leg] || [])) if (o + d > t0 && o < t0 + win) ctx.fillRect(x(o), top, Math.max(1, x(o + d) - x(o)), laneH);
        for (const m of S.mv) {
          if (m.leg !== leg || m.onset + m.duration < t0 || m.onset > t0 + win) continue;
          const c = COLORS[m.category] || "#98a2b3", x0 = x(m.onset), x1 = x(m.onset + m.duration);
          ctx.globalAlpha = m.category === "rejected" ? 0.12 : 0.22; ctx.fillStyle = c; ctx.fillRect(x0, top + 2, Math.max(2, x1 - x0), laneH - 4);
          ctx.globalAlpha = 1; ctx.strokeStyle = c; ctx.lineWidth = m.id === S.selected ? 3 : 1.5;
          ctx.setLineDash(m.category === "rejected" ? [5, 4] : []); ctx.strokeRect(x0, top + 2, Math.max(2, x1 - x0), laneH - 4); ctx.setLineDash([]);
          if (m.arousal) { ctx.fillStyle = "#f2c200"; ctx.fillRect(x0, top + 2, Math.max(2, x1 - x0), 5); }
        }
      }
      const v = tr.values;
      let peak = 1;
      for (let i = 0; i < v.length; i += Math.max(1, v.length >> 10)) { const a = Math.abs(v[i]); if (a > peak && isFinite(a)) peak = a; }
      const scale = (laneH / 2 - 6) / Math.max(10, peak);
      ctx.strokeStyle = "#1d2433"; ctx.lineWidth = 1; ctx.beginPath();
      if (tr.mode === "raw") {
        let pen = false;
        for (let i = 0; i < v.length; i++) {
          const y = v[i]; if (!isFinite(y)) { pen = false; continue; }
          const px = x(tr.t0 + i * tr.step), py = mid - y * scale;
          if (pen) ctx.lineTo(px, py); else { ctx.moveTo(px, py); pen = true; }
        }
      } else {
        for (let i = 0; i + 1 < v.length; i += 2) {
          if (!isFinite(v[i])) continue;
          const px = x(tr.t0 + (i / 2) * tr.step); ctx.moveTo(px, mid - v[i] * scale); ctx.lineTo(px, mid - v[i + 1] * scale + 0.5);
        }
      }
      ctx.stroke();
      ctx.fillStyle = "#5b6577"; ctx.font = "12px system-ui";
      ctx.fillText(`${ch.label} (${ch.unit}, ±${Math.round(Math.max(10, peak))}${tr.mode === "minmax" ? ", min/max" : ""})`, 6, top + 14);
      if (li > 0) { ctx.strokeStyle = "#e3e7ee"; ctx.beginPath(); ctx.moveTo(0, top); ctx.lineTo(w, top); ctx.stroke(); }
    });
    ctx.fillStyle = "#5b6577"; ctx.font = "11px system-ui";
    const step = win <= 30 ? 5 : win <= 120 ? 20 : 60;
    for (let t = Math.ceil(t0 / step) * step; t < t0 + win; t += step) ctx.fillText(clock(t), x(t) + 2, h - 3);
    $("position").textContent = `${clock(t0)} - ${clock(t0 + win)}`;
  }
  function clock(t) {
    const start = S.ov.recording_start ? new Date(S.ov.recording_start) : null;
    if (start && !isNaN(start)) { const d = new Date(start.getTime() + t * 1000); return d.toTimeString().slice(0, 8); }
    const s = Math.floor(t), hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
    return `${hh}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
  }
  async function show(t0, started) {
    const dur = S.ov.duration_s || 0;
    S.t0 = Math.max(0, Math.min(t0, Math.max(0, dur - S.win)));
    const id = ++S.drawId, t = S.t0, win = S.win;
    drawOverview();
    try {
      const data = await fetchWindow(t, win);
      if (id !== S.drawId) return;
      drawTraces(data, t, win);
      S.last = data;
      const ms = performance.now() - (started || performance.now());
      window.__viewerTiming = { ms, t0: t, win, drawn: id };
      traces.dataset.drawn = String(id);
      if (t + win < dur) fetchWindow(Math.min(t + win, dur - win), win);  // the next page, ahead
    } catch (e) { statusEl.textContent = `could not load the signal: ${e.message}`; }
  }
  const redraw = () => { if (S.last) drawTraces(S.last, S.t0, S.win); drawOverview(); };

  // --- navigation ------------------------------------------------------------------------
  function nextMovement(dir) {
    const c = S.t0 + S.win / 2, list = S.mv.filter((m) => m.category !== "rejected");
    const m = dir > 0 ? list.find((m) => m.onset > c + 0.01) : [...list].reverse().find((m) => m.onset < c - 0.01);
    if (m) { S.selected = m.id; return m.onset - S.win / 2; }
    return null;
  }
  function nextSeries(dir) {
    const c = S.t0 + 0.01, list = S.ov.series;
    const s = dir > 0 ? list.find(([a]) => a > c + 1) : [...list].reverse().find(([a]) => a < c - 1);
    return s ? s[0] - 2 : null;
  }
  function setWin(w) { S.win = w; $("win").value = String(w); }
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest && ev.target.closest("input, select, textarea")) return;
    const started = performance.now();
    let t = null;
    switch (ev.key) {
      case "ArrowRight": case "PageDown": t = S.t0 + S.win; break;
      case "ArrowLeft": case "PageUp": t = S.t0 - S.win; break;
      case "n": t = nextMovement(1); break;
      case "p": t = nextMovement(-1); break;
      case "s": t = nextSeries(1); break;
      case "S": t = nextSeries(-1); break;
      case "1": setWin(30); t = S.t0; break;
      case "2": setWin(120); t = S.t0; break;
      case "3": setWin(300); t = S.t0; break;
      case "a": toggleAdd(); return;
      case "Escape": S.selected = null; S.addMode = false; $("add-mode").setAttribute("aria-pressed", "false"); redraw(); return;
      case "x": case "Delete": if (S.selected !== null) toggleReject(S.selected); return;
      default: return;
    }
    ev.preventDefault();
    if (t !== null) show(t, started);
  });
  $("prev").addEventListener("click", () => show(S.t0 - S.win, performance.now()));
  $("next").addEventListener("click", () => show(S.t0 + S.win, performance.now()));
  $("next-mv").addEventListener("click", () => { const t = nextMovement(1); if (t !== null) show(t, performance.now()); });
  $("next-series").addEventListener("click", () => { const t = nextSeries(1); if (t !== null) show(t, performance.now()); });
  $("win").addEventListener("change", (e) => { S.win = Number(e.target.value); show(S.t0, performance.now()); });
  $("extra-channel").addEventListener("change", (e) => { S.extra = e.target.value === "" ? null : Number(e.target.value); show(S.t0, performance.now()); });
  $("add-mode").addEventListener("click", toggleAdd);
  function toggleAdd() { S.addMode = !S.addMode; $("add-mode").setAttribute("aria-pressed", String(S.addMode)); statusEl.textContent = S.addMode ? "drag along a leg trace to mark the missed movement" : ""; }
  overview.addEventListener("click", (ev) => {
    const r = overview.getBoundingClientRect();
    show(((ev.clientX - r.left) / r.width) * (S.ov.duration_s || 0) - S.win / 2, performance.now());
  });

  // --- edits -------------------------------------------------------------------------------
  async function edit(body) {
    try {
      const r = await api("/review/edits", { method: "POST", body: JSON.stringify(body) });
      const m = r.movement, i = S.mv.findIndex((x) => x.id === m.id);
      const merged = { ...(i >= 0 ? S.mv[i] : {}), ...m };
      merged.category = m.rejected ? "rejected" : (i >= 0 && S.mv[i].category !== "rejected" && body.action !== "add" ? S.mv[i].category : "unscored");
      if (body.action === "restore") merged.category = "unscored";
      if (i >= 0) S.mv[i] = merged; else { S.mv.push(merged); S.mv.sort((a, b) => a.onset - b.onset); }
      S.selected = m.id;
      statusEl.textContent = `${body.action}: ${m.leg} leg at ${m.onset.toFixed(2)} s (saved; re-score to update the indices)`;
      redraw();
    } catch (e) { statusEl.textContent = `not saved: ${e.message}`; }
  }
  function toggleReject(id) {
    const m = S.mv.find((x) => x.id === id);
    if (m) edit({ action: m.rejected ? "restore" : "reject", id });
  }
  const EDGE = 6;
  let drag = null;
  function hit(ev) {
    const r = traces.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    const t = S.t0 + (px / r.width) * S.win, lane = S.lanes.find((l) => py >= l.top && py < l.bottom);
    const leg = lane ? lane.leg : null, sPerPx = S.win / r.width;
    let found = null, edge = null;
    for (const m of S.mv) {
      if (m.leg !== leg) continue;
      const a = m.onset, b = m.onset + m.duration;
      if (Math.abs(t - a) <= EDGE * sPerPx) { found = m; edge = "start"; break; }
      if (Math.abs(t - b) <= EDGE * sPerPx) { found = m; edge = "end"; break; }
      if (t >= a && t <= b) { found = m; edge = null; }
    }
    return { t, leg, m: found, edge, sPerPx };
  }
  traces.addEventListener("mousedown", (ev) => {
    const h = hit(ev);
    if (!h.leg) return;
    traces.focus();
    if (h.m && h.edge && h.m.category !== "rejected") drag = { kind: "edge", m: h.m, edge: h.edge, t0: h.t, moved: false, orig: { ...h.m } };
    else if (h.m) drag = { kind: "select", m: h.m, moved: false };
    else drag = { kind: "draw", leg: h.leg, a: h.t, b: h.t, moved: false };
    ev.preventDefault();
  });
  window.addEventListener("mousemove", (ev) => {
    if (!drag) { if (ev.target === traces) { const h = hit(ev); traces.style.cursor = h.m && h.edge ? "ew-resize" : h.m ? "pointer" : "crosshair"; } return; }
    const h = hit(ev);
    drag.moved = true;
    if (drag.kind === "edge") {
      const m = drag.m, end = m.onset + m.duration;
      if (drag.edge === "start") { const a = Math.min(h.t, end - 0.1); m.duration = end - a; m.onset = a; } else m.duration = Math.max(0.1, h.t - m.onset);
      redraw();
    } else if (drag.kind === "draw") {
      drag.b = h.t; redraw();
      const r = traces.getBoundingClientRect(), ctx = traces.getContext("2d"), lane = S.lanes.find((l) => l.leg === drag.leg);
      const x0 = ((Math.min(drag.a, drag.b) - S.t0) / S.win) * r.width, x1 = ((Math.max(drag.a, drag.b) - S.t0) / S.win) * r.width;
      ctx.strokeStyle = COLORS.unscored; ctx.setLineDash([4, 3]); ctx.strokeRect(x0, lane.top + 2, x1 - x0, lane.bottom - lane.top - 4); ctx.setLineDash([]);
    }
  });
  window.addEventListener("mouseup", () => {
    const d = drag; drag = null;
    if (!d) return;
    if (d.kind === "edge" && d.moved) edit({ action: "adjust", id: d.m.id, onset: d.m.onset, duration: d.m.duration });
    else if (d.kind === "select" || (d.kind === "edge" && !d.moved)) {
      if (S.selected === d.m.id) toggleReject(d.m.id); else { S.selected = d.m.id; redraw(); statusEl.textContent = `selected: ${d.m.leg} leg at ${d.m.onset.toFixed(2)} s, ${d.m.category}; click again or press x to ${d.m.rejected ? "restore" : "reject"}`; }
    } else if (d.kind === "draw" && d.moved) {
      const a = Math.max(0, Math.min(d.a, d.b)), b = Math.max(d.a, d.b);
      if (b - a >= 0.1) edit({ action: "add", leg: d.leg, onset: a, duration: b - a }); else redraw();
      if (S.addMode) toggleAdd();
    }
  });

  // --- re-score -----------------------------------------------------------------------------
  $("rescore").addEventListener("click", async () => {
    statusEl.textContent = "re-scoring with the reviewed movements...";
    $("rescore").disabled = true;
    try {
      const r = await api("/rescore", { method: "POST", body: "{}" });
      const body = document.querySelector("#indices tbody");
      body.replaceChildren(...r.rows.map((row) => {
        const tr = document.createElement("tr"); tr.dataset.name = row.name; if (row.changed) tr.className = "changed";
        for (const [cls, text] of [["", row.label], ["before", row.before ?? row.value], ["now", row.value]]) { const td = document.createElement("td"); if (cls) td.className = cls; td.textContent = text; tr.append(td); }
        return tr;
      }));
      await loadMovements();
      S.ov.series = (await api("/overview")).series;
      statusEl.textContent = "re-scored: the indices now use the reviewed movements";
      redraw();
    } catch (e) { statusEl.textContent = `re-score failed: ${e.message}`; }
    $("rescore").disabled = false;
  });

  async function loadMovements() { S.mv = (await api("/review")).movements; }
  async function start() {
    S.ov = await api("/overview");
    await loadMovements();
    const sel = $("extra-channel");
    for (const c of S.ov.channels) {
      if (c.index === S.ov.legs.left || c.index === S.ov.legs.right) continue;
      const o = document.createElement("option"); o.value = String(c.index); o.textContent = `${c.label} (${c.fs} Hz)`; sel.append(o);
    }
    const first = S.mv.find((m) => m.category === "periodic") || S.mv[0];
    await show(first ? first.onset - S.win / 2 : 0, performance.now());
    root.dataset.ready = "1";
  }
  window.addEventListener("resize", redraw);
  start().catch((e) => { statusEl.textContent = `could not open the night: ${e.message}`; });
})();
