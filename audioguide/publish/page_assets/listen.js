/* audioguide listening page.
 *
 * One <audio> element plays the guide chapter by chapter. Everything else is a way to drive it
 * without fine finger movement: large buttons, single-key shortcuts (can be turned off and
 * remapped), switch scanning, "press anywhere", voice commands, and a transcript to seek with.
 * The guide (chapters, audio paths, sentence cues) is embedded in the page, so it works from
 * file:// as well as from a web server. No network, no libraries.
 */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const guide = JSON.parse($("guide-data").textContent);
  const chapters = guide.chapters;
  const audio = $("audio");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  if (!chapters.length) {
    return;
  }

  // ---- storage: settings for every guide, the listening position per guide ----------------------

  const SETTINGS_KEY = "audioguide:settings";
  const POSITION_KEY = "audioguide:position:" + guide.slug;

  function readStore(key) {
    try {
      const raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null; // storage switched off or unreadable: carry on without it
    }
  }

  function writeStore(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, JSON.stringify(value));
      }
    } catch (error) {
      // storage full or switched off: the page still works, it just forgets
    }
  }

  // ---- actions and settings ---------------------------------------------------------------------

  const SPEEDS = [0.75, 0.9, 1, 1.1, 1.25, 1.5];
  const INTERVALS = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];

  /** Everything a shortcut key, a voice command or switch scanning can do. */
  const ACTIONS = [
    { id: "playPause", name: "Play or pause", key: " ", run: () => togglePlay() },
    { id: "back", name: "Back 15 seconds", key: "ArrowLeft", run: () => skip(-15) },
    { id: "forward", name: "Forward 30 seconds", key: "ArrowRight", run: () => skip(30) },
    { id: "previous", name: "Previous chapter", key: "p", run: () => stepChapter(-1) },
    { id: "next", name: "Next chapter", key: "n", run: () => stepChapter(1) },
    { id: "slower", name: "Slower", key: "s", run: () => changeSpeed(-1) },
    { id: "faster", name: "Faster", key: "f", run: () => changeSpeed(1) },
    { id: "quieter", name: "Quieter", key: "ArrowDown", run: () => changeVolume(-1) },
    { id: "louder", name: "Louder", key: "ArrowUp", run: () => changeVolume(1) },
  ];

  /** Keys that keep their usual meaning and cannot be given to an action. */
  const RESERVED = new Set([
    "Tab", "Enter", "Escape", "Shift", "Control", "Alt", "AltGraph", "Meta", "OS", "CapsLock",
    "NumLock", "ScrollLock", "ContextMenu", "Dead", "Unidentified", "Process",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
  ]);
  const MODIFIERS = new Set(["Shift", "Control", "Alt", "AltGraph", "Meta", "OS", "CapsLock"]);

  const defaults = {
    shortcuts: true,
    keys: Object.fromEntries(ACTIONS.map((a) => [a.id, a.key])),
    anywhere: false,
    scanning: false,
    interval: 2,
    speed: 1,
    volume: 1,
  };

  const settings = loadSettings();

  function loadSettings() {
    const saved = readStore(SETTINGS_KEY) || {};
    const result = JSON.parse(JSON.stringify(defaults));
    for (const name of ["shortcuts", "anywhere", "scanning"]) {
      if (typeof saved[name] === "boolean") {
        result[name] = saved[name];
      }
    }
    if (INTERVALS.includes(saved.interval)) {
      result.interval = saved.interval;
    }
    if (SPEEDS.includes(saved.speed)) {
      result.speed = saved.speed;
    }
    if (typeof saved.volume === "number" && saved.volume >= 0.1 && saved.volume <= 1) {
      result.volume = Math.round(saved.volume * 10) / 10;
    }
    if (saved.keys && typeof saved.keys === "object") {
      const used = new Set();
      for (const action of ACTIONS) {
        const key = saved.keys[action.id];
        if (typeof key === "string" && key && !RESERVED.has(key) && !used.has(key)) {
          result.keys[action.id] = key;
        }
        used.add(result.keys[action.id]);
      }
      if (used.size !== ACTIONS.length) {
        result.keys = JSON.parse(JSON.stringify(defaults.keys)); // a clash: start again from defaults
      }
    }
    return result;
  }

  function saveSettings() {
    writeStore(SETTINGS_KEY, settings);
  }

  // ---- announcements for screen readers -----------------------------------------------------------

  let announceTimer = 0;

  /** Say ``message`` politely through the live region (cleared first, so repeats are spoken). */
  function announce(message) {
    const region = $("announcer");
    region.textContent = "";
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(() => {
      region.textContent = message;
    }, 80);
  }

  // ---- formatting ---------------------------------------------------------------------------------

  function clock(seconds) {
    const whole = Math.max(0, Math.floor(seconds || 0));
    const hours = Math.floor(whole / 3600);
    const minutes = Math.floor((whole % 3600) / 60);
    const secs = String(whole % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + secs : minutes + ":" + secs;
  }

  function keyName(key) {
    const names = {
      " ": "Space", ArrowLeft: "Left arrow", ArrowRight: "Right arrow", ArrowUp: "Up arrow",
      ArrowDown: "Down arrow", PageUp: "Page up", PageDown: "Page down",
    };
    if (names[key]) {
      return names[key];
    }
    return key.length === 1 ? key.toUpperCase() : key;
  }

  function normaliseKey(key) {
    return key.length === 1 ? key.toLowerCase() : key;
  }

  // ---- the player ---------------------------------------------------------------------------------

  let current = -1;
  let pendingSeek = null;
  let lastSaved = -1;

  /** Load chapter ``index``; options: time (seconds), play (start playing), announce (say so). */
  function loadChapter(index, options) {
    const opts = options || {};
    const chapter = chapters[index];
    const time = opts.time || 0;
    if (index !== current) {
      current = index;
      pendingSeek = time > 0 ? time : null;
      audio.defaultPlaybackRate = settings.speed;
      audio.src = chapter.audio;
      audio.playbackRate = settings.speed;
      renderTranscript();
    } else {
      seekTo(time);
    }
    showChapter();
    if (opts.announce) {
      announce("Now playing " + chapter.name + ".");
    }
    if (opts.play) {
      play();
    }
    savePosition(true);
  }

  function seekTo(time) {
    if (audio.readyState >= 1 && Number.isFinite(audio.duration)) {
      pendingSeek = null;
      audio.currentTime = Math.min(Math.max(0, time), audio.duration);
    } else {
      pendingSeek = time;
    }
  }

  function play() {
    hideResume();
    const started = audio.play();
    if (started && started.catch) {
      started.catch((error) => {
        if (error && error.name !== "AbortError") {
          announce("The audio could not start. Choose Play to try again.");
        }
        showPlaying();
      });
    }
  }

  function pause() {
    audio.pause();
  }

  function togglePlay() {
    if (audio.paused) {
      play();
    } else {
      pause();
    }
  }

  function skip(seconds) {
    const duration = chapters[current].duration;
    const from = pendingSeek !== null ? pendingSeek : audio.currentTime;
    seekTo(Math.min(Math.max(0, from + seconds), Math.max(0, duration - 0.1)));
  }

  function stepChapter(delta) {
    const index = current + delta;
    if (index < 0) {
      announce("This is the first chapter.");
      return;
    }
    if (index >= chapters.length) {
      announce("This is the last chapter.");
      return;
    }
    goToChapter(index);
  }

  /** Go to a chapter and keep playing if we were playing (or start, when the listener chose it). */
  function goToChapter(index, startPlaying) {
    const playing = startPlaying || !audio.paused;
    loadChapter(index, { time: 0, play: playing, announce: true });
  }

  function chapterByNumber(number) {
    const wanted = number === 0 ? "contents" : "chapter";
    return chapters.findIndex((c) => c.kind === wanted && (number === 0 || c.number === number));
  }

  function changeSpeed(direction) {
    const at = SPEEDS.indexOf(settings.speed);
    const next = at + direction;
    if (next < 0 || next >= SPEEDS.length) {
      announce(direction < 0 ? "This is the slowest speed." : "This is the fastest speed.");
      return;
    }
    settings.speed = SPEEDS[next];
    audio.defaultPlaybackRate = settings.speed;
    audio.playbackRate = settings.speed;
    saveSettings();
    showTuning();
    announce(speedText());
  }

  function changeVolume(direction) {
    const next = Math.round((settings.volume + direction * 0.1) * 10) / 10;
    if (next < 0.1 || next > 1) {
      announce(direction < 0 ? "This is the quietest setting." : "This is the loudest setting.");
      return;
    }
    settings.volume = next;
    audio.volume = next;
    saveSettings();
    showTuning();
    announce(volumeText());
  }

  function speedText() {
    return settings.speed === 1 ? "Speed: normal" : "Speed: " + settings.speed + " times";
  }

  function volumeText() {
    return "Volume: " + Math.round(settings.volume * 100) + "%";
  }

  // ---- showing the state --------------------------------------------------------------------------

  function showChapter() {
    const chapter = chapters[current];
    $("now-title").textContent = chapter.name;
    $("anywhere-title").textContent = chapter.name;
    document.querySelectorAll("#chapter-list .chapter").forEach((button) => {
      if (Number(button.dataset.index) === current) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    });
    showTime();
  }

  function showTime() {
    const chapter = chapters[current];
    const time = pendingSeek !== null ? pendingSeek : audio.currentTime;
    $("time").textContent = clock(time) + " of " + clock(chapter.duration);
    const share = chapter.duration > 0 ? Math.min(1, time / chapter.duration) : 0;
    $("progress-bar").style.width = (share * 100).toFixed(2) + "%";
  }

  function showPlaying() {
    const playing = !audio.paused;
    $("play").classList.toggle("is-playing", playing);
    $("play-text").textContent = playing ? "Pause" : "Play";
    $("anywhere-state").textContent = playing
      ? "Playing. Press anywhere to pause."
      : "Paused. Press anywhere to play.";
  }

  function showTuning() {
    $("speed-label").textContent = speedText();
    $("volume-label").textContent = volumeText();
  }

  // ---- the listening position ---------------------------------------------------------------------

  function savePosition(force) {
    if (current < 0 || pendingSeek !== null) {
      return; // a restored position has not been reached yet: keep the saved one
    }
    const time = audio.currentTime || 0;
    if (!force && Math.abs(time - lastSaved) < 1) {
      return;
    }
    lastSaved = time;
    writeStore(POSITION_KEY, { chapter: chapters[current].slug, time: Math.round(time * 10) / 10 });
  }

  function savedPosition() {
    const saved = readStore(POSITION_KEY);
    if (!saved || typeof saved.chapter !== "string" || typeof saved.time !== "number") {
      return null;
    }
    const index = chapters.findIndex((c) => c.slug === saved.chapter);
    if (index < 0 || saved.time < 0 || saved.time > chapters[index].duration) {
      return null;
    }
    return { index: index, time: saved.time };
  }

  function offerResume(position) {
    $("resume-text").textContent =
      "You stopped at " + clock(position.time) + " in " + chapters[position.index].name + ".";
    $("resume").hidden = false;
  }

  function hideResume() {
    $("resume").hidden = true;
  }

  // ---- the transcript -----------------------------------------------------------------------------

  let cueButtons = [];
  let currentCue = -1;

  function renderTranscript() {
    const list = $("cues");
    list.textContent = "";
    cueButtons = chapters[current].cues.map((cue, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cue cue-" + cue.kind;
      button.dataset.index = String(index);
      button.tabIndex = index === 0 ? 0 : -1;
      button.textContent = cue.text;
      item.appendChild(button);
      list.appendChild(item);
      return button;
    });
    currentCue = -1;
    $("transcript-box").scrollTop = 0;
    showCue();
  }

  function cueAt(time) {
    const cues = chapters[current].cues;
    let found = 0;
    for (let i = 0; i < cues.length; i += 1) {
      if (cues[i].start <= time + 0.05) {
        found = i;
      } else {
        break;
      }
    }
    return found;
  }

  function showCue() {
    if (!cueButtons.length) {
      return;
    }
    const time = pendingSeek !== null ? pendingSeek : audio.currentTime;
    const index = cueAt(time);
    if (index === currentCue) {
      return;
    }
    const box = $("transcript-box");
    const focusInside = box.contains(document.activeElement);
    if (currentCue >= 0 && cueButtons[currentCue]) {
      cueButtons[currentCue].classList.remove("is-current");
      cueButtons[currentCue].removeAttribute("aria-current");
    }
    currentCue = index;
    const button = cueButtons[index];
    button.classList.add("is-current");
    button.setAttribute("aria-current", "true");
    if (!focusInside) {
      // The sentence being heard is the transcript's one stop in the Tab order.
      cueButtons.forEach((b) => {
        b.tabIndex = b === button ? 0 : -1;
      });
      keepInView(button);
    }
  }

  /** Scroll the transcript box (never the page) so ``button`` is in view. */
  function keepInView(button) {
    const box = $("transcript-box");
    if (box.scrollHeight <= box.clientHeight + 1) {
      return;
    }
    const top = button.offsetTop;
    const bottom = top + button.offsetHeight;
    if (top >= box.scrollTop && bottom <= box.scrollTop + box.clientHeight) {
      return;
    }
    box.scrollTo({
      top: Math.max(0, top - box.clientHeight / 3),
      behavior: reducedMotion.matches ? "auto" : "smooth",
    });
  }

  function moveCueFocus(from, key) {
    const at = cueButtons.indexOf(from);
    let to = at;
    if (key === "ArrowDown") to = Math.min(cueButtons.length - 1, at + 1);
    if (key === "ArrowUp") to = Math.max(0, at - 1);
    if (key === "Home") to = 0;
    if (key === "End") to = cueButtons.length - 1;
    cueButtons.forEach((b, i) => {
      b.tabIndex = i === to ? 0 : -1;
    });
    cueButtons[to].focus();
  }

  $("cues").addEventListener("click", (event) => {
    const button = event.target.closest("button.cue");
    if (!button) {
      return;
    }
    const cue = chapters[current].cues[Number(button.dataset.index)];
    cueButtons.forEach((b) => {
      b.tabIndex = b === button ? 0 : -1;
    });
    seekTo(cue.start);
    play();
  });

  // ---- audio events -------------------------------------------------------------------------------

  audio.addEventListener("loadedmetadata", () => {
    audio.playbackRate = settings.speed;
    if (pendingSeek !== null) {
      const time = pendingSeek;
      pendingSeek = null;
      audio.currentTime = Math.min(time, audio.duration);
    }
  });
  audio.addEventListener("timeupdate", () => {
    showTime();
    showCue();
    savePosition(false);
  });
  audio.addEventListener("seeked", () => {
    showTime();
    showCue();
    savePosition(true);
  });
  audio.addEventListener("play", showPlaying);
  audio.addEventListener("playing", () => {
    hideResume();
    showPlaying();
  });
  audio.addEventListener("pause", () => {
    showPlaying();
    savePosition(true);
  });
  audio.addEventListener("ended", () => {
    if (current + 1 < chapters.length) {
      loadChapter(current + 1, { time: 0, play: true, announce: true });
    } else {
      showPlaying();
      writeStore(POSITION_KEY, null);
      announce("That is the end of the guide.");
    }
  });
  audio.addEventListener("error", () => {
    if (audio.getAttribute("src")) {
      announce("The audio of " + chapters[current].name + " could not be loaded.");
    }
  });
  window.addEventListener("pagehide", () => savePosition(true));

  // ---- buttons ------------------------------------------------------------------------------------

  const buttonActions = {
    play: () => togglePlay(),
    back: () => skip(-15),
    forward: () => skip(30),
    previous: () => stepChapter(-1),
    next: () => stepChapter(1),
    slower: () => changeSpeed(-1),
    faster: () => changeSpeed(1),
    quieter: () => changeVolume(-1),
    louder: () => changeVolume(1),
  };
  for (const [id, run] of Object.entries(buttonActions)) {
    $(id).addEventListener("click", run);
  }

  $("chapter-list").addEventListener("click", (event) => {
    const button = event.target.closest("button.chapter");
    if (button) {
      goToChapter(Number(button.dataset.index), true);
    }
  });

  $("resume-play").addEventListener("click", () => {
    play();
    $("play").focus();
  });
  $("resume-restart").addEventListener("click", () => {
    hideResume();
    loadChapter(0, { time: 0 });
    $("play").focus();
  });

  // ---- settings -----------------------------------------------------------------------------------

  function showSwitch(id, on) {
    const button = $(id);
    button.setAttribute("aria-checked", on ? "true" : "false");
    button.querySelector(".state").textContent = on ? "On" : "Off";
  }

  let waitingFor = null; // the action whose new key we are waiting for

  function renderKeys() {
    const list = $("key-list");
    list.textContent = "";
    for (const action of ACTIONS) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "control key-button";
      button.dataset.action = action.id;
      const name = document.createElement("span");
      const key = document.createElement("span");
      const gap = document.createElement("span");
      gap.className = "sr-only";
      key.className = "key-name";
      if (waitingFor === action.id) {
        button.classList.add("is-waiting");
        name.textContent = "Press the new key for " + action.name;
        gap.textContent = ". Escape keeps ";
      } else {
        name.textContent = action.name;
        gap.textContent = ": key ";
      }
      key.textContent = keyName(settings.keys[action.id]);
      button.append(name, gap, key);
      item.appendChild(button);
      list.appendChild(item);
    }
  }

  function focusKeyButton(actionId) {
    const button = $("key-list").querySelector('[data-action="' + actionId + '"]');
    if (button) {
      button.focus();
    }
  }

  $("key-list").addEventListener("click", (event) => {
    const button = event.target.closest("button.key-button");
    if (!button) {
      return;
    }
    const id = button.dataset.action;
    waitingFor = waitingFor === id ? null : id;
    renderKeys();
    focusKeyButton(id);
    if (waitingFor) {
      const action = ACTIONS.find((a) => a.id === id);
      announce("Press the new key for " + action.name + ", or Escape to keep " + keyName(settings.keys[id]) + ".");
    }
  });

  /** Give ``key`` to the action we are waiting for; an action that had it takes the old key. */
  function assignKey(key) {
    const id = waitingFor;
    const action = ACTIONS.find((a) => a.id === id);
    const old = settings.keys[id];
    const holder = ACTIONS.find((a) => a.id !== id && settings.keys[a.id] === key);
    settings.keys[id] = key;
    let message = action.name + " is now the " + keyName(key) + " key.";
    if (holder) {
      settings.keys[holder.id] = old;
      message += " " + holder.name + " is now the " + keyName(old) + " key.";
    }
    waitingFor = null;
    saveSettings();
    renderKeys();
    focusKeyButton(id);
    announce(message);
  }

  $("keys-reset").addEventListener("click", () => {
    settings.keys = JSON.parse(JSON.stringify(defaults.keys));
    waitingFor = null;
    saveSettings();
    renderKeys();
    announce("All keys are back as they were.");
  });

  $("set-shortcuts").addEventListener("click", () => {
    settings.shortcuts = !settings.shortcuts;
    saveSettings();
    showSwitch("set-shortcuts", settings.shortcuts);
    announce(settings.shortcuts ? "Shortcut keys on." : "Shortcut keys off.");
  });

  $("set-anywhere").addEventListener("click", () => setAnywhere(true));
  $("anywhere-exit").addEventListener("click", () => setAnywhere(false));

  $("set-scanning").addEventListener("click", () => setScanning(!settings.scanning));
  $("scan-stop").addEventListener("click", () => setScanning(false));

  $("set-interval").addEventListener("change", (event) => {
    const value = Number(event.target.value);
    if (INTERVALS.includes(value)) {
      settings.interval = value;
      saveSettings();
      if (settings.scanning) {
        scheduleScan();
      }
    }
  });

  // ---- press anywhere -----------------------------------------------------------------------------

  function setAnywhere(on) {
    settings.anywhere = on;
    saveSettings();
    showSwitch("set-anywhere", on);
    $("page").hidden = on;
    $("anywhere").hidden = !on;
    if (on) {
      stopScanTimer();
      $("anywhere-toggle").focus();
      announce("Press anywhere is on. Any key or click plays or pauses. Escape shows all controls.");
    } else {
      if (settings.scanning) {
        startScanning();
      } else {
        $("play").focus();
      }
      announce("All controls are back.");
    }
  }

  // ---- switch scanning ----------------------------------------------------------------------------

  let scanTimer = 0;
  let scanned = null; // the highlighted control

  function scanTargets() {
    return Array.from(document.querySelectorAll("[data-scan]")).filter(
      (el) => !el.closest("[hidden]") && el.getClientRects().length > 0,
    );
  }

  function highlight(el) {
    if (scanned) {
      scanned.classList.remove("scan-current");
    }
    scanned = el;
    if (el) {
      el.classList.add("scan-current");
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth" });
    }
  }

  function scanStep() {
    const targets = scanTargets();
    if (!targets.length) {
      highlight(null);
      return;
    }
    const at = targets.indexOf(scanned);
    highlight(targets[(at + 1) % targets.length]);
  }

  function stopScanTimer() {
    window.clearTimeout(scanTimer);
    scanTimer = 0;
  }

  function scheduleScan() {
    stopScanTimer();
    scanTimer = window.setTimeout(() => {
      scanStep();
      scheduleScan();
    }, settings.interval * 1000);
  }

  function startScanning() {
    document.body.classList.add("scanning");
    $("scan-stop").hidden = false;
    const targets = scanTargets();
    highlight(targets[0] || null);
    scheduleScan();
  }

  function setScanning(on) {
    settings.scanning = on;
    saveSettings();
    showSwitch("set-scanning", on);
    if (on) {
      announce("Switch scanning is on. Press any key or click to choose the highlighted button.");
      if (!settings.anywhere) {
        startScanning();
      }
    } else {
      stopScanTimer();
      highlight(null);
      document.body.classList.remove("scanning");
      $("scan-stop").hidden = true;
      $("play").focus();
      announce("Switch scanning is off.");
    }
  }

  let activating = false;
  let ignoreClicksUntil = 0;

  /** Choose the highlighted control, then stay on it for a whole interval before moving on. */
  function scanActivate() {
    const target = scanned;
    if (!target) {
      return;
    }
    activating = true;
    try {
      target.click();
    } finally {
      activating = false;
    }
    if (settings.scanning && !settings.anywhere) {
      if (!scanned || scanned.closest("[hidden]") || !scanned.getClientRects().length) {
        scanStep();
      }
      scheduleScan();
    }
  }

  // ---- voice control ------------------------------------------------------------------------------

  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  let recognizer = null;
  let listening = false;

  const NUMBER_WORDS = {
    zero: 0, one: 1, won: 1, two: 2, to: 2, too: 2, three: 3, four: 4, for: 4, five: 5, six: 6,
    seven: 7, eight: 8, ate: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13,
    fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  };

  const VOICE_COMMANDS = [
    [/\b(next|skip chapter)\b/, () => stepChapter(1)],
    [/\b(previous|last chapter)\b/, () => stepChapter(-1)],
    [/\b(back|rewind)\b/, () => skip(-15)],
    [/\b(forward|skip)\b/, () => skip(30)],
    [/\b(slower|slow down)\b/, () => changeSpeed(-1)],
    [/\b(faster|speed up)\b/, () => changeSpeed(1)],
    [/\b(louder|volume up)\b/, () => changeVolume(1)],
    [/\b(quieter|softer|volume down)\b/, () => changeVolume(-1)],
    [/\b(pause|stop|wait)\b/, () => pause()],
    [/\b(play|resume|continue|start|go)\b/, () => play()],
  ];

  function obey(phrase) {
    const said = phrase.toLowerCase().trim();
    const chapter = said.match(/\bchapter\s+(\w+)/);
    if (chapter) {
      const word = chapter[1];
      const number = /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word];
      const index = number === undefined ? -1 : chapterByNumber(number);
      if (index >= 0) {
        goToChapter(index, true);
        return true;
      }
      announce("There is no chapter " + word + ".");
      return false;
    }
    for (const [pattern, run] of VOICE_COMMANDS) {
      if (pattern.test(said)) {
        run();
        return true;
      }
    }
    return false;
  }

  function setVoice(on) {
    listening = on;
    showSwitch("voice-toggle", on);
    if (on) {
      if (!recognizer) {
        recognizer = new Recognition();
        recognizer.lang = guide.language || document.documentElement.lang || "en";
        recognizer.continuous = true;
        recognizer.interimResults = false;
        recognizer.onresult = (event) => {
          const result = event.results[event.results.length - 1];
          const phrase = result[0].transcript;
          const understood = obey(phrase);
          $("voice-status").textContent = understood
            ? "Heard: “" + phrase.trim() + "”."
            : "Heard “" + phrase.trim() + "”, which is not a command. Try “play”, “pause”, “next” or “back”.";
        };
        recognizer.onerror = (event) => {
          if (event.error === "no-speech" || event.error === "aborted") {
            return;
          }
          const reasons = {
            "not-allowed": "Voice control needs permission to use the microphone.",
            "service-not-allowed": "This browser does not allow voice control here.",
            "audio-capture": "No microphone was found.",
            network: "Voice control needs an internet connection in this browser.",
          };
          setVoice(false);
          $("voice-status").textContent = reasons[event.error] || "Voice control stopped working.";
          announce($("voice-status").textContent);
        };
        recognizer.onend = () => {
          if (listening) {
            try {
              recognizer.start(); // recognition stops after a silence; keep listening
            } catch (error) {
              setVoice(false);
            }
          }
        };
      }
      try {
        recognizer.start();
        $("voice-status").textContent = "Listening. Say “play”, “pause”, “next”, “back”, “chapter three”, “slower” or “faster”.";
        announce("Voice control on.");
      } catch (error) {
        listening = false;
        showSwitch("voice-toggle", false);
      }
    } else if (recognizer) {
      recognizer.stop();
      announce("Voice control off.");
    }
  }

  if (Recognition) {
    $("voice").hidden = false;
    $("voice-toggle").addEventListener("click", () => setVoice(!listening));
  }

  // ---- keys and clicks: the modes decide first ----------------------------------------------------

  function onKeyDown(event) {
    const key = event.key;
    const target = event.target instanceof Element ? event.target : document.body;

    if (waitingFor) {
      if (key === "Tab") {
        waitingFor = null; // leaving the key list is never a trap
        renderKeys();
        return;
      }
      if (MODIFIERS.has(key)) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const id = waitingFor;
      if (key === "Escape") {
        waitingFor = null;
        renderKeys();
        focusKeyButton(id);
        announce("Kept " + keyName(settings.keys[id]) + ".");
      } else if (RESERVED.has(key)) {
        announce(keyName(key) + " cannot be changed. Choose another key, or Escape.");
      } else {
        assignKey(normaliseKey(key));
      }
      return;
    }

    if (settings.anywhere) {
      if (key === "Tab" || MODIFIERS.has(key)) {
        return;
      }
      if (target.closest("#anywhere-exit") && (key === "Enter" || key === " ")) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      if (key === "Escape") {
        setAnywhere(false);
      } else if (!event.repeat) {
        ignoreClicksUntil = performance.now() + 500;
        togglePlay();
      }
      return;
    }

    if (settings.scanning) {
      if (MODIFIERS.has(key)) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      if (!event.repeat) {
        ignoreClicksUntil = performance.now() + 500;
        scanActivate();
      }
      return;
    }

    if (event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    if (target.closest("#cues") && ["ArrowUp", "ArrowDown", "Home", "End"].includes(key)) {
      const cue = target.closest("button.cue");
      if (cue) {
        event.preventDefault();
        moveCueFocus(cue, key);
        return;
      }
    }
    if (target.closest("select, input, textarea, [contenteditable]")) {
      return;
    }
    if ((key === "Enter" || key === " ") && target.closest("button, a, summary")) {
      return; // Enter and Space press the focused control, as everywhere
    }
    if (!settings.shortcuts) {
      return;
    }
    const pressed = normaliseKey(key);
    const action = ACTIONS.find((a) => settings.keys[a.id] === pressed);
    if (action) {
      event.preventDefault();
      if (!event.repeat) {
        action.run(); // held keys do not repeat: a tired hand resting on a key changes nothing
      }
      return;
    }
    if (/^[0-9]$/.test(pressed)) {
      const index = chapterByNumber(Number(pressed));
      event.preventDefault();
      if (event.repeat) {
        return;
      }
      if (index >= 0) {
        goToChapter(index, true);
      } else {
        announce("There is no chapter " + pressed + ".");
      }
    }
  }

  function onClick(event) {
    if (activating) {
      return; // our own click on the highlighted control
    }
    if (settings.anywhere) {
      if (event.target instanceof Element && event.target.closest("#anywhere-exit")) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      if (performance.now() >= ignoreClicksUntil) {
        togglePlay();
      }
      return;
    }
    if (settings.scanning) {
      event.preventDefault();
      event.stopPropagation();
      if (performance.now() >= ignoreClicksUntil) {
        scanActivate();
      }
    }
  }

  document.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("click", onClick, true);

  // ---- start --------------------------------------------------------------------------------------

  document.documentElement.classList.add("has-script");
  audio.volume = settings.volume;
  showTuning();
  showSwitch("set-shortcuts", settings.shortcuts);
  showSwitch("set-anywhere", settings.anywhere);
  showSwitch("set-scanning", settings.scanning);
  $("set-interval").value = String(settings.interval);
  renderKeys();

  const resume = savedPosition();
  if (resume && (resume.index > 0 || resume.time >= 1)) {
    loadChapter(resume.index, { time: resume.time });
    offerResume(resume);
  } else {
    loadChapter(0, { time: 0 });
  }
  showPlaying();

  if (settings.anywhere) {
    setAnywhere(true);
  } else if (settings.scanning) {
    startScanning();
  }
})();
