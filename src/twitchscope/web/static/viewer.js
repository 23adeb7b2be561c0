// twitchscope review viewer: both leg EMGs (and one more channel on request) at the native
// rate, the hypnogram and PLM series of the whole night above, the stage of each epoch over the
// traces, and every movement drawn over its leg, coloured by what it is. Edits go to the server
// one by one (each stored with its time and user). Works with a mouse, a finger or a pen
// (pointer events) and with the keyboard alone.
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
  const WORDS = { periodic: "periodic (in a PLM series)", candidate: "candidate, not periodic",
    respiratory: "respiratory-related (excluded)", other: "not a candidate (too short or too long)",
    unscored: "added, not yet scored", rejected: "rejected" };
  const STAGES = ["W", "R", "N1", "N2", "N3"];
  const STAGE_C = { W: "#e07b00", R: "#c62f3b", N1: "#7aa6ef", N2: "#2f6fde", N3: "#1e3d8f", UNS: "#98a2b3" };
  // sensitivity of the leg lanes: half the lane height is this many µV (fixed across pages, as
  // on a paper trace, so amplitudes compare from page to page)
  const GAINS = [5, 10, 20, 50, 100, 200, 500, 1000, 2000];
  const S = { t0: 0, win: 30, ov: null, mv: [], selected: null, addMode: false, extra: null,
    cache: new Map(), drawId: 0, lanes: [], gain: 100, last: null };
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

  // --- time and stages -------------------------------------------------------------------
  function clock(t, seconds = true) {
    const start = S.ov.recording_start ? new Date(S.ov.recording_start) : null;
    if (start && !isNaN(start)) {
      const d = new Date(start.getTime() + t * 1000), s = d.toTimeString();
      return seconds ? s.slice(0, 8) : s.slice(0, 5);
    }
    const s = Math.floor(t), hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
    return seconds ? `${hh}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}` : `${hh}:${String(mm).padStart(2, "0")}`;
  }
  function stageAt(t) {
    const hyp = S.ov.hypnogram;
    if (!hyp) return null;
    const i = Math.floor((t - hyp.offset) / hyp.epoch_length);
    return i >= 0 && i < hyp.stages.length ? hyp.stages[i] : null;
  }

  // --- drawing ---------------------------------------------------------------------------
  function fit(canvas) {
    const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    const ctx = canvas.getContext("2d"); ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx, w, h };
  }
  const GUTTER = 34;  // the overview's labels
  function drawOverview() {
    const { ctx, w, h } = fit(overview), dur = S.ov.duration_s || 1, plotW = w - GUTTER - 4;
    ctx.clearRect(0, 0, w, h);
    const x = (t) => GUTTER + (t / dur) * plotW;
    const rowH = 12, seriesY = 4 + 5 * rowH + 6, axisY = seriesY + 16;
    ctx.font = "11px system-ui"; ctx.fillStyle = "#5b6577"; ctx.textBaseline = "middle";
    const hyp = S.ov.hypnogram;
    if (hyp) {
      STAGES.forEach((s, i) => ctx.fillText(s, 4, 4 + i * rowH + rowH / 2));
      hyp.stages.forEach((st, i) => {
        const row = STAGES.indexOf(st);
        if (row < 0) return;
        const t = hyp.offset + i * hyp.epoch_length;
        ctx.fillStyle = STAGE_C[st];
        ctx.fillRect(x(t), 4 + row * rowH, Math.max(1, (hyp.epoch_length / dur) * plotW), rowH - 1);
      });
    } else { ctx.fillText("no hypnogram: stages unknown", GUTTER, 4 + 2 * rowH); }
    ctx.fillStyle = "#5b6577"; ctx.fillText("PLM", 4, seriesY + 4);
    ctx.fillStyle = "#7b3fbf";
    for (const [a, b] of S.ov.series) ctx.fillRect(x(a), seriesY, Math.max(2, x(b) - x(a)), 8);
    // hour ticks on the clock of the recording
    ctx.fillStyle = "#5b6577"; ctx.strokeStyle = "#c5ccd8"; ctx.textBaseline = "alphabetic";
    const start = S.ov.recording_start ? new Date(S.ov.recording_start) : null;
    const first = start && !isNaN(start) ? (3600 - ((start.getMinutes() * 60 + start.getSeconds()) % 3600)) % 3600 : 0;
    for (let t = first; t <= dur; t += 3600) {
      ctx.beginPath(); ctx.moveTo(x(t), axisY - 4); ctx.lineTo(x(t), axisY); ctx.stroke();
      if (x(t) < w - 24) ctx.fillText(clock(t, false), x(t) - 12, axisY + 10);
    }
    ctx.fillStyle = "rgba(36,88,197,0.22)"; ctx.strokeStyle = "#2458c5"; ctx.lineWidth = 1.5;
    const wx = x(S.t0), ww = Math.max(3, (S.win / dur) * plotW);
    ctx.fillRect(wx, 0, ww, axisY); ctx.strokeRect(wx, 0.75, ww, axisY - 1.5);
  }
  function laneOf(idx) { return idx === S.ov.legs.left ? "left" : idx === S.ov.legs.right ? "right" : null; }
  const BAND = 16;  // the epoch band over the traces
  function drawTraces(data, t0, win) {
    const { ctx, w, h } = fit(traces), n = data.traces.length, laneH = (h - BAND - 14) / n;
    const x = (t) => ((t - t0) / win) * w;
    ctx.clearRect(0, 0, w, h);
    // the stage of each epoch in the window
    const hyp = S.ov.hypnogram;
    ctx.font = "11px system-ui"; ctx.textBaseline = "middle";
    if (hyp) {
      const e0 = Math.max(0, Math.floor((t0 - hyp.offset) / hyp.epoch_length));
      for (let i = e0; i < hyp.stages.length; i++) {
        const a = hyp.offset + i * hyp.epoch_length;
        if (a >= t0 + win) break;
        const st = hyp.stages[i], xa = Math.max(0, x(a)), xb = Math.min(w, x(a + hyp.epoch_length));
        ctx.fillStyle = STAGE_C[st] || "#98a2b3"; ctx.globalAlpha = 0.18; ctx.fillRect(xa, 0, xb - xa, BAND - 2); ctx.globalAlpha = 1;
        ctx.fillStyle = "#1d2433"; if (xb - xa > 24) ctx.fillText(st, xa + 4, BAND / 2);
        ctx.strokeStyle = "#c5ccd8"; ctx.beginPath(); ctx.moveTo(x(a), 0); ctx.lineTo(x(a), h - 14); ctx.stroke();
      }
    } else { ctx.fillStyle = "#5b6577"; ctx.fillText("no hypnogram", 4, BAND / 2); }
    S.lanes = [];
    data.traces.forEach((tr, li) => {
      const top = BAND + li * laneH, mid = top + laneH / 2, leg = laneOf(tr.index);
      const ch = S.ov.channels.find((c) => c.index === tr.index) || { label: `#${tr.index}`, unit: "" };
      S.lanes.push({ top, bottom: top + laneH, leg });
      if (leg) {
        ctx.fillStyle = "#d9dde5";
        for (const [o, d] of (S.ov.excluded[leg] || [])) if (o + d > t0 && o < t0 + win) ctx.fillRect(x(o), top, Math.max(1, x(o + d) - x(o)), laneH);
        for (const m of S.mv) {
          if (m.leg !== leg || m.onset + m.duration < t0 || m.onset > t0 + win) continue;
          const c = COLORS[m.category] || "#98a2b3", x0 = x(m.onset), x1 = x(m.onset + m.duration);
          ctx.globalAlpha = m.category === "rejected" ? 0.1 : 0.2; ctx.fillStyle = c; ctx.fillRect(x0, top + 2, Math.max(2, x1 - x0), laneH - 4);
          ctx.globalAlpha = 1; ctx.strokeStyle = c; ctx.lineWidth = m.id === S.selected ? 3 : 1.5;
          ctx.setLineDash(m.category === "rejected" ? [5, 4] : []); ctx.strokeRect(x0, top + 2, Math.max(2, x1 - x0), laneH - 4); ctx.setLineDash([]);
          if (m.arousal) { ctx.fillStyle = "#f2c200"; ctx.fillRect(x0, top + 2, Math.max(2, x1 - x0), 5); }
          if (m.id === S.selected) { ctx.fillStyle = c; ctx.fillRect(x0 - 2, top + 2, 4, laneH - 4); ctx.fillRect(x1 - 2, top + 2, 4, laneH - 4); }
        }
      }
      const v = tr.values;
      let range = S.gain;
      if (!leg) {  // another channel, in its own unit: scaled to its largest value in view
        range = 1e-9;
        for (let i = 0; i < v.length; i += Math.max(1, v.length >> 10)) { const a = Math.abs(v[i]); if (a > range && isFinite(a)) range = a; }
      }
      const scale = (laneH / 2 - 4) / range;
      ctx.save(); ctx.beginPath(); ctx.rect(0, top, w, laneH); ctx.clip();
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
      ctx.stroke(); ctx.restore();
      ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(2, top + 3, 230, 16);
      ctx.fillStyle = "#1d2433"; ctx.font = "12px system-ui"; ctx.textBaseline = "middle";
      const what = leg ? `${leg} leg` : "";
      const scaleText = leg ? `±${range} ${ch.unit || "µV"}` : `±${Number(range.toPrecision(2))} ${ch.unit} (auto)`;
      ctx.fillText(`${ch.label}${what ? ` (${what})` : ""} · ${scaleText}${tr.mode === "minmax" ? " · min/max" : ""}`, 6, top + 11);
      ctx.strokeStyle = "#e3e7ee"; ctx.beginPath(); ctx.moveTo(0, top); ctx.lineTo(w, top); ctx.stroke();
    });
    ctx.fillStyle = "#5b6577"; ctx.font = "11px system-ui"; ctx.textBaseline = "alphabetic";
    const step = win <= 30 ? 5 : win <= 120 ? 20 : 60;
    for (let t = Math.ceil(t0 / step) * step; t < t0 + win; t += step) ctx.fillText(clock(t), x(t) + 2, h - 3);
    const st = stageAt(t0 + win / 2);
    $("position").textContent = `${clock(t0)} - ${clock(t0 + win)}${st ? ` · ${st}` : ""}`;
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
      // "drawn": the frame holding the new traces is about to be shown
      requestAnimationFrame(() => {
        window.__viewerTiming = { ms: performance.now() - (started || performance.now()), t0: t, win, drawn: id };
        traces.dataset.drawn = String(id);
      });
      if (t + win < dur) fetchWindow(Math.min(t + win, dur - win), win);  // the next page, ahead
    } catch (e) { statusEl.textContent = `could not load the signal: ${e.message}`; }
  }
  const redraw = () => { if (S.last) drawTraces(S.last, S.t0, S.win); drawOverview(); describe(); };

  // --- the selected movement ---------------------------------------------------------------
  function describe() {
    const m = S.mv.find((x) => x.id === S.selected), box = $("selected"), btn = $("toggle-reject");
    if (!m) { box.textContent = "No movement selected: click one, or press n."; btn.hidden = true; return; }
    const amp = m.amplitude_uv ? `, ${Math.round(m.amplitude_uv)} µV` : "";
    box.textContent = `Selected: ${m.leg} leg at ${clock(m.onset)}, ${m.duration.toFixed(2)} s${amp}, ${WORDS[m.category] || m.category}${m.arousal ? ", with an arousal" : ""}.`;
    btn.hidden = false; btn.textContent = m.rejected ? "Restore it (x)" : "Reject it (x)";
  }
  function select(m) { S.selected = m ? m.id : null; redraw(); }

  // --- navigation ------------------------------------------------------------------------
  function nextMovement(dir) {
    const cur = S.mv.find((m) => m.id === S.selected);
    const c = cur ? cur.onset : S.t0 + (dir > 0 ? -0.01 : S.win), list = S.mv;
    const m = dir > 0 ? list.find((m) => m.onset > c + 0.001) : [...list].reverse().find((m) => m.onset < c - 0.001);
    if (!m) return null;
    S.selected = m.id;
    return (m.onset >= S.t0 && m.onset + m.duration <= S.t0 + S.win) ? S.t0 : m.onset - S.win / 2;
  }
  function nextSeries(dir) {
    const c = S.t0 + 2, list = S.ov.series;
    const s = dir > 0 ? list.find(([a]) => a > c + 1) : [...list].reverse().find(([a]) => a < c - 1);
    return s ? s[0] - 2 : null;
  }
  function setWin(w) { S.win = w; $("win").value = String(w); }
  function setGain(dir) {
    const i = Math.max(0, Math.min(GAINS.length - 1, GAINS.indexOf(S.gain) + dir));
    S.gain = GAINS[i]; $("gain").textContent = `±${S.gain} µV`; redraw();
  }
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.target.closest && ev.target.closest("input, select, textarea")) return;
    if ((ev.key === " " || ev.key === "Enter") && ev.target.closest && ev.target.closest("button, a")) return;
    const started = ev.timeStamp || performance.now();
    let t = null;
    switch (ev.key) {
      case "ArrowRight": case "PageDown": t = S.t0 + S.win; break;
      case "ArrowLeft": case "PageUp": t = S.t0 - S.win; break;
      case "Home": t = 0; break;
      case "End": t = S.ov.duration_s; break;
      case "n": t = nextMovement(1); break;
      case "p": t = nextMovement(-1); break;
      case "s": t = nextSeries(1); break;
      case "S": t = nextSeries(-1); break;
      case "1": setWin(30); t = S.t0; break;
      case "2": setWin(120); t = S.t0; break;
      case "3": setWin(300); t = S.t0; break;
      case "+": case "=": setGain(-1); ev.preventDefault(); return;
      case "-": case "_": setGain(1); ev.preventDefault(); return;
      case "a": toggleAdd(); return;
      case "Escape": S.selected = null; if (S.addMode) toggleAdd(); redraw(); return;
      case "x": case "Delete": if (S.selected !== null) toggleReject(S.selected); return;
      default: return;
    }
    ev.preventDefault();
    if (t !== null) show(t, started); else describe();
  });
  $("prev").addEventListener("click", (e) => show(S.t0 - S.win, e.timeStamp));
  $("next").addEventListener("click", (e) => show(S.t0 + S.win, e.timeStamp));
  $("prev-mv").addEventListener("click", (e) => { const t = nextMovement(-1); if (t !== null) show(t, e.timeStamp); });
  $("next-mv").addEventListener("click", (e) => { const t = nextMovement(1); if (t !== null) show(t, e.timeStamp); });
  $("next-series").addEventListener("click", (e) => { const t = nextSeries(1); if (t !== null) show(t, e.timeStamp); });
  $("gain-up").addEventListener("click", () => setGain(-1));
  $("gain-down").addEventListener("click", () => setGain(1));
  $("toggle-reject").addEventListener("click", () => { if (S.selected !== null) toggleReject(S.selected); });
  $("win").addEventListener("change", (e) => { S.win = Number(e.target.value); show(S.t0, e.timeStamp); });
  $("extra-channel").addEventListener("change", (e) => { S.extra = e.target.value === "" ? null : Number(e.target.value); show(S.t0, e.timeStamp); });
  $("add-mode").addEventListener("click", toggleAdd);
  function toggleAdd() {
    S.addMode = !S.addMode; $("add-mode").setAttribute("aria-pressed", String(S.addMode));
    traces.classList.toggle("adding", S.addMode);
    statusEl.textContent = S.addMode ? "Drawing: drag along a leg trace over the missed movement (Escape to stop)." : "";
  }
  overview.addEventListener("click", (ev) => {
    const r = overview.getBoundingClientRect(), f = (ev.clientX - r.left - GUTTER) / (r.width - GUTTER - 4);
    show(Math.max(0, f) * (S.ov.duration_s || 0) - S.win / 2, ev.timeStamp);
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
      const done = { reject: "rejected", restore: "restored", adjust: "borders moved", add: "added" }[body.action] || body.action;
      statusEl.textContent = `Saved: ${m.leg} leg at ${clock(m.onset)} ${done}. Re-score to see the indices change.`;
      $("rescore").classList.add("pending");
      redraw();
    } catch (e) { statusEl.textContent = `Not saved: ${e.message}`; redraw(); }
  }
  function toggleReject(id) {
    const m = S.mv.find((x) => x.id === id);
    if (m) edit({ action: m.rejected ? "restore" : "reject", id });
  }
  let drag = null;
  function hit(ev) {
    const r = traces.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    const t = S.t0 + (px / r.width) * S.win, lane = S.lanes.find((l) => py >= l.top && py < l.bottom);
    const leg = lane ? lane.leg : null, sPerPx = S.win / r.width, edgePx = ev.pointerType === "touch" ? 14 : 6;
    let found = null, edge = null;
    for (const m of S.mv) {
      if (m.leg !== leg) continue;
      const a = m.onset, b = m.onset + m.duration;
      if (Math.abs(t - a) <= edgePx * sPerPx) { found = m; edge = "start"; break; }
      if (Math.abs(t - b) <= edgePx * sPerPx) { found = m; edge = "end"; break; }
      if (t >= a && t <= b) { found = m; edge = null; }
    }
    return { t, leg, m: found, edge };
  }
  traces.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    const h = hit(ev);
    if (!h.leg) return;
    traces.focus({ preventScroll: true });
    traces.setPointerCapture(ev.pointerId);
    if (S.addMode) drag = { kind: "draw", leg: h.leg, a: h.t, b: h.t, moved: false };
    else if (h.m && h.edge && h.m.category !== "rejected") drag = { kind: "edge", m: h.m, edge: h.edge, moved: false };
    else if (h.m) drag = { kind: "select", m: h.m, moved: false };
    else drag = { kind: "draw", leg: h.leg, a: h.t, b: h.t, moved: false };
    ev.preventDefault();
  });
  traces.addEventListener("pointermove", (ev) => {
    if (!drag) { const h = hit(ev); traces.style.cursor = h.m && h.edge ? "ew-resize" : h.m ? "pointer" : h.leg ? "crosshair" : "default"; return; }
    const h = hit(ev);
    drag.moved = true;
    if (drag.kind === "edge") {
      const m = drag.m, end = m.onset + m.duration;
      if (drag.edge === "start") { const a = Math.min(h.t, end - 0.1); m.duration = end - a; m.onset = a; } else m.duration = Math.max(0.1, h.t - m.onset);
      redraw();
    } else if (drag.kind === "draw") {
      drag.b = h.t; redraw();
      const ctx = traces.getContext("2d"), lane = S.lanes.find((l) => l.leg === drag.leg), w = traces.clientWidth;
      const x0 = ((Math.min(drag.a, drag.b) - S.t0) / S.win) * w, x1 = ((Math.max(drag.a, drag.b) - S.t0) / S.win) * w;
      ctx.strokeStyle = COLORS.unscored; ctx.lineWidth = 2; ctx.setLineDash([4, 3]); ctx.strokeRect(x0, lane.top + 2, x1 - x0, lane.bottom - lane.top - 4); ctx.setLineDash([]);
    }
  });
  function pointerEnd() {
    const d = drag; drag = null;
    if (!d) return;
    if (d.kind === "edge" && d.moved) edit({ action: "adjust", id: d.m.id, onset: d.m.onset, duration: d.m.duration });
    else if (d.kind === "select" || (d.kind === "edge" && !d.moved)) {
      if (S.selected === d.m.id) toggleReject(d.m.id); else select(d.m);
    } else if (d.kind === "draw" && d.moved) {
      const a = Math.max(0, Math.min(d.a, d.b)), b = Math.max(d.a, d.b);
      if (b - a >= 0.1) edit({ action: "add", leg: d.leg, onset: a, duration: b - a }); else redraw();
      if (S.addMode) toggleAdd();
    } else if (d.kind === "draw") { select(null); }
  }
  traces.addEventListener("pointerup", pointerEnd);
  traces.addEventListener("pointercancel", () => { drag = null; redraw(); });

  // --- re-score -----------------------------------------------------------------------------
  $("rescore").addEventListener("click", async () => {
    statusEl.textContent = "Re-scoring with the reviewed movements...";
    $("rescore").disabled = true;
    try {
      const r = await api("/rescore", { method: "POST", body: "{}" });
      const body = document.querySelector("#indices tbody");
      body.replaceChildren(...r.rows.map((row) => {
        const tr = document.createElement("tr"); tr.dataset.name = row.name; if (row.changed) tr.className = "changed";
        for (const [cls, text] of [["", row.label], ["before num", row.before ?? row.value], ["now num", row.value]]) { const td = document.createElement("td"); if (cls) td.className = cls; td.textContent = text; tr.append(td); }
        return tr;
      }));
      await loadMovements();
      S.ov.series = (await api("/overview")).series;
      const changed = r.rows.filter((x) => x.changed).map((x) => x.label);
      statusEl.textContent = `Re-scored: ${changed.length ? `changed ${changed.join(", ")}` : "no index changed"}. The night's page and report now use the reviewed movements.`;
      $("rescore").classList.remove("pending");
      redraw();
    } catch (e) { statusEl.textContent = `Re-score failed: ${e.message}`; }
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
    if (first) S.selected = first.id;
    await show(first ? first.onset - S.win / 2 : 0, performance.now());
    describe();
    root.dataset.ready = "1";
  }
  window.addEventListener("resize", redraw);
  start().catch((e) => { statusEl.textContent = `Could not open the night: ${e.message}`; });
})();
