// The studio page: each tab calls the studio's routes (see studio/app.py) with fetch.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { students: [], still: null, camera: null };

function showError(message) { $("error").textContent = message || ""; }

async function call(url, options = {}) {
  const response = await fetch(url, options);
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try { message = (await response.json()).error || message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}
const json = async (url, options) => (await call(url, options)).json();
const student = () => $("student").value;
const strength = () => (Number($("strength").value) / 100).toFixed(2);
const query = (values) => new URLSearchParams(values).toString();

function failing(action) {
  return async (...args) => {
    showError("");
    try { await action(...args); } catch (error) { showError(error.message); }
  };
}

// Tabs
function openTab(name) {
  document.querySelectorAll(".page").forEach((page) => page.classList.toggle("active", page.id === name));
  document.querySelectorAll(".tab").forEach((tab) => tab.classList.toggle("active", tab.dataset.tab === name));
  if (name === "gallery") failing(loadGallery)();
  if (name === "characters") failing(loadPacks)();
  if (name !== "webcam") stopCamera();
}
document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => openTab(tab.dataset.tab)));

// Character and strength, shared by every tab
async function loadStudents() {
  state.students = await json("/api/students");
  const select = $("student"), chosen = select.value;
  select.innerHTML = "";
  for (const s of state.students) {
    const option = new Option(s.pack && s.pack !== s.name ? `${s.name} (${s.pack})` : s.name, s.name);
    select.add(option);
  }
  if (chosen) select.value = chosen;
  if (!state.students.length) showError("No student yet: distil one in the Characters tab.");
  showCard();
}
function showCard() {
  const s = state.students.find((one) => one.name === student());
  $("card").textContent = !s ? "No student yet." :
    Object.keys(s.card).length ? Object.entries(s.card).map(([file, content]) =>
      `${file}\n${typeof content === "string" ? content : JSON.stringify(content, null, 2)}`).join("\n\n")
      : "No records beside this student.";
}
$("student").addEventListener("change", () => { showCard(); if (state.still) failing(stylisePhoto)(); });

let rendering = false, renderAgain = false;
function renderStill() {
  $("strength-value").textContent = strength();
  if (!state.still) return;
  if (rendering) { renderAgain = true; return; }
  rendering = true;
  const after = $("after");
  after.onload = after.onerror = () => {
    rendering = false;
    after.dataset.strength = after.dataset.pending;
    if (renderAgain) { renderAgain = false; renderStill(); }
  };
  after.dataset.pending = strength();
  after.src = `/api/stills/${state.still}/result.png?${query({ strength: strength() })}`;
}
$("strength").addEventListener("input", renderStill);

// Stylise
async function stylisePhoto() {
  const file = $("photo").files[0];
  if (!file) return;
  $("download").disabled = true;
  state.still = null;
  const params = { student: student(), name: file.name };
  if ($("max-side").value) params.max_side = $("max-side").value;
  const answer = await json(`/api/stills?${query(params)}`, { method: "POST", body: file });
  state.still = answer.id;
  $("before").src = `/api/stills/${answer.id}/photo.png`;
  renderStill();
  $("download").disabled = false;
}
$("photo").addEventListener("change", failing(stylisePhoto));
$("max-side").addEventListener("change", failing(stylisePhoto));

$("download").addEventListener("click", failing(async () => {
  const kept = await json(`/api/stills/${state.still}/keep?${query({ strength: strength() })}`, { method: "POST" });
  const link = document.createElement("a");
  link.href = `/api/gallery/${encodeURIComponent(kept.name)}?download=true`;
  link.download = kept.name;
  document.body.append(link);
  link.click();
  link.remove();
}));

// Jobs (video conversions, distillations)
function showJob(container, job) {
  let row = document.getElementById(`job-${job.id}`);
  if (!row) {
    row = document.createElement("div");
    row.className = "job";
    row.id = `job-${job.id}`;
    container.prepend(row);
  }
  const share = job.progress == null ? "" : `${Math.round(job.progress * 100)} %`;
  row.innerHTML = "";
  row.append(`${job.title}: ${job.state} ${share} `);
  const bar = document.createElement("progress");
  bar.max = 1;
  if (job.progress != null) bar.value = job.progress;
  row.append(bar);
  if (job.run_link) row.append(" ", Object.assign(document.createElement("a"), { href: job.run_link, target: "_blank", textContent: "Prefect run" }));
  else if (job.run_name) row.append(` Prefect run ${job.run_name}`);
  if (job.kind === "video" && job.state === "done") {
    row.append(" ", Object.assign(document.createElement("a"), {
      href: `/api/gallery/${encodeURIComponent(job.result)}?download=true`, textContent: "Download MP4" }));
  }
  const detail = job.state === "failed" ? job.message : job.output.length ? job.output[job.output.length - 1] : job.message;
  if (detail) row.append(Object.assign(document.createElement("div"), { textContent: detail }));
}

