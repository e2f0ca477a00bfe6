// gan studio: the page. Plain JavaScript over the studio's JSON API and server-sent events.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, children = []) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};

async function api(path, options = {}) {
  const init = { ...options, headers: { ...(options.headers || {}) } };
  if (init.method && init.method !== "GET") init.headers["X-Gan-Studio"] = "1";
  if (init.json !== undefined) {
    init.body = JSON.stringify(init.json);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch { body = { error: text }; }
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// ---- tabs --------------------------------------------------------------------------------
for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => {
    document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("active", b === button));
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === button.dataset.tab));
    if (button.dataset.tab === "explore") walkFrame();
  });
}
function showTab(name) {
  document.querySelector(`nav button[data-tab="${name}"]`).click();
}

// ---- models ------------------------------------------------------------------------------
let runs = [];
const chosen = {}; // run name -> the checkpoint picked on its card (absent: the latest)
const checkpointOf = (run) => chosen[run] || "";
async function loadRuns() {
  runs = (await api("/api/runs")).runs;
  const cards = $("model-cards");
  cards.replaceChildren();
  for (const run of runs) {
    const facts = [
      ["architecture", run.architecture || "—"],
      ["size", run.image_size ? `${run.image_size}×${run.image_size}` : "—"],
      ["steps", run.steps ?? "—"],
      ["date", run.created_unix ? new Date(run.created_unix * 1000).toLocaleString() : "—"],
      ["FID", run.fid != null ? run.fid.toFixed(1) : "—"],
      ["data", run.data || "—"],
      ["checkpoint", run.checkpoint || "none yet"],
    ];
    const dl = el("dl");
    for (const [k, v] of facts) dl.append(el("dt", { textContent: k }), el("dd", { textContent: v }));
    const title = el("h2", { textContent: run.name });
    if (run.training) title.append(" ", el("span", { className: "badge", textContent: "training" }));
    const card = el("div", { className: "card model-card" }, [title]);
    card.dataset.run = run.name;
    if (run.latest_grid) card.append(el("img", { src: run.latest_grid + "?t=" + Date.now(), alt: "latest sample grid" }));
    card.append(dl);
    if (run.curve) card.append(el("img", { className: "curve", src: run.curve + "?t=" + Date.now(), alt: "learning curve" }));
    if (run.checkpoints && run.checkpoints.length > 1) {
      const select = el("select", { className: "checkpoint-select" }, [el("option", { value: "", textContent: "latest checkpoint" }), ...run.checkpoints.map((c) => el("option", { value: c, textContent: c }))]);
      select.value = checkpointOf(run.name);
      select.addEventListener("change", () => { chosen[run.name] = select.value; });
      card.append(el("label", { className: "hint" }, ["use ", select]));
    }
    const actions = el("div", { className: "controls" });
    if (run.has_model) {
      actions.append(el("button", { textContent: "Generate", onclick: () => { pick(run.name); showTab("generate"); } }));
      actions.append(el("button", { textContent: "Explore", onclick: () => { pick(run.name); showTab("explore"); } }));
      actions.append(el("button", { textContent: "Judge", onclick: () => { pick(run.name); showTab("judge"); } }));
    }
    actions.append(el("button", { textContent: "Monitor", onclick: () => { $("watch-run").value = run.name; watch(run.name); showTab("train"); } }));
    card.append(actions);
    cards.append(card);
  }
  if (!runs.length) cards.append(el("p", { className: "hint", textContent: "No runs yet: train one in the Train tab, or with `gan train dcgan`." }));
  for (const select of document.querySelectorAll(".run-select")) {
    const keep = select.value;
    const any = select.classList.contains("any-run");
    select.replaceChildren(...runs.filter((r) => any || r.has_model).map((r) => el("option", { value: r.name, textContent: r.name })));
    if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
  }
}
function pick(name) {
  for (const id of ["gen-run", "walk-run", "judge-run"]) $(id).value = name;
}

