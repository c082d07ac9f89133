// The answer recorder: getUserMedia + MediaRecorder, microphone and optionally camera.
// Inline ESM for anywidget (loaded from the Python class, never from a CDN: works offline).
// State shared with Python: see workbench/widgets/recorder.py.

const TICK_MS = 200; // how often the elapsed time is redrawn (ours)
const CHUNK_MS = 1000; // ours: one chunk a second, sent at once: nothing waits for the end, and every
// message stays far below the Jupyter server's 10 MiB websocket limit (tornado's default)
const AUDIO_BITS_PER_S = 64000; // ours: opus speech is transparent well below this
const VIDEO_BITS_PER_S = 500000; // ours: enough for face analysis at 640x480; ~4 MB a minute

function pickMimeType(withVideo) {
  const candidates = withVideo
    ? ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"]
    : ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
  if (typeof MediaRecorder === "undefined") return "";
  return candidates.find((t) => MediaRecorder.isTypeSupported(t)) || "";
}

function permissionMessage(error, withVideo) {
  const device = withVideo ? "microphone and camera" : "microphone";
  const name = error && error.name ? error.name : "Error";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return `Permission to use the ${device} was denied. Allow it in the browser (the icon in the address bar) and press Record again, or type your answer.`;
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return `No ${device} was found. Connect one and press Record again, or type your answer.`;
  }
  if (name === "NotReadableError") {
    return `The ${device} is in use by another program. Close it and press Record again, or type your answer.`;
  }
  return `Could not start recording (${name}: ${error && error.message ? error.message : "unknown"}). Type your answer instead.`;
}

function formatSeconds(s) {
  const whole = Math.max(0, Math.floor(s));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function render({ model, el }) {
  el.classList.add("wb-recorder");
  const button = document.createElement("button");
  button.className = "wb-recorder-button jupyter-button";
  const clock = document.createElement("span");
  clock.className = "wb-recorder-elapsed";
  const message = document.createElement("div");
  message.className = "wb-recorder-message";
  const preview = document.createElement("video");
  preview.className = "wb-recorder-preview";
  preview.muted = true;
  preview.playsInline = true;
  preview.style.display = "none";
  preview.style.maxWidth = "240px";
  el.append(button, clock, message, preview);

  let recorder = null;
  let stream = null;
  let sent = 0; // chunks handed to Python this recording
  let queue = Promise.resolve(); // keeps chunks (and the final "done") in order
  let startedAt = 0;
  let timer = null;

  function elapsed() {
    return startedAt ? (performance.now() - startedAt) / 1000 : 0;
  }

  function draw() {
    const state = model.get("state");
    const max = model.get("max_duration_s");
    button.textContent = state === "recording" ? "■ Stop" : "● Record";
    button.disabled = model.get("disabled") || state === "starting" || state === "saving";
    button.setAttribute("data-state", state);
    clock.textContent =
      state === "recording" ? ` ${formatSeconds(elapsed())} / ${formatSeconds(max)}` : "";
    const error = model.get("error");
    message.textContent = error || model.get("message");
    message.style.color = error ? "#b00020" : "";
  }

  function release() {
    if (timer) clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    preview.srcObject = null;
    preview.style.display = "none";
  }

  async function start() {
    const withVideo = model.get("camera");
    model.set("error", "");
    model.set("state", "starting");
    model.save_changes();
    draw();
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        throw Object.assign(new Error("this page cannot use media devices (needs https or localhost)"), {
          name: "SecurityError",
        });
      }
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: withVideo });
    } catch (error) {
      release();
      model.set("error", permissionMessage(error, withVideo));
      model.set("state", "denied");
      model.save_changes();
      draw();
      return;
    }
    if (withVideo) {
      preview.srcObject = stream;
      preview.style.display = "block";
      preview.play().catch(() => {});
    }
    const mimeType = pickMimeType(withVideo);
    const options = { audioBitsPerSecond: AUDIO_BITS_PER_S };
    if (withVideo) options.videoBitsPerSecond = VIDEO_BITS_PER_S;
    if (mimeType) options.mimeType = mimeType;
    recorder = new MediaRecorder(stream, options);
    sent = 0;
    model.send({ kind: "start" });
    recorder.ondataavailable = (event) => {
      if (!event.data || event.data.size === 0) return;
      const blob = event.data;
      queue = queue.then(async () => {
        const buffer = await blob.arrayBuffer();
        model.send({ kind: "chunk", seq: sent++ }, undefined, [buffer]);
      });
    };
    recorder.onstop = finish;
    recorder.start(CHUNK_MS);
    startedAt = performance.now();
    timer = setInterval(() => {
      if (elapsed() >= model.get("max_duration_s")) stop(true);
      draw();
    }, TICK_MS);
    model.set("state", "recording");
    model.save_changes();
    draw();
  }

  function stop(reachedMax) {
    if (!recorder || recorder.state === "inactive") return;
    model.set("stopped_at_max", Boolean(reachedMax));
    model.set("duration_s", elapsed());
    model.set("state", "saving");
    model.save_changes();
    recorder.stop();
    draw();
  }

  function finish() {
    const type = recorder.mimeType || "audio/webm";
    release();
    recorder = null;
    queue = queue.then(() => {
      model.send({
        kind: "done",
        chunks: sent,
        mime_type: type,
        duration_s: model.get("duration_s"),
        stopped_at_max: model.get("stopped_at_max"),
      });
      startedAt = 0;
      draw();
    });
  }

  button.addEventListener("click", () => {
    const state = model.get("state");
    if (state === "recording") stop(false);
    else if (state !== "starting" && state !== "saving") start();
  });
  // Python can stop a recording (too large, or the app moved on).
  model.on("msg:custom", (content) => {
    if (content && content.kind === "stop") stop(Boolean(content.reached_max));
  });
  for (const name of ["state", "message", "error", "disabled", "max_duration_s"]) {
    model.on(`change:${name}`, draw);
  }
  draw();
  return () => {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    release();
  };
}

export default { render };
