// The field tool (written for the portal, no outside library):
// - registers the service worker (/sw.js) that keeps the worklist and task pages on the phone;
// - keeps the sampling form in IndexedDB as it is typed: fields, photos (as blobs) and signatures;
// - sends it when the network is there: photos first, each under its own key, then the record with its
//   idempotency key, so a resend after a lost answer files nothing new;
// - says plainly what is saved on this phone and what has reached the bureau;
// - on the scan page: the phone's position (if allowed), a scan key, and the camera where the browser reads QR codes.
(() => {
  "use strict";
  const messages = (() => {
    const node = document.getElementById("field-messages");
    return node ? JSON.parse(node.textContent) : {};
  })();
  const t = (key, value) => (messages[key] || key).replace("%s", value === undefined ? "" : value);

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- IndexedDB: drafts by task, photos by key ------------------------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("qs-field", 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts", { keyPath: "task" });
        if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function store(db, name, mode, action) {
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = action(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }
  const dbGet = (db, name, key) => store(db, name, "readonly", (s) => s.get(key));
  const dbPut = (db, name, value) => store(db, name, "readwrite", (s) => s.put(value));
  const dbDelete = (db, name, key) => store(db, name, "readwrite", (s) => s.delete(key));
  const dbAll = (db, name) => store(db, name, "readonly", (s) => s.getAll());

  // --- The service worker ----------------------------------------------------------------------------------------
  function registerWorker() {
    if (!("serviceWorker" in navigator) || !document.querySelector("[data-field-tool]")) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(() => navigator.serviceWorker.ready).then((registration) => {
      const urls = new Set([location.pathname]);
      document.querySelectorAll("[data-field-tool] a[href^='/tasks/']").forEach((a) => urls.add(a.getAttribute("href")));
      if (registration.active) registration.active.postMessage({ type: "cache", urls: Array.from(urls) });
    }).catch(() => {});
  }

  // --- The worklist: what is saved on this phone ------------------------------------------------------------------
  async function showDrafts() {
    const list = document.querySelector("[data-drafts]");
    if (!list || !window.indexedDB) return;
    const drafts = await dbAll(await openDb(), "drafts");
    list.replaceChildren();
    drafts.forEach((draft) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/tasks/${draft.task}/sampling/`;
      link.textContent = draft.title || `#${draft.task}`;
      item.append(link, " · ", draft.status === "sent" ? t("state_sent_short") : t("state_local_short"));
      item.dataset.state = draft.status;
      list.append(item);
    });
    list.closest("section")?.toggleAttribute("hidden", drafts.length === 0);
  }

  // --- The sampling form -----------------------------------------------------------------------------------------
  const SKIP = new Set(["csrfmiddlewaretoken", "photos", "client_key", "photo_keys"]);
  const ROLES = ["enterprise", "inspector_1", "inspector_2"];

  async function samplingForm(form) {
    const db = await openDb();
    const task = form.dataset.task;
    const status = document.querySelector("[data-sync-status]");
    const summary = document.querySelector("[data-error-summary]");
    const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    let draft = (await dbGet(db, "drafts", task)) || {
      task,
      title: document.querySelector("h1")?.textContent || "",
      client_key: form.elements.client_key.value || uuid4(),
      fields: {},
      photos: [],
      signatures: {},
      status: "new",
    };
    form.elements.client_key.value = draft.client_key;
    let sending = false;
    const save = () => dbPut(db, "drafts", draft);

    function setStatus(state, detail) {
      status.hidden = false;
      status.dataset.state = state;
      status.replaceChildren(document.createTextNode(t(`state_${state}`, detail)));
      if (state === "sent") {
        [["pdf", form.dataset.pdfUrl], ["labels", form.dataset.labelsUrl], ["task", form.dataset.taskUrl]].forEach(([key, href]) => {
          const link = document.createElement("a");
          link.href = href;
          link.textContent = t(`link_${key}`);
          status.append(" ", link);
        });
      }
      form.querySelector("[type=submit]").disabled = state === "sent" || state === "sending";
    }

    // Fields, saved as typed.
    function collect() {
      const fields = {};
      Array.from(form.elements).forEach((element) => {
        if (!element.name || SKIP.has(element.name) || element.name.startsWith("signature_")) return;
        if (element.type === "checkbox") fields[element.name] = element.checked;
        else if (element.type === "radio") { if (element.checked) fields[element.name] = element.value; }
        else fields[element.name] = element.value;
      });
      return fields;
    }
    function restore(fields) {
      Object.entries(fields).forEach(([name, value]) => {
        const element = form.elements[name];
        if (!element) return;
        if (element instanceof RadioNodeList) Array.from(element).forEach((radio) => { radio.checked = radio.value === value; });
        else if (element.type === "checkbox") element.checked = Boolean(value);
        else element.value = value;
      });
    }
    const outcome = () => (form.querySelector("[name=outcome]:checked") || {}).value || "sampled";
    function showOutcome() {
      const refused = outcome() === "refused";
      form.querySelectorAll("[data-when]").forEach((node) => { node.hidden = node.dataset.when !== (refused ? "refused" : "sampled"); });
      form.querySelectorAll("[data-required-when=sampled]").forEach((mark) => { mark.hidden = refused; });
      const signer = form.querySelector("[data-signer=enterprise]");
      if (signer) signer.textContent = form.elements.enterprise_signatory?.value || "";
    }

    // Photos: kept as blobs on the phone until the bureau has them.
    const photoInput = form.elements.photos;
    const photoList = form.querySelector("[data-photo-list]");
    function showPhotos() {
      photoList.querySelectorAll("[data-key]").forEach((node) => node.remove());
      draft.photos.forEach((photo) => {
        const item = document.createElement("li");
        item.dataset.key = photo.key;
        item.textContent = `${photo.uploaded ? "✓" : "⏳"} ${photo.name} · ${photo.uploaded ? t("photo_sent") : t("photo_waiting")}`;
        photoList.append(item);
      });
    }
    photoInput.addEventListener("change", async () => {
      for (const file of Array.from(photoInput.files)) {
        if (file.size > Number(form.dataset.photoMax)) continue;
        const key = uuid4();
        await dbPut(db, "photos", { key, task, name: file.name, blob: file });
        draft.photos.push({ key, name: file.name, uploaded: false });
      }
      photoInput.value = "";
      if (draft.status === "new") draft.status = "draft";
      await save();
      showPhotos();
      setStatus("draft");
    });

    // Signatures: a finger (or mouse) on a canvas, kept as a PNG.
    function pad(canvas) {
      const role = canvas.dataset.signaturePad;
      const context = canvas.getContext("2d");
      context.lineWidth = 4;
      context.lineCap = "round";
      context.strokeStyle = "#111";
      let drawing = false;
      const point = (event) => {
        const box = canvas.getBoundingClientRect();
        return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
      };
      canvas.addEventListener("pointerdown", (event) => {
        drawing = true;
        canvas.setPointerCapture(event.pointerId);
        context.beginPath();
        context.moveTo(...point(event));
      });
      canvas.addEventListener("pointermove", (event) => {
        if (!drawing) return;
        context.lineTo(...point(event));
        context.stroke();
      });
      const end = async () => {
        if (!drawing) return;
        drawing = false;
        draft.signatures[role] = { image: canvas.toDataURL("image/png"), signed_at: new Date().toISOString() };
        if (draft.status === "new") draft.status = "draft";
        await save();
        markSigned(role);
        setStatus("draft");
      };
      canvas.addEventListener("pointerup", end);
      canvas.addEventListener("pointercancel", end);
      const saved = draft.signatures[role];
      if (saved) {
        const image = new Image();
        image.onload = () => context.drawImage(image, 0, 0, canvas.width, canvas.height);
        image.src = saved.image;
      }
      form.querySelector(`[data-signature-clear=${role}]`).addEventListener("click", async () => {
        context.clearRect(0, 0, canvas.width, canvas.height);
        delete draft.signatures[role];
        await save();
        markSigned(role);
      });
      markSigned(role);
    }
    function markSigned(role) {
      const state = form.querySelector(`[data-signature-state=${role}]`);
      const saved = draft.signatures[role];
      if (state) state.textContent = saved ? `${t("signed")} ${new Date(saved.signed_at).toLocaleTimeString()}` : "";
    }

    // Errors: summarised at the top, each field marked, the page scrolled to the first one.
    function showErrors(errors) {
      form.querySelectorAll(".field-error[data-client]").forEach((node) => node.remove());
      form.querySelectorAll(".has-error").forEach((node) => node.classList.remove("has-error"));
      const list = summary.querySelector("ul");
      list.replaceChildren();
      errors.forEach(({ field, message }) => {
        const item = document.createElement("li");
        const container = form.querySelector(`[data-field="${field}"]`);
        const label = container?.querySelector("label, legend")?.firstChild?.textContent?.trim() || "";
        if (container) {
          const link = document.createElement("a");
          link.href = `#${container.querySelector("input, select, textarea, canvas")?.id || "id_" + field}`;
          link.textContent = label ? `${label}: ${message}` : message;
          item.append(link);
          container.classList.add("has-error");
          const note = document.createElement("p");
          note.className = "field-error";
          note.dataset.client = "";
          note.setAttribute("role", "alert");
          note.textContent = message;
          container.append(note);
        } else item.textContent = message;
        list.append(item);
      });
      summary.hidden = errors.length === 0;
      if (!errors.length) return;
      const first = form.querySelector(".has-error");
      (first || summary).scrollIntoView({ block: "center" });
      const input = first?.querySelector("input:not([type=hidden]), select, textarea");
      (input || summary).focus({ preventScroll: true });
    }
    function validate() {
      const errors = [];
      const value = (name) => (form.elements[name]?.value || "").trim();
      const need = (name, message) => { if (!value(name)) errors.push({ field: name, message: message || t("required") }); };
      const photos = draft.photos.length + photoList.querySelectorAll("[data-received]").length;
      if (outcome() === "refused") {
        need("refusal_reason");
        if (!photos && !value("refusal_witness")) errors.push({ field: "refusal_witness", message: t("evidence") });
        if (!form.elements.confirm_refusal.checked) errors.push({ field: "confirm_refusal", message: t("confirm") });
      } else {
        if (!value("product")) need("product_name");
        ["batch_number", "quantity", "sampling_place", "seal_numbers", "enterprise_signatory"].forEach((name) => need(name));
        if (!photos) errors.push({ field: "photos", message: t("photo_required") });
      }
      need("inspector_signatories");
      const missing = rolesNeeded().filter((role) => !draft.signatures[role]);
      if (missing.length) errors.push({ field: "signatures", message: t("sign", missing.map((role) => t(`role_${role}`)).join("、")) });
      return errors;
    }
    const rolesNeeded = () => (outcome() === "refused" ? ROLES.slice(1) : ROLES);

    function payload() {
      const fields = collect();
      const body = { client_key: draft.client_key, refused: fields.outcome === "refused" };
      ["product_name", "specification", "trademark", "batch_number", "quantity", "sampling_place", "seal_numbers",
        "enterprise_signatory", "inspector_signatories", "refusal_reason", "refusal_witness"].forEach((name) => { body[name] = fields[name] || ""; });
      body.product = fields.product || null;
      body.production_date = fields.production_date || null;
      body.photo_keys = draft.photos.map((photo) => photo.key).concat(
        Array.from(photoList.querySelectorAll("[data-received]"), (node) => node.dataset.received));
      body.signatures = rolesNeeded().filter((role) => draft.signatures[role]).map((role) => ({
        role,
        signer_name: role === "enterprise" ? body.enterprise_signatory : (form.querySelector(`[data-signer=${role}]`)?.textContent || ""),
        image: draft.signatures[role].image,
        signed_at: draft.signatures[role].signed_at,
      }));
      return body;
    }

    async function answered(response) {
      let body = {};
      try { body = await response.json(); } catch (error) { body = {}; }
      const error = body.error || {};
      if (response.status === 400) {
        draft.status = "draft";
        await save();
        const fields = error.fields || {};
        const errors = [];
        Object.entries(fields).forEach(([name, list]) => {
          const field = name === "photo_keys" || name === "file" ? "photos" : name;
          const text = Array.isArray(list) ? list.map((entry) => (typeof entry === "string" ? entry : JSON.stringify(entry))).join(" ") : JSON.stringify(list);
          errors.push({ field, message: text });
        });
        setStatus("error");
        showErrors(errors);
      } else if ([403, 404, 409].includes(response.status)) {
        draft.status = "conflict";
        draft.message = error.message || "";
        await save();
        setStatus("conflict", draft.message);
      } else {
        draft.status = "queued";
        await save();
        setStatus("queued");
      }
    }

    async function send() {
      if (sending || draft.status !== "queued") return;
      if (!navigator.onLine) { setStatus("queued"); return; }
      sending = true;
      setStatus("sending");
      try {
        for (const photo of draft.photos.filter((entry) => !entry.uploaded)) {
          const stored = await dbGet(db, "photos", photo.key);
          const data = new FormData();
          data.append("task", task);
          data.append("key", photo.key);
          data.append("file", stored.blob, photo.name);
          const response = await fetch(form.dataset.uploadUrl, { method: "POST", body: data, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" });
          if (response.status !== 200 && response.status !== 201) return await answered(response);
          photo.uploaded = true;
          await save();
          showPhotos();
        }
        const response = await fetch(form.dataset.submitUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
          body: JSON.stringify(payload()),
          credentials: "same-origin",
        });
        if (response.status === 200 || response.status === 201) {
          const record = await response.json();
          draft.status = "sent";
          draft.record = record.id;
          await save();
          for (const photo of draft.photos) await dbDelete(db, "photos", photo.key);
          setStatus("sent", record.id);
          showErrors([]);
          return;
        }
        await answered(response);
      } catch (error) {
        draft.status = "queued";  // no network (or it dropped): kept here, sent when it returns
        await save();
        setStatus("queued");
      } finally {
        sending = false;
      }
    }

    restore(draft.fields);
    showOutcome();
    showPhotos();
    form.querySelectorAll("[data-signature-pad]").forEach(pad);
    const onEdit = async () => {
      if (draft.status === "sent") return;
      draft.fields = collect();
      if (draft.status === "new" || draft.status === "error") draft.status = "draft";
      await save();
      showOutcome();
      if (draft.status === "draft") setStatus("draft");
    };
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (draft.status === "sent") return;
      draft.fields = collect();
      const errors = validate();
      showErrors(errors);
      if (errors.length) { await save(); return; }
      if (outcome() === "refused" && !window.confirm(t("confirm_dialog"))) return;
      draft.status = "queued";
      await save();
      send();
    });
    window.addEventListener("online", send);
    if (draft.status === "sent") setStatus("sent", draft.record);
    else if (draft.status === "conflict") setStatus("conflict", draft.message);
    else if (draft.status === "queued") { setStatus("queued"); send(); }
    else if (draft.status === "draft") setStatus("draft");
    const firstError = form.querySelector(".has-error");
    if (firstError) { summary.hidden = false; firstError.scrollIntoView({ block: "center" }); }
    form.dataset.ready = "true";
  }

  // --- The scan page -------------------------------------------------------------------------------------------
  function scanForm(form) {
    if (form.elements.key && !form.elements.key.value) form.elements.key.value = uuid4();
    if (navigator.geolocation && form.elements.latitude) {
      navigator.geolocation.getCurrentPosition((position) => {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
      }, () => {}, { timeout: 10000, maximumAge: 60000 });
    }
    const button = form.querySelector("[data-camera]");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const video = form.querySelector("video");
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.hidden = false;
      video.srcObject = stream;
      await video.play();
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      const look = async () => {
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length) {
          form.elements.code.value = codes[0].rawValue;
          stream.getTracks().forEach((track) => track.stop());
          video.hidden = true;
          return;
        }
        requestAnimationFrame(look);
      };
      look();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    registerWorker();
    showDrafts().catch(() => {});
    const form = document.querySelector("[data-sampling-form]");
    if (form && window.indexedDB) samplingForm(form).catch(() => {});
    const scan = document.querySelector("[data-scan-form]");
    if (scan) scanForm(scan);
  });
})();