// ---- generate ----------------------------------------------------------------------------
let currentJob = null;
function log(line) {
  const console_ = $("gen-console");
  console_.textContent += line + "\n";
  console_.scrollTop = console_.scrollHeight;
}
function verdictText(image) {
  if (image.p_real != null) return `P(real) ${image.p_real.toFixed(3)}`;
  return `score ${image.score.toFixed(3)}`;
}
async function generate(settings) {
  const started = performance.now();
  $("gen-console").textContent = "";
  $("gen-results").replaceChildren();
  $("gen-links").replaceChildren();
  const body = {
    run: settings.run,
    checkpoint: checkpointOf(settings.run) || null,
    seed: settings.random ? null : Number(settings.seed),
    count: Number(settings.count),
    size: settings.size,
  };
  let job;
  try {
    job = await api("/api/generate", { method: "POST", json: body });
  } catch (error) {
    log("error: " + error.message);
    return;
  }
  $("gen-seed").value = job.seed;
  log(`seed ${job.seed}${settings.random ? " (drawn)" : ""}, ${body.count} images, ${body.size}, model ${body.run}`);
  currentJob = job.job;
  $("gen-cancel").disabled = false;
  const events = new EventSource(`/api/jobs/${job.job}/events`);
  events.addEventListener("progress", (e) => {
    const p = JSON.parse(e.data);
    log(`${p.done}/${p.total} images (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  });
  events.addEventListener("failed", (e) => {
    events.close();
    $("gen-cancel").disabled = true;
    log("stopped: " + JSON.parse(e.data).error);
  });
  events.addEventListener("done", (e) => {
    events.close();
    $("gen-cancel").disabled = true;
    const result = JSON.parse(e.data);
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${result.path}`);
    for (const image of result.images) {
      const caption = el("figcaption", {}, [
        `seed ${image.seed} · #${image.index}`, el("br"), verdictText(image), " ",
        el("a", { href: image.url, download: `seed${image.seed}-${image.index}.png`, textContent: "download" }),
      ]);
      $("gen-results").append(el("figure", {}, [el("img", { src: image.url, className: "result", alt: `seed ${image.seed} #${image.index}` }), caption]));
    }
    $("gen-links").append(el("a", { href: result.grid, download: "grid.png", textContent: "download the grid" }));
    loadHistory();
  });
}
$("gen-form").addEventListener("submit", (e) => {
  e.preventDefault();
  generate({ run: $("gen-run").value, seed: $("gen-seed").value, random: $("gen-random").checked, count: $("gen-count").value, size: $("gen-size").value });
});
$("gen-cancel").addEventListener("click", async () => {
  if (currentJob != null) await api(`/api/jobs/${currentJob}/cancel`, { method: "POST" });
});
async function loadHistory() {
  const history = (await api("/api/history")).history;
  $("gen-history").replaceChildren(...history.map((h) => {
    const s = h.settings;
    const img = el("img", { src: h.first, title: `${s.run} · seed ${s.seed} · ${s.count} images · ${s.size}` });
    img.addEventListener("click", () => {
      $("gen-run").value = s.run; $("gen-seed").value = s.seed; $("gen-random").checked = false;
      $("gen-count").value = s.count; $("gen-size").value = s.size;
    });
    return img;
  }));
}

// ---- explore -----------------------------------------------------------------------------
function walkQuery(extra) {
  const p = new URLSearchParams({ run: $("walk-run").value, checkpoint: checkpointOf($("walk-run").value), from: $("walk-from").value, to: $("walk-to").value, ...extra });
  return p.toString();
}
let walkPending = false, walkAgain = false;
function walkFrame() {
  if (!$("walk-run").value) return;
  if (walkPending) { walkAgain = true; return; }
  walkPending = true;
  const img = $("walk-frame");
  img.onload = img.onerror = () => { walkPending = false; if (walkAgain) { walkAgain = false; walkFrame(); } };
  img.src = "/api/walk/frame?" + walkQuery({ t: Number($("walk-slider").value) / 100 });
  $("walk-gif").href = "/api/walk/gif?" + walkQuery({ frames: 24 });
}
function walkStrip() {
  if (!$("walk-run").value) return;
  $("walk-strip").replaceChildren(...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => el("img", { src: "/api/walk/frame?" + walkQuery({ t: i / 7 }) })));
}
$("walk-slider").addEventListener("input", walkFrame);
for (const id of ["walk-run", "walk-from", "walk-to"]) $(id).addEventListener("change", () => { walkFrame(); walkStrip(); });

