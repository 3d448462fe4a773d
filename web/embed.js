/*
 * Deck Q&A widget: a chat box over the HTTP API. No build step, no dependencies.
 *
 * In a page (the API must list the page's origin in DECKQA_CORS_ORIGINS):
 *   <div id="deck-qa"></div>
 *   <script src="https://qa.example.com/widget/embed.js" data-target="#deck-qa"></script>
 * or as an iframe: <iframe src="https://qa.example.com/widget/"></iframe>
 *
 * data-api       API base URL (default: where this script came from, minus /widget/embed.js)
 * data-api-key   bearer key, if the API has DECKQA_API_KEYS. Anyone who can open the page
 *                can read it: on a portal, let the portal's backend proxy the API and add
 *                the key there instead.
 * data-target    CSS selector of the element to fill (default: a new element after the script)
 * data-title     heading (default: the deck's title, from GET /v1/deck)
 * data-examples  starter questions, separated by "|"
 * Or from code: DeckQA.mount(element, {api, apiKey, title, examples}).
 *
 * Text from the server is only ever set with textContent: nothing it sends becomes markup.
 */
(function () {
  "use strict";

  var MAX_HISTORY_TURNS = 20; // the API's limit
  var MAX_TURN_CHARS = 4000; // the API's limit per turn
  var DEFAULT_EXAMPLES = [
    "What was operating income in 1Q-3Q15?",
    "What are IIJ's cloud competitive advantages?",
    "Explain the ATM business model",
  ];
  var TOKEN = /(\*\*[^*]+\*\*|\[Slide \d+\])/;
  // "Operating Income: **4.07 JPY billion** ..." -> the figure's label, "Operating Income".
  var FIGURE_LABEL = /^([^:*\[\n]{1,80}):\s*\*\*/;
  // Units the figure says by itself ("%" is appended to the number instead).
  var SILENT_UNITS = { "%": true, count: true, year: true };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function scriptBase(script) {
    if (!script || !script.src) return window.location.origin;
    return new URL("..", script.src).href.replace(/\/$/, "");
  }

  function Widget(root, options) {
    this.root = root;
    this.api = (options.api || window.location.origin).replace(/\/$/, "");
    this.apiKey = options.apiKey || "";
    this.history = [];
    this.titles = {};
    this.slideCount = 0;
    this.imageUrls = {};
    this.build(options);
    if (!options.title) this.loadDeckTitle();
  }

  Widget.prototype.headers = function (extra) {
    var headers = extra || {};
    if (this.apiKey) headers.Authorization = "Bearer " + this.apiKey;
    return headers;
  };

  Widget.prototype.build = function (options) {
    var self = this;
    this.root.classList.add("deckqa");
    var header = el("header", "deckqa-header");
    var mark = el("span", "deckqa-mark", "Q");
    mark.setAttribute("aria-hidden", "true");
    var heading = el("div", "deckqa-heading");
    this.titleNode = el("h1", "deckqa-title", options.title || "Ask the deck");
    heading.appendChild(this.titleNode);
    heading.appendChild(el("p", "deckqa-subtitle", "Answers come only from the slides, each cited."));
    header.appendChild(mark);
    header.appendChild(heading);

    this.log = el("div", "deckqa-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.empty = el("div", "deckqa-empty");
    this.empty.appendChild(el("p", "deckqa-empty-lead", "Try one of these:"));
    var examples = el("div", "deckqa-examples");
    (options.examples || DEFAULT_EXAMPLES).forEach(function (question) {
      var button = el("button", "deckqa-example", question);
      button.type = "button";
      button.addEventListener("click", function () {
        self.input.value = question;
        self.submit();
      });
      examples.appendChild(button);
    });
    this.empty.appendChild(examples);
    this.log.appendChild(this.empty);

    this.form = el("form", "deckqa-form");
    this.input = el("textarea", "deckqa-input");
    this.input.rows = 1;
    this.input.maxLength = 1000;
    this.input.placeholder = "Ask about the deck…";
    this.input.setAttribute("aria-label", "Your question");
    this.send = el("button", "deckqa-send", "Ask");
    this.send.type = "submit";
    this.form.appendChild(this.input);
    this.form.appendChild(this.send);
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        self.submit();
      }
    });

    this.root.appendChild(header);
    this.root.appendChild(this.log);
    this.root.appendChild(this.form);
    this.buildLightbox();
  };

  Widget.prototype.loadDeckTitle = function () {
    var self = this;
    fetch(this.api + "/v1/deck", { headers: this.headers() })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (deck) {
        if (!deck) return;
        self.titleNode.textContent = deck.title;
        self.slideCount = deck.slides.length;
        deck.slides.forEach(function (slide) {
          self.titles[slide.number] = slide.title;
        });
      })
      .catch(function () {
        /* the title is decoration; questions still work or say why not */
      });
  };

  Widget.prototype.submit = function () {
    var question = this.input.value.trim();
    if (!question || this.busy) return;
    if (this.empty.parentNode) this.empty.parentNode.removeChild(this.empty);
    this.input.value = "";
    this.addBubble("user", question);
    this.ask(question);
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.send.disabled = busy;
    this.root.setAttribute("aria-busy", busy ? "true" : "false");
  };

  Widget.prototype.ask = function (question) {
    var self = this;
    var pending = this.addBubble("assistant deckqa-pending");
    var dots = el("span", "deckqa-dots");
    dots.setAttribute("aria-label", "Looking through the slides");
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    pending.appendChild(dots);
    this.setBusy(true);
    var body = JSON.stringify({ question: question, history: this.history.slice(-MAX_HISTORY_TURNS) });
    fetch(this.api + "/v1/ask", {
      method: "POST",
      headers: this.headers({ "Content-Type": "application/json" }),
      body: body,
    })
      .then(function (response) {
        return response.json().then(
          function (data) {
            return { ok: response.ok, status: response.status, data: data };
          },
          function () {
            return { ok: false, status: response.status, data: null };
          }
        );
      })
      .then(function (result) {
        pending.parentNode.removeChild(pending);
        if (result.ok) {
          self.renderAnswer(result.data);
          self.remember(question, result.data.answer);
        } else {
          var detail = result.data && result.data.detail ? result.data.detail : "The server answered " + result.status + ".";
          self.renderError(detail);
        }
      })
      .catch(function () {
        pending.parentNode.removeChild(pending);
        self.renderError("Could not reach the Q&A service. Check your connection and try again.");
      })
      .then(function () {
        self.setBusy(false);
        self.input.focus();
      });
  };

  Widget.prototype.remember = function (question, answer) {
    this.history.push({ role: "user", content: question.slice(0, MAX_TURN_CHARS) });
    this.history.push({ role: "assistant", content: String(answer || "").slice(0, MAX_TURN_CHARS) });
    this.history = this.history.slice(-MAX_HISTORY_TURNS);
  };

  Widget.prototype.addBubble = function (kind, text) {
    var row = el("div", "deckqa-row deckqa-" + kind.split(" ")[0]);
    var bubble = el("div", "deckqa-bubble " + kind.split(" ").slice(1).join(" "));
    if (text !== undefined) bubble.textContent = text;
    row.appendChild(bubble);
    this.log.appendChild(row);
    this.scrollDown();
    return bubble;
  };

  Widget.prototype.scrollDown = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.renderAnswer = function (answer) {
    var self = this;
    (answer.citations || []).concat(answer.suggestions || []).forEach(function (citation) {
      self.titles[citation.slide] = self.titles[citation.slide] || citation.title;
    });
    var bubble = this.addBubble("assistant" + (answer.refused ? " deckqa-refused" : ""));
    if (answer.value && !answer.refused) bubble.appendChild(this.figure(answer));
    bubble.appendChild(this.markdown(answer.answer || ""));
    if (answer.refused && answer.suggestions && answer.suggestions.length) {
      bubble.appendChild(this.sources("Closest slides", answer.suggestions));
    } else if (answer.citations && answer.citations.length) {
      bubble.appendChild(this.sources("Sources", answer.citations));
    }
    this.scrollDown();
  };

  Widget.prototype.figure = function (answer) {
    var value = answer.value;
    var card = el("div", "deckqa-figure");
    var line = el("div", "deckqa-figure-line");
    var label = FIGURE_LABEL.exec(answer.answer || "");
    if (label) card.appendChild(el("div", "deckqa-figure-label", label[1].trim()));
    var unit = value.unit || "";
    // The figure as printed ("1.9%", "Over 8,500"), unless it spells out the unit too
    // ("JPY3.16 billion"): then the number, with the unit beside it.
    var raw = value.raw || "";
    var unitInRaw = unit
      .toLowerCase()
      .split(/\s+/)
      .some(function (word) {
        return /[a-z]/.test(word) && raw.toLowerCase().indexOf(word) >= 0;
      });
    var shown = raw && !unitInRaw ? raw : formatNumber(value.number);
    if (unit === "%" && !/%$/.test(shown)) shown += "%";
    line.appendChild(el("span", "deckqa-figure-number", shown));
    if (unit && !SILENT_UNITS[unit]) line.appendChild(el("span", "deckqa-figure-unit", unit));
    card.appendChild(line);
    var meta = el("div", "deckqa-figure-meta");
    if (value.period) meta.appendChild(el("span", "deckqa-figure-period", value.period));
    var cited = answer.citations && answer.citations[0];
    if (cited) meta.appendChild(this.chip(cited.slide));
    card.appendChild(meta);
    if (value.formula) card.appendChild(el("div", "deckqa-figure-formula", "= " + value.formula));
    return card;
  };

  /* A tiny markdown subset: paragraphs, "- " bullets, **bold**, [Slide N] chips. */
  Widget.prototype.markdown = function (text) {
    var self = this;
    var container = el("div", "deckqa-text");
    var list = null;
    var lastSlide = null; // a run of lines citing one slide: full chip first, compact after
    text.split("\n").forEach(function (line) {
      var trimmed = line.trim();
      if (!trimmed) {
        list = null;
        return;
      }
      var bullet = /^[-*•]\s+/.test(trimmed);
      var target;
      if (bullet) {
        if (!list) {
          list = el("ul", "deckqa-list");
          container.appendChild(list);
        }
        target = el("li");
        list.appendChild(target);
        trimmed = trimmed.replace(/^[-*•]\s+/, "");
      } else {
        list = null;
        target = el("p");
        container.appendChild(target);
      }
      trimmed.split(TOKEN).forEach(function (part) {
        if (!part) return;
        var slide = /^\[Slide (\d+)\]$/.exec(part);
        if (slide) {
          var number = Number(slide[1]);
          var chip = self.chip(number, number === lastSlide ? String(number) : null);
          if (number === lastSlide) chip.classList.add("deckqa-chip-compact");
          target.appendChild(chip);
          lastSlide = number;
        } else if (/^\*\*[^*]+\*\*$/.test(part)) {
          target.appendChild(el("strong", null, part.slice(2, -2)));
        } else {
          target.appendChild(document.createTextNode(part));
        }
      });
    });
    return container;
  };

  Widget.prototype.chip = function (number, label) {
    var self = this;
    var chip = el("button", "deckqa-chip", label || "Slide " + number);
    chip.type = "button";
    chip.setAttribute("data-slide", String(number));
    chip.title = "Open slide " + number + (this.titles[number] ? ": " + this.titles[number] : "");
    chip.addEventListener("click", function () {
      self.openSlide(number, chip);
    });
    return chip;
  };

  Widget.prototype.sources = function (label, citations) {
    var box = el("div", "deckqa-sources");
    box.appendChild(el("span", "deckqa-sources-label", label));
    var seen = {};
    var self = this;
    citations.forEach(function (citation) {
      if (seen[citation.slide]) return;
      seen[citation.slide] = true;
      var chip = self.chip(citation.slide, citation.slide + " · " + citation.title);
      chip.classList.add("deckqa-chip-wide");
      box.appendChild(chip);
    });
    return box;
  };

  Widget.prototype.renderError = function (detail) {
    var bubble = this.addBubble("assistant deckqa-error");
    bubble.setAttribute("role", "alert");
    bubble.appendChild(el("strong", null, "Sorry — "));
    bubble.appendChild(document.createTextNode(detail));
  };

  /* ---------------------------------------------------------------- slide overlay */

  Widget.prototype.buildLightbox = function () {
    var self = this;
    var box = el("div", "deckqa-lightbox");
    box.hidden = true;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", "Slide");
    var frame = el("figure", "deckqa-lightbox-frame");
    var bar = el("div", "deckqa-lightbox-bar");
    this.caption = el("figcaption", "deckqa-lightbox-caption");
    var controls = el("div", "deckqa-lightbox-controls");
    this.previous = el("button", "deckqa-icon", "‹");
    this.previous.setAttribute("aria-label", "Previous slide");
    this.next = el("button", "deckqa-icon", "›");
    this.next.setAttribute("aria-label", "Next slide");
    this.close = el("button", "deckqa-icon deckqa-close", "×");
    this.close.setAttribute("aria-label", "Close");
    [this.previous, this.next, this.close].forEach(function (button) {
      button.type = "button";
      controls.appendChild(button);
    });
    bar.appendChild(this.caption);
    bar.appendChild(controls);
    this.stage = el("div", "deckqa-lightbox-stage");
    this.image = el("img", "deckqa-slide");
    this.image.alt = "";
    this.stageMessage = el("div", "deckqa-lightbox-message");
    this.stage.appendChild(this.image);
    this.stage.appendChild(this.stageMessage);
    frame.appendChild(bar);
    frame.appendChild(this.stage);
    box.appendChild(frame);
    box.addEventListener("click", function (event) {
      if (event.target === box) self.closeSlide();
    });
    this.close.addEventListener("click", function () {
      self.closeSlide();
    });
    this.previous.addEventListener("click", function () {
      self.showSlide(self.current - 1);
    });
    this.next.addEventListener("click", function () {
      self.showSlide(self.current + 1);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") self.closeSlide();
      if (event.key === "ArrowLeft") self.showSlide(self.current - 1);
      if (event.key === "ArrowRight") self.showSlide(self.current + 1);
    });
    this.lightbox = box;
    document.body.appendChild(box);
  };

  Widget.prototype.openSlide = function (number, opener) {
    this.opener = opener;
    this.lightbox.hidden = false;
    document.documentElement.classList.add("deckqa-locked");
    this.showSlide(number);
    this.close.focus();
  };

  Widget.prototype.closeSlide = function () {
    this.lightbox.hidden = true;
    document.documentElement.classList.remove("deckqa-locked");
    if (this.opener) this.opener.focus();
  };

  Widget.prototype.showSlide = function (number) {
    var self = this;
    if (number < 1 || (this.slideCount && number > this.slideCount)) return;
    this.current = number;
    this.previous.disabled = number <= 1;
    this.next.disabled = Boolean(this.slideCount) && number >= this.slideCount;
    var title = this.titles[number];
    this.caption.textContent = "Slide " + number + (title ? " — " + title : "");
    this.image.alt = "Slide " + number + (title ? ": " + title : "");
    this.stage.classList.add("deckqa-loading");
    this.stageMessage.textContent = "Loading slide " + number + "…";
    this.slideImage(number)
      .then(function (url) {
        if (self.current !== number) return;
        self.image.src = url;
        self.stage.classList.remove("deckqa-loading", "deckqa-failed");
      })
      .catch(function (error) {
        if (self.current !== number) return;
        self.image.removeAttribute("src");
        self.stage.classList.remove("deckqa-loading");
        self.stage.classList.add("deckqa-failed");
        self.stageMessage.textContent = error.message;
      });
  };

  /* Fetched (not <img src>) so the bearer key can go along; kept as blob URLs. */
  Widget.prototype.slideImage = function (number) {
    var self = this;
    if (this.imageUrls[number]) return Promise.resolve(this.imageUrls[number]);
    return fetch(this.api + "/v1/slides/" + number + ".png", { headers: this.headers() }).then(function (response) {
      if (!response.ok) {
        return response.json().then(
          function (problem) {
            throw new Error(problem.detail || "The slide could not be loaded.");
          },
          function () {
            throw new Error("The slide could not be loaded (" + response.status + ").");
          }
        );
      }
      return response.blob().then(function (blob) {
        self.imageUrls[number] = URL.createObjectURL(blob);
        return self.imageUrls[number];
      });
    });
  };

  function formatNumber(number) {
    return typeof number === "number" ? number.toLocaleString("en-US", { maximumFractionDigits: 2 }) : String(number);
  }

  function ensureStylesheet(script) {
    if (!script || !script.src || document.querySelector("link[data-deckqa]")) return;
    var href = new URL("embed.css", script.src).href;
    var present = Array.prototype.some.call(document.querySelectorAll('link[rel="stylesheet"]'), function (link) {
      return link.href === href;
    });
    if (present) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.setAttribute("data-deckqa", "");
    document.head.appendChild(link);
  }

  function mount(element, options) {
    return new Widget(element, options || {});
  }

  window.DeckQA = { mount: mount };

  var script = document.currentScript;
  if (!script || script.hasAttribute("data-manual")) return;
  ensureStylesheet(script);
  var data = script.dataset;
  var target = data.target ? document.querySelector(data.target) : null;
  if (!target) {
    target = document.createElement("div");
    script.parentNode.insertBefore(target, script.nextSibling);
  }
  mount(target, {
    api: data.api || scriptBase(script),
    apiKey: data.apiKey,
    title: data.title,
    examples: data.examples ? data.examples.split("|") : null,
  });
})();
