// twitchscope: the small bits of script the pages need. Everything works without it except
// the upload progress bar, live unit conversion and the progress poll.
"use strict";
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // --- keep what the person typed until the server says it is saved -------------------------
  // A form with data-draft="key" is copied to sessionStorage as it changes and when it is sent.
  // A copy that was sent comes back into its form whenever that page is shown again before the
  // server confirmed it (a failed request, a lost connection or an expired form loses nothing);
  // it is dropped when the page says it saved that form (data-saved) or when the send led to
  // another page without an error. Unsent typing comes back on going back or reloading.
  const nav = (performance.getEntriesByType("navigation")[0] || {}).type || "navigate";
  const pageHasError = document.querySelector(".error[role=alert]:not(.hidden)") !== null;
  function formState(form) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.type === "hidden" || el.type === "file" || el.type === "submit") continue;
      if (el.type === "checkbox" || el.type === "radio") {
        (out[el.name] = out[el.name] || []);
        if (el.checked) out[el.name].push(el.value);
      } else out[el.name] = el.value;
    }
    return out;
  }
  function restore(form, state) {
    for (const el of form.elements) {
      if (!(el.name in state) || el.type === "hidden" || el.type === "file") continue;
      const v = state[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = Array.isArray(v) && v.includes(el.value);
      else el.value = v;
    }
  }
  const store = {
    get(k) { try { return JSON.parse(sessionStorage.getItem(k) || "null"); } catch (e) { return null; } },
    set(k, v) { try { sessionStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* private mode */ } },
    drop(k) { try { sessionStorage.removeItem(k); } catch (e) { /* private mode */ } },
    keys() { try { return Object.keys(sessionStorage).filter((k) => k.startsWith("draft:")); } catch (e) { return []; } },
  };
  for (const mark of document.querySelectorAll("[data-saved]")) store.drop("draft:" + mark.dataset.saved);
  for (const k of store.keys()) {
    const d = store.get(k);
    // sent from another page, and this page is no error: the server took it
    if (d && d.sent && d.path !== location.pathname && !pageHasError) store.drop(k);
  }
  for (const form of document.querySelectorAll("form[data-draft]")) {
    const key = "draft:" + form.dataset.draft;
    const d = store.get(key);
    if (d && (d.sent || nav !== "navigate" || pageHasError)) restore(form, d.state);
    const keep = (sent) => store.set(key, { state: formState(form), sent, path: location.pathname });
    form.addEventListener("input", () => keep(false));
    form.addEventListener("change", () => keep(false));
    form.addEventListener("submit", () => keep(true));
  }
  window.__draftKeys = () => store.keys();

  // --- questions asked only for some answers ----------------------------------------------
  function applyAskIf() {
    for (const fs of document.querySelectorAll("[data-ask-if]")) {
      const picked = document.querySelector(`input[name="${fs.dataset.askIf}"]:checked`);
      const allowed = fs.dataset.askValues.split(",");
      fs.hidden = !!(picked && picked.value && !allowed.includes(picked.value));
    }
  }
  document.addEventListener("change", applyAskIf);
  applyAskIf();

  // --- confirm, print -------------------------------------------------------------------
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (ev) => { if (!confirm(form.dataset.confirm)) ev.preventDefault(); });
  }
  for (const b of document.querySelectorAll('[data-action="print"]')) b.addEventListener("click", () => window.print());

  // --- lab values: the converted value as you type ----------------------------------------
  for (const row of document.querySelectorAll("tr[data-canonical]")) {
    const input = row.querySelector("input"), select = row.querySelector("select"), out = row.querySelector(".converted");
    const update = () => {
      const v = parseFloat((input.value || "").replace(",", "."));
      const opt = select.selectedOptions[0];
      if (!isFinite(v) || !opt) return;
      let conv = ((v + parseFloat(opt.dataset.offset || "0")) * parseFloat(opt.dataset.factor || "1"))
        / parseFloat(opt.dataset.divide || "1");
      if (opt.dataset.round !== undefined) conv = Number(conv.toFixed(Number(opt.dataset.round)));
      let span = out.querySelector(".live");
      if (!span) { span = document.createElement("span"); span.className = "live value"; out.prepend(span); }
      span.textContent = `= ${Number(conv.toPrecision(4))} ${row.dataset.canonical}`;
    };
    input.addEventListener("input", update); select.addEventListener("change", update);
  }

  // --- upload with a progress bar -------------------------------------------------------------
  const up = document.getElementById("upload-form");
  if (up) {
    up.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const bar = document.getElementById("upload-progress"), status = document.getElementById("upload-status");
      const err = document.getElementById("upload-error");
      err.classList.add("hidden"); err.textContent = "";
      const data = new FormData(up);
      for (const [k, v] of [...data.entries()]) if (v instanceof File && !v.name && !v.size) data.delete(k);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", up.dataset.api);
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      bar.classList.remove("hidden"); bar.value = 0;
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) { bar.value = (100 * e.loaded) / e.total; status.textContent = `uploading ${Math.round(bar.value)} %`; }
      });
      xhr.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 202 && body.id) { status.textContent = "uploaded; scoring"; location.href = `/recordings/${body.id}`; }
        else { err.textContent = body.error || `upload failed (${xhr.status})`; err.classList.remove("hidden"); status.textContent = ""; bar.classList.add("hidden"); }
      });
      xhr.addEventListener("error", () => { err.textContent = "the upload was interrupted; your files are still selected, send again"; err.classList.remove("hidden"); });
      xhr.send(data);
    });
  }

  // --- a night being scored: follow its progress, then show it -------------------------------
  const poll = document.querySelector("[data-poll]");
  if (poll) {
    const bar = document.getElementById("score-progress"), step = document.getElementById("score-step");
    const tick = async () => {
      try {
        const r = await fetch(poll.dataset.poll, { headers: { Accept: "application/json" } });
        const s = await r.json();
        if (s.status === "done" || s.status === "failed") { location.reload(); return; }
        bar.value = s.progress || 0; step.textContent = s.step || s.status;
      } catch (e) { step.textContent = "waiting for the server..."; }
      setTimeout(tick, 500);
    };
    setTimeout(tick, 300);
  }
})();