// ---- judge -------------------------------------------------------------------------------
$("judge-files").addEventListener("change", async () => {
  const files = [...$("judge-files").files].slice(0, 16);
  const results = $("judge-results");
  results.replaceChildren();
  for (const file of files) {
    const figure = el("figure", {}, [el("figcaption", { textContent: file.name + ": judging…" })]);
    results.append(figure);
    try {
      const bytes = await file.arrayBuffer();
      const r = await api(`/api/judge?run=${encodeURIComponent($("judge-run").value)}&checkpoint=${encodeURIComponent(checkpointOf($("judge-run").value))}&name=${encodeURIComponent(file.name)}`,
        { method: "POST", body: bytes, headers: { "Content-Type": "application/octet-stream" } });
      const value = r.p_real != null ? r.p_real.toFixed(3) : r.score.toFixed(3);
      const lines = [file.name, el("br"), el("span", { className: "verdict", textContent: `${r.p_real != null ? "P(real)" : "critic score"} ${value}` })];
      if (r.p_real == null) lines.push(el("br"), "(higher: more real; not a probability)");
      for (const s of r.styles) lines.push(el("br"), `${s.style} ${s.probability.toFixed(2)}`);
      figure.replaceChildren(el("img", { src: r.crop, alt: `what the model sees at ${r.size}×${r.size}` }), el("figcaption", {}, lines));
    } catch (error) {
      figure.replaceChildren(el("figcaption", { className: "error", textContent: `${file.name}: ${error.message}` }));
    }
  }
});

// ---- data --------------------------------------------------------------------------------
let dataSets = [], dataOffset = 0;
async function loadData() {
  const data = await api("/api/data");
  dataSets = data.sets;
  $("data-none").hidden = dataSets.length > 0;
  $("data-set").replaceChildren(...dataSets.map((s) => el("option", { value: s.id, textContent: `${s.path} (${s.count} images)` })));
  $("train-data").replaceChildren(el("option", { value: "", textContent: "embedded paintings" }), ...dataSets.map((s) => el("option", { value: s.id, textContent: s.path })));
  if (dataSets.length) dataStyles();
}
function dataStyles() {
  const set = dataSets[Number($("data-set").value)] || dataSets[0];
  $("data-style").replaceChildren(el("option", { value: "", textContent: "all styles" }), ...set.styles.map((s) => el("option", { value: s.name, textContent: `${s.name} (${s.count})` })));
  dataOffset = 0;
  $("data-images").replaceChildren();
  dataPage();
}
async function dataPage() {
  const set = $("data-set").value;
  const style = $("data-style").value;
  const query = new URLSearchParams({ offset: dataOffset, limit: 24 });
  if (style) query.set("style", style);
  const page = await api(`/api/data/${set}/images?${query}`);
  dataOffset += page.images.length;
  $("data-more").disabled = dataOffset >= page.total;
  for (const image of page.images) {
    const thumb = el("img", { alt: image.name, title: `${image.name} (${image.style || "no style"})` });
    $("data-images").append(thumb);
    api(`/api/data/${set}/preview/${image.index}`).then((p) => {
      thumb.src = p.model;
      thumb.onclick = () => showPreview(image, p);
    }).catch(() => { thumb.alt = image.name + " (unreadable)"; });
  }
}
function showPreview(image, p) {
  const figure = (src, caption, cls = "") => el("figure", {}, [el("img", { src, className: cls }), el("figcaption", { textContent: caption })]);
  $("data-preview").replaceChildren(
    figure(p.original, `${image.name}: original ${p.original_size[0]}×${p.original_size[1]}`),
    figure(p.crop, "centre square (shorter side)"),
    figure(p.flip, "flipped (training flips at random)"),
    figure(p.model, `model size ${p.model_size}×${p.model_size}`, "model"),
  );
}
$("data-set").addEventListener("change", dataStyles);
$("data-style").addEventListener("change", () => { dataOffset = 0; $("data-images").replaceChildren(); dataPage(); });
$("data-more").addEventListener("click", dataPage);

