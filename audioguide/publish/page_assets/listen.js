/* audioguide listening page.
 *
 * One <audio> element plays the guide chapter by chapter. Everything else is a way to drive it
 * without fine finger movement: large buttons, single-key shortcuts (can be turned off and
 * remapped), group switch scanning, "press anywhere", voice commands, headset and lock-screen
 * buttons (Media Session), a transcript to seek with, and a subscribe panel with one button per
 * podcast app. The guide (chapters, audio paths, sentence cues, podcast apps) is embedded in the
 * page, so it works from file:// as well as from a web server. No network, no libraries.
 *
 * The parts, in order: storage; the action table (what keys, buttons, scanning, voice and the
 * Media Session all do); the player; showing the state; the transcript; subscribing; the modes
 * (waiting for a key, press anywhere, switch scanning, normal), each one object with its key and
 * click handling; voice; start.
 */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const dataElement = $("guide-data");
  if (!dataElement) {
    return;
  }
  const guide = JSON.parse(dataElement.textContent);
  const chapters = guide.chapters || [];
  const audio = $("audio");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // ---- the page's words, in the guide's language (guide.strings: audioguide/data/messages/*.toml) ---

  const STRINGS = guide.strings || {};
  const LANGUAGE = guide.language || document.documentElement.lang || "en";
  const PLURALS = pluralRules();

  function pluralRules() {
    try {
      return new Intl.PluralRules(LANGUAGE);
    } catch (error) {
      return new Intl.PluralRules("en");
    }
  }

  /**
   * The message ``key`` with its ``{name}`` placeholders filled from ``values``. A message that is a
   * table of plural forms picks its form by ``values.count`` (CLDR's categories, as the build does).
   * Numbers among the values are written the language's way ("1,5" in Spanish).
   */
  function t(key, values) {
    let message = STRINGS[key];
    if (message && typeof message === "object") {
      const count = Number(values && values.count);
      message = message[PLURALS.select(count)] || message.other;
    }
    if (typeof message !== "string") {
      return key; // a page built before this key existed: say something rather than nothing
    }
    return message.replace(/\{([a-z_]+)(?::[mfn])?\}/g, (whole, name) => {
      if (!values || !Object.prototype.hasOwnProperty.call(values, name)) {
        return whole;
      }
      const value = values[name];
      return typeof value === "number" ? numberText(value) : String(value);
    });
  }

  /** A number as the guide's language writes it (its decimal sign), in the digits the page uses. */
  function numberText(value) {
    try {
      return new Intl.NumberFormat(LANGUAGE, { numberingSystem: "latn", maximumFractionDigits: 2 }).format(value);
    } catch (error) {
      return String(value);
    }
  }

  /** ``text`` as a sentence: a full stop only when it does not already end like one. */
  function sentence(text) {
    const trimmed = String(text).trim();
    return /[.?!…]["”’)]*$/.test(trimmed) ? trimmed : trimmed + ".";
  }

  // ---- subscribing: one link per podcast app, built from the table in the page ---------------------

  /** The feed's absolute address: from the build's base URL, else from where the page was served. */
  function feedAddress() {
    if (guide.feedUrl) {
      return guide.feedUrl;
    }
    if (location.protocol === "http:" || location.protocol === "https:") {
      return new URL(guide.feed || "feed.xml", location.href).href;
    }
    return null; // file:// -- the panel says how to get an address
  }

  /** The same rule as audioguide/publish/subscribe.py's link(). */
  function clientLink(client, url) {
    if (client.query) {
      return client.prefix + encodeURIComponent(url);
    }
    return client.prefix + url.replace(/^https?:\/\//, "");
  }

  function devicePlatform() {
    const agent = navigator.userAgent || "";
    if (/Android/.test(agent)) return "Android";
    if (/iPhone|iPod/.test(agent)) return "iPhone";
    if (/iPad/.test(agent)) return "iPad";
    if (/Macintosh/.test(agent)) return navigator.maxTouchPoints > 1 ? "iPad" : "Mac";
    return null;
  }

  function appButton(client, url) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.className = "control app-link";
    link.dataset.scan = "";
    link.dataset.client = client.id;
    link.href = clientLink(client, url);
    const name = document.createElement("span");
    name.className = "app-name";
    name.textContent = client.name;
    const where = document.createElement("span");
    where.className = "app-where";
    where.textContent = client.platforms.join(", ");
    link.append(name, " ", where);
    item.appendChild(link);
    return item;
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (error) {
        // fall through to the older way
      }
    }
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "sr-only";
    document.body.appendChild(field);
    field.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    field.remove();
    return done;
  }

  function setUpSubscribe() {
    const apps = $("subscribe-apps");
    const url = feedAddress();
    if (!apps || !url) {
      return;
    }
    const list = $("app-list");
    const clients = guide.clients || [];
    if (!guide.feedUrl) {
      // Served without a base URL: the address is known only now, so the buttons are made now.
      list.textContent = "";
      clients.forEach((client) => list.appendChild(appButton(client, url)));
      $("feed-address").textContent = url;
      $("subscribe-none").hidden = true;
      apps.hidden = false;
      const feedLink = $("feed-link");
      if (feedLink) {
        feedLink.href = url;
      }
      if (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(location.hostname)) {
        $("subscribe-local").hidden = false;
      }
    }
    const platform = devicePlatform();
    if (platform) {
      // The apps for this device first, in the table's order; the others after them.
      const items = Array.from(list.children);
      const fits = (item) => {
        const client = clients.find((c) => c.id === item.firstElementChild.dataset.client);
        return client && client.platforms.includes(platform);
      };
      items.filter(fits).concat(items.filter((i) => !fits(i))).forEach((i) => list.appendChild(i));
    }
    $("copy-feed").addEventListener("click", async () => {
      const copied = await copyText(url);
      const message = copied ? t("copied") : t("copy_failed");
      $("copy-status").textContent = message;
    });
  }

  setUpSubscribe();

  if (!audio || !chapters.length) {
    return; // subscribe.html, or a guide with nothing to play
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

  // ---- the action table ---------------------------------------------------------------------------

  const SPEEDS = [0.75, 0.9, 1, 1.1, 1.25, 1.5];
  const INTERVALS = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];

  /**
   * Everything the listener can ask for, in one place. Each entry says how it is reached:
   *   key     the default shortcut key (the key list in Settings shows and remaps these)
   *   buttons the ids of buttons that do it (switch scanning chooses buttons, so it uses these too)
   *   voice   the spoken phrases, tried in this table's order (so "back to the previous chapter" is a chapter)
   *   media   the Media Session action (headset, lock screen, car), whose details go to run()
   */
  const ACTIONS = [
    { id: "playPause", name: t("play_pause"), key: " ", buttons: ["play", "bar-play"], run: () => togglePlay() },
    { id: "firstChapter", name: t("first_chapter"), voice: /\bfirst chapter\b/, run: () => goToChapter(firstChapter(), true) },
    { id: "lastChapter", name: t("last_chapter"), voice: /\b(last|final) chapter\b/, run: () => goToChapter(chapters.length - 1, true) },
    { id: "previous", name: t("previous"), key: "p", buttons: ["previous"], voice: /\bprevious\b/,
      media: "previoustrack", run: () => stepChapter(-1) },
    { id: "next", name: t("next"), key: "n", buttons: ["next"], voice: /\b(next|skip chapter)\b/,
      media: "nexttrack", run: () => stepChapter(1) },
    { id: "back", name: t("back"), key: "ArrowLeft", buttons: ["back"], voice: /\b(back|rewind)\b/,
      media: "seekbackward", run: (details) => skip(-((details && details.seekOffset) || 15)) },
    { id: "forward", name: t("forward"), key: "ArrowRight", buttons: ["forward"], voice: /\b(forward|skip)\b/,
      media: "seekforward", run: (details) => skip((details && details.seekOffset) || 30) },
    { id: "slower", name: t("slower"), key: "s", buttons: ["slower"], voice: /\b(slower|slow down)\b/, run: () => changeSpeed(-1) },
    { id: "faster", name: t("faster"), key: "f", buttons: ["faster"], voice: /\b(faster|speed up)\b/, run: () => changeSpeed(1) },
    { id: "quieter", name: t("quieter"), key: "ArrowDown", buttons: ["quieter"], voice: /\b(quieter|softer|volume down)\b/,
      run: () => changeVolume(-1) },
    { id: "louder", name: t("louder"), key: "ArrowUp", buttons: ["louder"], voice: /\b(louder|volume up)\b/, run: () => changeVolume(1) },
    { id: "pause", name: t("pause"), voice: /\b(pause|stop|wait)\b/, media: "pause", run: () => pause() },
    { id: "play", name: t("play"), voice: /\b(play|resume|continue|start|go)\b/, media: "play", run: () => play() },
    { id: "scanSlower", name: t("scan_slower"), buttons: ["scan-slower"], run: () => changeInterval(1) },
    { id: "scanFaster", name: t("scan_faster"), buttons: ["scan-faster"], run: () => changeInterval(-1) },
  ];
  const KEYED = ACTIONS.filter((a) => a.key);

  /** Keys that keep their usual meaning and cannot be given to an action. */
  const RESERVED = new Set([
    "Tab", "Enter", "Escape", "Shift", "Control", "Alt", "AltGraph", "Meta", "OS", "CapsLock",
    "NumLock", "ScrollLock", "ContextMenu", "Dead", "Unidentified", "Process",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
  ]);
  const MODIFIERS = new Set(["Shift", "Control", "Alt", "AltGraph", "Meta", "OS", "CapsLock"]);

  const defaults = {
    shortcuts: true,
    keys: Object.fromEntries(KEYED.map((a) => [a.id, a.key])),
    anywhere: false,
    scanning: false,
    voice: false,
    interval: 2,
    speed: 1,
    volume: 1,
  };

  const settings = loadSettings();

  function loadSettings() {
    const saved = readStore(SETTINGS_KEY) || {};
    const result = JSON.parse(JSON.stringify(defaults));
    for (const name of ["shortcuts", "anywhere", "scanning", "voice"]) {
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
      for (const action of KEYED) {
        const key = saved.keys[action.id];
        if (typeof key === "string" && key && !RESERVED.has(key) && !used.has(key)) {
          result.keys[action.id] = key;
        }
        used.add(result.keys[action.id]);
      }
      if (used.size !== KEYED.length) {
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
      " ": t("key_space"), ArrowLeft: t("key_left"), ArrowRight: t("key_right"), ArrowUp: t("key_up"),
      ArrowDown: t("key_down"), PageUp: t("key_page_up"), PageDown: t("key_page_down"),
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
  let wantPlaying = false; // the listener asked to play (so a broken chapter moves on playing)

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
      announce(
        opts.play
          ? sentence(t("announce_now_playing", { chapter: chapter.name }))
          : t("announce_paused", { chapter: sentence(chapter.name) })
      );
    }
    if (opts.play) {
      play();
    } else {
      showPlaying();
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
    wantPlaying = true;
    const started = audio.play();
    if (started && started.catch) {
      started.catch((error) => {
        if (error && error.name !== "AbortError" && !audio.error) {
          announce(t("announce_cannot_start"));
        }
        showPlaying();
      });
    }
  }

  function pause() {
    wantPlaying = false;
    audio.pause();
    showPlaying(); // at once: the "pause" event comes a moment later
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
      announce(t("announce_first_chapter"));
      return;
    }
    if (index >= chapters.length) {
      announce(t("announce_last_chapter"));
      return;
    }
    goToChapter(index);
  }

  /** Go to a chapter and keep playing if we were playing (or start, when the listener chose it). */
  function goToChapter(index, startPlaying) {
    hideProblem();
    const playing = startPlaying || !audio.paused;
    loadChapter(index, { time: 0, play: playing, announce: true });
  }

  /** The listener chose a chapter: the one playing pauses, a paused one carries on, another starts. */
  function chooseChapter(index) {
    if (index === current) {
      togglePlay();
    } else {
      goToChapter(index, true);
    }
  }

  function firstChapter() {
    const index = chapters.findIndex((c) => c.kind === "chapter");
    return index < 0 ? 0 : index;
  }

  function chapterByNumber(number) {
    const wanted = number === 0 ? "contents" : "chapter";
    return chapters.findIndex((c) => c.kind === wanted && (number === 0 || c.number === number));
  }

  function changeSpeed(direction) {
    const at = SPEEDS.indexOf(settings.speed);
    const next = at + direction;
    if (next < 0 || next >= SPEEDS.length) {
      announce(direction < 0 ? t("announce_slowest") : t("announce_fastest"));
      return;
    }
    settings.speed = SPEEDS[next];
    audio.defaultPlaybackRate = settings.speed;
    audio.playbackRate = settings.speed;
    saveSettings();
    showTuning();
    announce(sentence(speedText()));
  }

  function changeVolume(direction) {
    const next = Math.round((settings.volume + direction * 0.1) * 10) / 10;
    if (next < 0.1 || next > 1) {
      announce(direction < 0 ? t("announce_quietest") : t("announce_loudest"));
      return;
    }
    settings.volume = next;
    audio.volume = next;
    saveSettings();
    showTuning();
    announce(sentence(volumeText()));
  }

  /** A longer (+1) or shorter (-1) scanning interval. */
  function changeInterval(direction) {
    const at = INTERVALS.indexOf(settings.interval);
    const next = at + direction;
    if (next < 0 || next >= INTERVALS.length) {
      announce(direction < 0 ? t("announce_scan_fastest") : t("announce_scan_slowest"));
      return;
    }
    settings.interval = INTERVALS[next];
    saveSettings();
    showTuning();
    announce(sentence(intervalText()));
  }

  function speedText() {
    return settings.speed === 1 ? t("speed_normal") : t("speed_times", { speed: settings.speed });
  }

  function volumeText() {
    return t("volume", { percent: Math.round(settings.volume * 100) });
  }

  function intervalText() {
    return t("scan_interval", { count: settings.interval });
  }

  // ---- showing the state --------------------------------------------------------------------------

  function showChapter() {
    const chapter = chapters[current];
    $("now-title").textContent = chapter.name;
    $("anywhere-title").textContent = chapter.name;
    $("bar-title").textContent = chapter.name;
    document.querySelectorAll("#chapter-list .chapter").forEach((button) => {
      if (Number(button.dataset.index) === current) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    });
    showTime();
    showMediaMetadata();
  }

  function showTime() {
    const chapter = chapters[current];
    const time = pendingSeek !== null ? pendingSeek : audio.currentTime;
    $("time").textContent = t("time_of", { time: clock(time), length: clock(chapter.duration) });
    const share = chapter.duration > 0 ? Math.min(1, time / chapter.duration) : 0;
    $("progress-bar").style.width = (share * 100).toFixed(2) + "%";
  }

  function showPlaying() {
    const playing = !audio.paused;
    for (const id of ["play", "bar-play"]) {
      $(id).classList.toggle("is-playing", playing);
    }
    $("play-text").textContent = playing ? t("pause") : t("play");
    $("bar-text").textContent = playing ? t("pause") : t("play");
    const started = (pendingSeek !== null ? pendingSeek : audio.currentTime) > 0;
    document.querySelector(".now-label").textContent = playing
      ? t("now_playing")
      : started
        ? t("paused_label")
        : t("ready_label");
    $("anywhere-state").textContent = playing ? t("anywhere_playing") : t("anywhere_paused");
    showMediaState();
  }

  function showTuning() {
    $("speed-label").textContent = speedText();
    $("volume-label").textContent = volumeText();
    $("interval-label").textContent = intervalText();
  }

  function showProblem(message) {
    const box = $("problem");
    box.textContent = message;
    box.hidden = false;
  }

  function hideProblem() {
    $("problem").hidden = true;
  }

  // ---- headset, lock screen and car buttons (Media Session) ---------------------------------------

  const session = "mediaSession" in navigator ? navigator.mediaSession : null;

  function showMediaMetadata() {
    if (!session || typeof window.MediaMetadata !== "function") {
      return;
    }
    const artwork = guide.cover
      ? [{ src: new URL(guide.cover, location.href).href, sizes: "1400x1400", type: "image/png" }]
      : [];
    session.metadata = new window.MediaMetadata({
      title: chapters[current].name,
      artist: guide.title,
      album: guide.title,
      artwork: artwork,
    });
  }

  function showMediaState() {
    if (!session) {
      return;
    }
    session.playbackState = audio.paused ? "paused" : "playing";
    const duration = audio.duration;
    if (typeof session.setPositionState === "function" && Number.isFinite(duration) && duration > 0) {
      try {
        session.setPositionState({
          duration: duration,
          playbackRate: audio.playbackRate || 1,
          position: Math.min(Math.max(0, audio.currentTime), duration),
        });
      } catch (error) {
        // a browser that disagrees about the numbers: the lock screen just shows less
      }
    }
  }

  function setUpMediaSession() {
    if (!session) {
      return;
    }
    const handlers = ACTIONS.filter((a) => a.media).map((a) => [a.media, (details) => a.run(details)]);
    handlers.push(["seekto", (details) => {
      if (details && Number.isFinite(details.seekTime)) {
        if (details.fastSeek && typeof audio.fastSeek === "function") {
          audio.fastSeek(details.seekTime);
        } else {
          seekTo(details.seekTime);
        }
      }
    }]);
    for (const [name, handler] of handlers) {
      try {
        session.setActionHandler(name, handler);
      } catch (error) {
        // this browser does not know the action
      }
    }
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
    $("resume-text").textContent = sentence(
      t("resume_text", { time: clock(position.time), chapter: chapters[position.index].name })
    );
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
    showMediaState();
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
    showMediaState();
  });
  audio.addEventListener("ratechange", showMediaState);
  audio.addEventListener("play", showPlaying);
  audio.addEventListener("playing", () => {
    hideResume();
    showPlaying();
  });
  audio.addEventListener("durationchange", showMediaState);
  audio.addEventListener("pause", () => {
    showPlaying();
    savePosition(true);
  });
  audio.addEventListener("ended", () => {
    if (current + 1 < chapters.length) {
      loadChapter(current + 1, { time: 0, play: true, announce: true });
    } else {
      wantPlaying = false;
      showPlaying();
      writeStore(POSITION_KEY, null);
      announce(t("announce_end"));
    }
  });
  audio.addEventListener("error", () => {
    if (!audio.getAttribute("src")) {
      return;
    }
    // A missing or broken chapter: say so where it can be seen and heard, then move on.
    const broken = chapters[current];
    const next = current + 1 < chapters.length ? current + 1 : -1;
    let message = sentence(t("announce_load_failed", { chapter: broken.name }));
    if (next >= 0) {
      message += " " + sentence(t("announce_moving_on", { chapter: chapters[next].name }));
    }
    showProblem(message);
    if (next >= 0) {
      loadChapter(next, { time: 0, play: wantPlaying });
    } else {
      wantPlaying = false;
      showPlaying();
    }
  });
  window.addEventListener("pagehide", () => savePosition(true));

  // ---- buttons ------------------------------------------------------------------------------------

  for (const action of ACTIONS) {
    for (const id of action.buttons || []) {
      const button = $(id);
      if (button) {
        button.addEventListener("click", () => action.run());
      }
    }
  }

  $("chapter-list").addEventListener("click", (event) => {
    const button = event.target.closest("button.chapter");
    if (button) {
      chooseChapter(Number(button.dataset.index));
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

  /** The big play button's own bar at the bottom of the screen, while the button is out of sight. */
  let playInView = true;
  function showBar() {
    const inGroup = settings.scanning && scan.group !== null;
    const show = !settings.anywhere && (!playInView || inGroup);
    $("playbar").hidden = !show;
    $("scan-exit").hidden = !inGroup;
    document.body.classList.toggle("has-bar", show);
    document.documentElement.classList.toggle("has-bar", show);
  }
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      playInView = entries[entries.length - 1].isIntersecting;
      showBar();
    }).observe($("play"));
  }

  // ---- settings -----------------------------------------------------------------------------------

  function showSwitch(id, on) {
    const button = $(id);
    button.setAttribute("aria-checked", on ? "true" : "false");
    button.querySelector(".state").textContent = on ? t("on") : t("off");
  }

  let waitingFor = null; // the action whose new key we are waiting for

  /**
   * A key button's words around the key's name, from a message such as "{action}: key {key}": what is
   * seen before the key (up to the action's name), the joining words only screen readers need
   * (": key "), and anything after the key.
   */
  function keyParts(message, actionName) {
    const text = typeof message === "string" ? message : "{action}: {key}";
    const at = text.indexOf("{key}");
    const before = at < 0 ? text : text.slice(0, at);
    const after = at < 0 ? "" : text.slice(at + "{key}".length);
    const named = before.indexOf("{action}");
    if (named < 0) {
      return [before, "", after.replace("{action}", actionName)];
    }
    const lead = before.slice(0, named) + actionName;
    return [lead, before.slice(named + "{action}".length), after];
  }

  function renderKeys() {
    const list = $("key-list");
    list.textContent = "";
    for (const action of KEYED) {
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
      // The message's words around the key's name are split at {key}: the name shows large, the
      // words before it are seen, and the words joining them are read by screen readers only.
      const waiting = waitingFor === action.id;
      if (waiting) {
        button.classList.add("is-waiting");
      }
      const parts = keyParts(STRINGS[waiting ? "key_waiting" : "key_label"], action.name);
      name.textContent = parts[0];
      gap.textContent = parts[1];
      key.textContent = keyName(settings.keys[action.id]);
      button.append(name, gap, key);
      if (parts[2]) {
        const tail = document.createElement("span");
        tail.textContent = parts[2];
        button.appendChild(tail);
      }
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
      const action = KEYED.find((a) => a.id === id);
      announce(t("key_prompt", { action: action.name, key: keyName(settings.keys[id]) }));
    }
  });

  /** Give ``key`` to the action we are waiting for; an action that had it takes the old key. */
  function assignKey(key) {
    const id = waitingFor;
    const action = KEYED.find((a) => a.id === id);
    const old = settings.keys[id];
    const holder = KEYED.find((a) => a.id !== id && settings.keys[a.id] === key);
    settings.keys[id] = key;
    let message = t("key_assigned", { action: action.name, key: keyName(key) });
    if (holder) {
      settings.keys[holder.id] = old;
      message += " " + t("key_assigned", { action: holder.name, key: keyName(old) });
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
    announce(t("keys_reset_done"));
  });

  $("set-shortcuts").addEventListener("click", () => {
    settings.shortcuts = !settings.shortcuts;
    saveSettings();
    showSwitch("set-shortcuts", settings.shortcuts);
    announce(settings.shortcuts ? t("shortcuts_on") : t("shortcuts_off"));
  });

  $("mode-anywhere").addEventListener("click", () => setAnywhere(true));
  $("set-anywhere").addEventListener("click", () => setAnywhere(true));
  $("anywhere-exit").addEventListener("click", () => setAnywhere(false));
  $("mode-scanning").addEventListener("click", () => setScanning(!settings.scanning));
  $("scan-exit").addEventListener("click", () => leaveGroup());

  /** Leaving a mode by hand also drops the address that turns it on, so a reload keeps it off. */
  function forgetModeAddress() {
    if (/^#(scan(=[\d.]+)?|anywhere)$/i.test(location.hash)) {
      try {
        history.replaceState(null, "", location.pathname + location.search);
      } catch (error) {
        // some file:// pages refuse; the saved setting still says off
      }
    }
  }

  // ---- press anywhere -----------------------------------------------------------------------------

  function setAnywhere(on) {
    settings.anywhere = on;
    saveSettings();
    $("page").hidden = on;
    $("anywhere").hidden = !on;
    showBar();
    if (on) {
      stopScanTimer();
      $("anywhere-toggle").focus();
      announce(t("anywhere_on"));
    } else {
      forgetModeAddress();
      if (settings.scanning) {
        startScanning();
      } else {
        $("play").focus();
      }
      announce(t("controls_back"));
    }
  }

  // ---- switch scanning: groups, then the items inside a group --------------------------------------

  /**
   * The highlight steps through the top level: Play/Pause, the groups (Chapters, Player controls,
   * Subscribe, Settings; a group with nothing to choose is left out) and the scanning switch (to stop). A press on a group goes inside it; its
   * items then step in turn, ending with "Leave this group". After a choice the highlight goes back
   * to Play/Pause and stays there a whole interval. Two rounds of a group without a press leave it.
   */
  const scan = { group: null, items: [], at: -1, rounds: 0, timer: 0 };
  const GROUP_ROUNDS = 2;
  /** The groups in scanning order: chapters first, as choosing one is what most listeners do. */
  const SCAN_GROUPS = ["chapters", "more-controls", "subscribe", "settings"];

  function visible(el) {
    return Boolean(el) && !el.closest("[hidden]") && el.getClientRects().length > 0;
  }

  function topItems() {
    const top = [$("resume-play"), $("resume-restart"), $("play")];
    for (const id of SCAN_GROUPS) {
      const group = $(id);
      if (group && (id === "settings" || Array.from(group.querySelectorAll("[data-scan]")).some(visible))) {
        top.push(group);
      }
    }
    top.push($("mode-scanning"));
    return top.filter(visible);
  }

  function groupItems(group) {
    return Array.from(group.querySelectorAll("[data-scan]")).filter(visible).concat([$("scan-exit")]);
  }

  function highlight(el) {
    document.querySelectorAll(".scan-current").forEach((e) => e.classList.remove("scan-current"));
    if (!el) {
      return;
    }
    el.classList.add("scan-current");
    if (el.hasAttribute("data-scan-group") && !el.hasAttribute("tabindex")) {
      el.tabIndex = -1; // a group takes focus while highlighted, so a screen reader says its name
    }
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  function stopScanTimer() {
    window.clearTimeout(scan.timer);
    scan.timer = 0;
  }

  function scheduleScan() {
    stopScanTimer();
    scan.timer = window.setTimeout(() => {
      scanStep();
      scheduleScan();
    }, settings.interval * 1000);
  }

  /** Show ``items`` with the highlight on ``at``, and give it a whole interval before moving on. */
  function scanShow(items, at) {
    scan.items = items;
    scan.at = items.length ? Math.max(0, at) : -1;
    showBar();
    highlight(items[scan.at] || null);
    scheduleScan();
  }

  function scanStep() {
    const was = scan.items[scan.at];
    const items = scan.group ? groupItems(scan.group) : topItems();
    if (!items.length) {
      highlight(null);
      return;
    }
    let at = items.indexOf(was) + 1;
    if (at >= items.length) {
      at = 0;
      if (scan.group && ++scan.rounds >= GROUP_ROUNDS) {
        leaveGroup();
        return;
      }
    }
    scan.items = items;
    scan.at = at;
    highlight(items[at]);
  }

  function enterGroup(group) {
    if (group.id === "settings") {
      $("settings-details").open = true;
    }
    scan.group = group;
    scan.rounds = 0;
    showBar(); // "Leave this group" appears before the items are counted
    announce(sentence(group.dataset.scanGroup));
    scanShow(groupItems(group), 0);
  }

  function leaveGroup() {
    const group = scan.group;
    scan.group = null;
    showBar();
    if (!settings.scanning || settings.anywhere) {
      return;
    }
    const items = topItems();
    scanShow(items, items.indexOf(group));
  }

  function backToPlay() {
    scan.group = null;
    const items = topItems();
    scanShow(items, items.indexOf($("play")));
  }

  function startScanning() {
    document.body.classList.add("scanning");
    backToPlay();
  }

  function setScanning(on) {
    settings.scanning = on;
    saveSettings();
    showSwitch("mode-scanning", on);
    if (on) {
      announce(t("scanning_on"));
      if (!settings.anywhere) {
        startScanning();
      }
    } else {
      forgetModeAddress();
      stopScanTimer();
      scan.group = null;
      highlight(null);
      document.body.classList.remove("scanning");
      showBar();
      $("play").focus();
      announce(t("scanning_off"));
    }
  }

  let activating = false;
  let ignoreClicksUntil = 0;

  /** Choose the highlighted item: go into a group, or press the control and go back to Play/Pause. */
  function scanChoose() {
    const target = scan.items[scan.at];
    if (!target) {
      return;
    }
    if (target.hasAttribute("data-scan-group")) {
      enterGroup(target);
      return;
    }
    activating = true;
    try {
      target.click();
    } finally {
      activating = false;
    }
    afterChoice(target);
  }

  /** After a control was pressed while scanning (by the switch or a carer's pointer). */
  function afterChoice(target) {
    if (!settings.scanning || settings.anywhere || target === $("scan-exit") || target === $("mode-scanning")) {
      return; // the choice itself moved the highlight, or ended scanning
    }
    if (target.hasAttribute("data-scan-stay") && scan.group) {
      scanShow(groupItems(scan.group), groupItems(scan.group).indexOf(target));
      return;
    }
    backToPlay();
  }

  // ---- the modes: each decides what a key or a click means while it is on -------------------------

  const CONTROL = "button, a[href], summary, select, input, textarea, label";

  /** Waiting for the new key of an action (Settings, Keys). */
  const waitingMode = {
    active: () => waitingFor !== null,
    key(event) {
      const key = event.key;
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
        announce(t("key_kept", { key: keyName(settings.keys[id]) }));
      } else if (RESERVED.has(key)) {
        announce(t("key_reserved", { key: keyName(key) }));
      } else {
        assignKey(normaliseKey(key));
      }
    },
    click() {},
  };

  /** The whole screen is one play and pause button. */
  const anywhereMode = {
    active: () => settings.anywhere,
    key(event, target) {
      const key = event.key;
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
    },
    click(event, target) {
      if (target.closest("#anywhere-exit")) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      if (performance.now() >= ignoreClicksUntil) {
        togglePlay();
      }
    },
  };

  /** One switch: any key chooses the highlighted item, Escape stops scanning. */
  const scanningMode = {
    active: () => settings.scanning,
    key(event) {
      if (MODIFIERS.has(event.key)) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      if (event.key === "Escape") {
        setScanning(false);
      } else if (!event.repeat) {
        ignoreClicksUntil = performance.now() + 500;
        scanChoose();
      }
    },
    click(event, target) {
      if (activating) {
        return; // our own click on the highlighted control
      }
      const control = target.closest(CONTROL);
      if (control) {
        // A carer's pointer: do what it points at, then carry on scanning from Play/Pause.
        window.setTimeout(() => afterChoice(control), 0);
        return;
      }
      // A click on no control is a switch press (some switches send clicks).
      event.preventDefault();
      event.stopPropagation();
      if (performance.now() >= ignoreClicksUntil) {
        scanChoose();
      }
    },
  };

  /** Shortcut keys, and the usual keyboard. */
  const normalMode = {
    active: () => true,
    key(event, target) {
      const key = event.key;
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
      const pressed = normaliseKey(key);
      const playKey = settings.shortcuts && pressed === settings.keys.playPause;
      if ((key === "Enter" || key === " ") && target.closest("button, a, summary")) {
        // Enter and Space press the focused control, as everywhere, except that the play and pause
        // key still plays and pauses on a chapter or a sentence (Enter chooses those).
        if (!(playKey && target.closest("button.chapter, button.cue"))) {
          return;
        }
      }
      if (!settings.shortcuts) {
        return;
      }
      const action = KEYED.find((a) => settings.keys[a.id] === pressed);
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
          announce(t("no_chapter", { n: pressed }));
        }
      }
    },
    click() {},
  };

  const MODES = [waitingMode, anywhereMode, scanningMode, normalMode];

  function currentMode() {
    return MODES.find((mode) => mode.active());
  }

  function eventTarget(event) {
    return event.target instanceof Element ? event.target : document.body;
  }

  document.addEventListener("keydown", (event) => currentMode().key(event, eventTarget(event)), true);
  document.addEventListener("click", (event) => currentMode().click(event, eventTarget(event)), true);

  // ---- voice control ------------------------------------------------------------------------------

  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  let recognizer = null;
  let listening = false;

  const NUMBER_WORDS = {
    zero: 0, one: 1, won: 1, two: 2, to: 2, too: 2, three: 3, four: 4, for: 4, five: 5, six: 6,
    seven: 7, eight: 8, ate: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13,
    fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  };
  // A guide in another language listens for its own words: guide.commands (action id -> words, from
  // the language's catalogue) and guide.numbers (number words -> value). English keeps the patterns above.
  const ownLanguage = Boolean(guide.commands) && !/^en(-|$)/i.test(guide.language || "en");
  const escapeWord = (word) => word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const wordsPattern = (words) => "(?:" + words.map(escapeWord).join("|") + ")";
  if (ownLanguage) {
    for (const action of ACTIONS) {
      const words = guide.commands[action.id];
      if (Array.isArray(words) && words.length) {
        action.voice = new RegExp("(?:^|[^\\p{L}])" + wordsPattern(words) + "(?=$|[^\\p{L}])", "u");
      } else {
        delete action.voice; // English words are not commands on a page in another language
      }
    }
  }
  const CHAPTER_WORD = new RegExp(
    "(?:^|[^\\p{L}])" + wordsPattern(ownLanguage && guide.commands.chapter ? guide.commands.chapter : ["chapter"]) +
      "\\s+([\\p{L}\\p{N}]+)",
    "u"
  );
  const SPOKEN_NUMBERS = Object.assign({}, ownLanguage ? {} : NUMBER_WORDS, guide.numbers || {});
  const SPOKEN = ACTIONS.filter((a) => a.voice);

  function obey(phrase) {
    const said = phrase.toLowerCase().trim();
    const chapter = said.match(CHAPTER_WORD);
    const word = chapter ? chapter[1] : "";
    const number = /^\d+$/.test(word) ? Number(word) : SPOKEN_NUMBERS[word];
    if (number !== undefined) {
      const index = chapterByNumber(number);
      if (index >= 0) {
        goToChapter(index, true);
        return true;
      }
      announce(t("no_chapter", { n: word }));
      return false;
    }
    const action = SPOKEN.find((a) => a.voice.test(said));
    if (action) {
      action.run();
      return true;
    }
    return false;
  }

  /** Voice control on or off; ``remember`` saves the choice (errors and reloads do not change it). */
  function setVoice(on, remember) {
    listening = on;
    if (remember) {
      settings.voice = on;
      saveSettings();
    }
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
          $("voice-status").textContent = t(understood ? "heard" : "heard_unknown", { phrase: phrase.trim() });
        };
        recognizer.onerror = (event) => {
          if (event.error === "no-speech" || event.error === "aborted") {
            return;
          }
          const reasons = {
            "not-allowed": t("voice_needs_permission"),
            "service-not-allowed": t("voice_not_allowed"),
            "audio-capture": t("voice_no_microphone"),
            network: t("voice_needs_network"),
          };
          setVoice(false, false);
          $("voice-status").textContent = reasons[event.error] || t("voice_stopped");
          announce($("voice-status").textContent);
        };
        recognizer.onend = () => {
          if (listening) {
            try {
              recognizer.start(); // recognition stops after a silence; keep listening
            } catch (error) {
              setVoice(false, false);
            }
          }
        };
      }
      try {
        recognizer.start(); // the browser asks for the microphone again if it must
        $("voice-status").textContent = t("voice_listening");
        announce(t("voice_on"));
      } catch (error) {
        listening = false;
        showSwitch("voice-toggle", false);
      }
    } else if (recognizer) {
      recognizer.stop();
      announce(t("voice_off"));
    }
  }

  if (Recognition) {
    $("voice").hidden = false;
    $("voice-toggle").addEventListener("click", () => setVoice(!listening, true));
  }

  // ---- addresses that switch a mode on: index.html#scan, #scan=3, #anywhere -----------------------

  function applyAddress() {
    const wanted = location.hash.replace(/^#/, "").toLowerCase();
    const scanning = wanted.match(/^scan(?:=(\d+(?:\.\d+)?))?$/);
    if (scanning) {
      const seconds = scanning[1] === undefined ? null : Number(scanning[1]);
      if (seconds !== null && INTERVALS.includes(seconds)) {
        settings.interval = seconds;
        showTuning();
      }
      if (settings.anywhere) {
        settings.anywhere = false;
        $("page").hidden = false;
        $("anywhere").hidden = true;
      }
      if (settings.scanning) {
        saveSettings();
        startScanning();
      } else {
        setScanning(true);
      }
    } else if (wanted === "anywhere" && !settings.anywhere) {
      setAnywhere(true);
    }
  }

  // ---- start --------------------------------------------------------------------------------------

  document.documentElement.classList.add("has-script");
  $("modes").hidden = false;
  audio.volume = settings.volume;
  showTuning();
  showSwitch("set-shortcuts", settings.shortcuts);
  showSwitch("mode-scanning", settings.scanning);
  renderKeys();
  setUpMediaSession();

  // index.html#N (the link of each feed episode) opens chapter N; #0 is the spoken contents.
  const linked = location.hash.match(/^#(\d{1,3})$/);
  const linkedIndex = linked ? chapters.findIndex((c) => c.number === Number(linked[1])) : -1;
  const resume = savedPosition();
  if (linkedIndex >= 0) {
    loadChapter(linkedIndex, { time: 0 });
  } else if (resume && (resume.index > 0 || resume.time >= 1)) {
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
  if (/^#(scan(=[\d.]+)?|anywhere)$/i.test(location.hash)) {
    applyAddress();
  }
  window.addEventListener("hashchange", applyAddress);
  if (Recognition && settings.voice) {
    setVoice(true, false);
  }
})();