async function follow(container, job, whenDone) {
  while (true) {
    showJob(container, job);
    if (job.state !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    job = await json(`/api/jobs/${job.id}`);
  }
  if (job.state === "done" && whenDone) await whenDone(job);
}

// Video
$("convert").addEventListener("click", failing(async () => {
  const file = $("video-file").files[0];
  if (!file) throw new Error("Choose a video first.");
  const job = await json(`/api/videos?${query({ student: student(), strength: strength(), name: file.name })}`,
                         { method: "POST", body: file });
  follow($("video-jobs"), job);
}));

// Webcam
function stopCamera() {
  if (state.camera) state.camera.getTracks().forEach((track) => track.stop());
  state.camera = null;
  $("webcam-start").disabled = false;
  $("webcam-stop").disabled = true;
}
$("webcam-stop").addEventListener("click", stopCamera);
$("webcam-start").addEventListener("click", failing(async () => {
  state.camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  const camera = $("camera");
  camera.srcObject = state.camera;
  await camera.play();
  $("webcam-start").disabled = true;
  $("webcam-stop").disabled = false;
  const canvas = document.createElement("canvas");
  let shown = 0, since = performance.now();
  while (state.camera) {
    const scale = Math.min(1, 480 / Math.max(camera.videoWidth, camera.videoHeight));
    canvas.width = Math.round(camera.videoWidth * scale);
    canvas.height = Math.round(camera.videoHeight * scale);
    canvas.getContext("2d").drawImage(camera, 0, 0, canvas.width, canvas.height);
    const frame = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    const picture = await (await call(`/api/webcam?${query({ student: student(), strength: strength() })}`,
                                      { method: "POST", body: frame })).blob();
    const out = $("webcam-out");
    if (out.src) URL.revokeObjectURL(out.src);
    out.src = URL.createObjectURL(picture);
    shown += 1;
    if (performance.now() - since > 1000) {
      $("webcam-fps").textContent = `${(shown * 1000 / (performance.now() - since)).toFixed(1)} frames/s`;
      shown = 0; since = performance.now();
    }
  }
}));

// Gallery
async function loadGallery() {
  const items = await json("/api/gallery");
  const grid = $("gallery-items");
  grid.innerHTML = items.length ? "" : "Nothing yet.";
  for (const item of items) {
    const url = `/api/gallery/${encodeURIComponent(item.name)}`;
    const box = Object.assign(document.createElement("div"), { className: "item" });
    const media = document.createElement(item.kind === "video" ? "video" : "img");
    media.src = url;
    if (item.kind === "video") media.controls = true; else media.loading = "lazy";
    box.append(media, Object.assign(document.createElement("a"), { href: `${url}?download=true`, textContent: item.name }));
    grid.append(box);
  }
}

// Characters
function swatch(colour) {
  const input = Object.assign(document.createElement("input"), { type: "color", value: colour, title: "click to change, right-click to remove" });
  input.addEventListener("contextmenu", (event) => { event.preventDefault(); input.remove(); });
  $("swatches").append(input);
}
async function loadPacks() {
  const packs = await json("/api/packs");
  const list = $("packs"), select = $("distill-pack"), chosen = select.value;
  list.innerHTML = "";
  select.innerHTML = "";
  for (const pack of packs) {
    const box = Object.assign(document.createElement("div"), { className: "item" });
    box.append(Object.assign(document.createElement("strong"), { textContent: pack.name + (pack.built_in ? " (built in)" : "") }));
    box.append(Object.assign(document.createElement("div"), { textContent: pack.description }));
    const colours = Object.assign(document.createElement("div"), { className: "swatches" });
    for (const colour of pack.palette || []) {
      colours.append(Object.assign(document.createElement("span"), { className: "swatch", title: colour, style: `background:${colour}` }));
    }
    box.append(colours, Object.assign(document.createElement("a"), { href: `/api/characters/${pack.name}/pack.zip`, textContent: "Export zip" }));
    list.append(box);
    select.add(new Option(pack.name, pack.name));
  }
  if (chosen) select.value = chosen;
}
const packName = () => {
  const name = $("pack-name").value.trim();
  if (!name) throw new Error("Give the character a name first.");
  return name;
};
async function uploadEach(files, url) {
  for (const file of files) await json(`${url}?${query({ filename: file.name })}`, { method: "POST", body: file });
}
$("suggest").addEventListener("click", failing(async () => {
  const name = packName();
  if (!$("references").files.length) throw new Error("Choose a few reference pictures first.");
  await uploadEach($("references").files, `/api/characters/${encodeURIComponent(name)}/references`);
  const colours = await json(`/api/characters/${encodeURIComponent(name)}/suggested`);
  $("swatches").innerHTML = "";
  colours.palette.forEach(swatch);
  if (colours.skin_tone) $("skin-tone").value = colours.skin_tone;
}));
$("add-swatch").addEventListener("click", () => swatch("#808080"));
$("save-pack").addEventListener("click", failing(async () => {
  const palette = [...$("swatches").querySelectorAll("input")].map((input) => input.value);
  await json(`/api/characters/${encodeURIComponent(packName())}`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ palette, skin_tone: $("skin-tone").value }),
  });
  await loadPacks();
  $("distill-pack").value = packName();
}));
$("pack-zip").addEventListener("change", failing(async () => {
  const file = $("pack-zip").files[0];
  if (!file) return;
  await json("/api/characters/import", { method: "POST", body: file });
  $("pack-zip").value = "";
  await loadPacks();
}));
$("distill").addEventListener("click", failing(async () => {
  const name = $("distill-pack").value;
  if (!$("distill-photos").files.length) throw new Error("Choose the photos to distil from first.");
  await uploadEach($("distill-photos").files, `/api/characters/${encodeURIComponent(name)}/photos`);
  const job = await json(`/api/characters/${encodeURIComponent(name)}/distill?${query({ minutes: $("distill-minutes").value })}`,
                         { method: "POST" });
  follow($("distill-jobs"), job, failing(loadStudents));
}));

openTab("stylise");
failing(loadStudents)();