// ---- train and monitor -------------------------------------------------------------------
$("train-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = {
    name: $("train-name").value,
    architecture: $("train-arch").value,
    size: Number($("train-size").value),
    steps: Number($("train-steps").value),
    batch_size: $("train-batch").value ? Number($("train-batch").value) : null,
    data: $("train-data").value === "" ? null : Number($("train-data").value),
    fid: $("train-fid").checked,
  };
  try {
    await api("/api/train", { method: "POST", json: body });
    $("watch-log").textContent = `started: gan train ${body.architecture} … --out ${body.name}\n`;
    await loadRuns();
    if (![...$("watch-run").options].some((o) => o.value === body.name)) {
      $("watch-run").append(el("option", { value: body.name, textContent: body.name }));
    }
    $("watch-run").value = body.name;
    watch(body.name);
  } catch (error) {
    $("watch-log").textContent = "error: " + error.message;
  }
});
let watching = null, watchRows = [], watchColumns = [], watchFid = [], watchSamples = [], watchPlan = {};
function watch(name) {
  if (watching) watching.close();
  watchRows = []; watchSamples = [];
  $("watch-log").textContent = "";
  if (!name) return;
  watching = new EventSource(`/api/runs/${encodeURIComponent(name)}/live`);
  watching.addEventListener("metrics", (e) => {
    const update = JSON.parse(e.data);
    watchColumns = update.columns;
    watchRows = watchRows.slice(0, update.from).concat(update.rows);
    watchFid = update.fid;
    watchPlan = { steps: update.total_steps, batch: update.batch_size };
    const newest = watchSamples.length === 0 || update.samples.length !== watchSamples.length;
    watchSamples = update.samples;
    drawCurve();
    status(name, update.training);
    if (newest && watchSamples.length) {
      $("watch-slider").max = watchSamples.length - 1;
      $("watch-slider").value = watchSamples.length - 1;
      showGrid(name);
    }
  });
  refreshLog(name);
}
function status(name, training) {
  const last = watchRows[watchRows.length - 1];
  const col = (n) => watchColumns.indexOf(n);
  let text = training ? "training" : "not training";
  if (last) {
    const ips = last[col("images_per_s")];
    const current = last[col("step")];
    text += ` · step ${current}` + (watchPlan.steps ? ` of ${watchPlan.steps}` : "") + (ips ? ` · ${ips.toFixed(0)} images/s` : "");
    if (training && ips && watchPlan.steps && watchPlan.batch && current < watchPlan.steps) {
      const seconds = ((watchPlan.steps - current) * watchPlan.batch) / ips;
      text += ` · about ${seconds < 90 ? Math.round(seconds) + " s" : Math.round(seconds / 60) + " min"} left`;
    }
  }
  $("watch-status").textContent = text;
  $("watch-stop").disabled = !training;
}
async function refreshLog(name) {
  try {
    const r = await api(`/api/train/${encodeURIComponent(name)}/log`);
    $("watch-log").textContent = r.log + (r.exit != null ? `\n(exited with status ${r.exit})` : "");
    $("watch-log").scrollTop = $("watch-log").scrollHeight;
  } catch { $("watch-log").textContent = "(no log here: this run was not started by the studio)"; }
}
setInterval(() => { if ($("watch-run").value && document.querySelector("#train.active")) refreshLog($("watch-run").value); }, 2000);
function showGrid(name) {
  const step = watchSamples[Number($("watch-slider").value)];
  if (step == null) return;
  $("watch-step").textContent = step;
  $("watch-grid").src = `/api/runs/${encodeURIComponent(name)}/samples/step-${String(step).padStart(8, "0")}.png`;
}
$("watch-slider").addEventListener("input", () => showGrid($("watch-run").value));
$("watch-run").addEventListener("change", () => watch($("watch-run").value));
$("watch-stop").addEventListener("click", async () => {
  try { await api(`/api/train/${encodeURIComponent($("watch-run").value)}/stop`, { method: "POST" }); }
  catch (error) { $("watch-log").textContent += "\nerror: " + error.message; }
});
$("watch-resume").addEventListener("click", async () => {
  const name = $("watch-run").value;
  try {
    await api(`/api/train/${encodeURIComponent(name)}/resume`, { method: "POST", json: { steps: Number($("watch-resume-steps").value) } });
    watch(name);
  } catch (error) { $("watch-log").textContent += "\nerror: " + error.message; }
});
/// Moving averages over a window of about 1% of the run, so long runs read as curves.
function smoothed(points) {
  const window = Math.max(1, Math.round(points.length / 100));
  const out = [];
  let sum = 0;
  for (let k = 0; k < points.length; k++) {
    sum += points[k][1];
    if (k >= window) sum -= points[k - window][1];
    out.push([points[k][0], sum / Math.min(k + 1, window)]);
  }
  return out;
}
function drawPanel(ctx, top, height, names, maxStep, title) {
  const step = watchColumns.indexOf("step");
  const colours = ["#8a3b12", "#2b6cb0", "#2f855a", "#b7791f", "#6b46c1", "#c53030"];
  const width = ctx.canvas.width - 60;
  const lines = names.map((name) => {
    const c = watchColumns.indexOf(name);
    const points = watchRows.filter((r) => r[c] != null && isFinite(r[c])).map((r) => [r[step], r[c]]);
    return { name, points: smoothed(points) };
  }).filter((l) => l.points.length);
  if (!lines.length) return;
  const all = lines.flatMap((l) => l.points.map((p) => p[1]));
  const lo = Math.min(...all), hi = Math.max(...all);
  const y = (v) => top + 14 + (height - 28) * (1 - (v - lo) / (hi - lo || 1));
  ctx.fillStyle = "#777";
  ctx.fillText(`${title}: ${lo.toFixed(2)} to ${hi.toFixed(2)}`, 44, top + 10);
  lines.forEach((line, i) => {
    ctx.strokeStyle = ctx.fillStyle = colours[i % colours.length];
    ctx.beginPath();
    line.points.forEach(([s, v], k) => {
      const x = 40 + (s / maxStep) * width;
      k ? ctx.lineTo(x, y(v)) : ctx.moveTo(x, y(v));
    });
    ctx.stroke();
    const last = line.points[line.points.length - 1][1];
    ctx.fillText(`${line.name} ${last.toFixed(3)}`, 260 + i * 130, top + 10);
  });
}
function drawCurve() {
  const canvas = $("watch-curve");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (watchRows.length < 1) return;
  ctx.font = "11px sans-serif";
  const step = watchColumns.indexOf("step");
  const maxStep = Math.max(...watchRows.map((r) => r[step]), ...watchFid.map((f) => f[0]), 1);
  const own = watchColumns.filter((c) => !["step", "epoch", "loss_d", "loss_g", "d_x", "d_g_z1", "d_g_z2", "images_per_s"].includes(c));
  const half = canvas.height / 2;
  drawPanel(ctx, 0, half, ["loss_d", "loss_g"], maxStep, "losses");
  drawPanel(ctx, half, half, ["d_x", "d_g_z1", ...own], maxStep, "D(x), D(G(z))" + (own.length ? " and the objective's own" : ""));
  if (watchFid.length) {
    const lo = Math.min(...watchFid.map((f) => f[1])), hi = Math.max(...watchFid.map((f) => f[1]));
    ctx.fillStyle = "#000";
    for (const [s, f] of watchFid) {
      const x = 40 + (s / maxStep) * (canvas.width - 60), y = 20 + (half - 40) * (1 - (f - lo) / (hi - lo || 1));
      ctx.fillRect(x - 3, y - 3, 6, 6);
      ctx.fillText(`FID ${f.toFixed(1)}`, x + 4, y - 4);
    }
  }
  ctx.fillStyle = "#777";
  ctx.fillText(`step ${maxStep}`, canvas.width - 70, canvas.height - 2);
}

// ---- start -------------------------------------------------------------------------------
(async () => {
  await loadRuns();
  await loadHistory();
  await loadData();
  if ($("watch-run").value) watch($("watch-run").value);
  setInterval(loadRuns, 15000);
})();
