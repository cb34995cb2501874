/* Cầu Nối kiosk page. Plain JS, no build step, nothing loaded from the internet (villages are often offline).
 * Talk (hold, or tap to start and tap to stop), tap a procedure picture, or type; every answer is read aloud
 * and can be replayed; document checklists get a picture per document. */
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var config = readConfig();
  var HOLD_MS = 600; // a press shorter than this is a tap: keep recording until the next tap
  var MAX_SECONDS = config.maxSeconds || 55;
  var SENDER_KEY = 'caunoi.kiosk.sender';
  var SAY = {
    listening: 'Đang nghe…',
    releaseToSend: 'Thả tay để gửi',
    tapToSend: 'Nói xong, bấm nút để gửi',
    sending: 'Đang gửi…',
    idle: 'Giữ nút để nói',
    idleHint: 'hoặc bấm, nói xong bấm lại',
    recordHint: 'Bấm để ghi âm',
    thinking: 'Đang tìm câu trả lời…',
    wait: 'Chờ một chút, đang trả lời…',
    network: 'Không gửi được. Bạn kiểm tra mạng rồi thử lại nhé.',
    noMic: 'Máy chưa cho dùng micrô. Bạn gõ chữ hoặc bấm hình nhé.',
    noVoice: 'Máy này chưa nghe được tiếng nói. Bạn gõ chữ hoặc bấm hình nhé.',
    youAsked: 'Bạn hỏi: «{text}»',
    youChose: 'Bạn chọn: {text}',
    replay: 'Nghe lại',
    stop: 'Dừng đọc',
    tapToListen: 'Bấm để nghe',
    whenNeeded: 'Tùy trường hợp:'
  };

  // ---- pictures: simple inline SVG (viewBox 64×64), dark outlines for contrast -----------------------------
  var S = ' stroke="#1f2937" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"';
  var ICONS = {
    form: '<rect x="12" y="5" width="36" height="50" rx="3" fill="#fff"' + S + '/>' +
      '<path d="M19 16h22M19 24h22M19 32h14" fill="none"' + S + '/>' +
      '<path d="M37 53l17-17 5 5-17 17h-5z" fill="#2563eb"' + S + '/>',
    certificate: '<rect x="5" y="8" width="54" height="38" rx="3" fill="#fffbeb"' + S + '/>' +
      '<path d="M13 18h26M13 26h18" fill="none"' + S + '/>' +
      '<path d="M38 40l-4 18 8-5 8 5-4-18" fill="#dc2626"' + S + '/>' +
      '<circle cx="44" cy="36" r="9" fill="#facc15"' + S + '/>',
    id_card: '<rect x="4" y="13" width="56" height="38" rx="5" fill="#dbeafe"' + S + '/>' +
      '<circle cx="20" cy="27" r="6" fill="#1f2937"/><path d="M9 44c1-7 6-10 11-10s10 3 11 10z" fill="#1f2937"/>' +
      '<path d="M37 25h16M37 33h16M37 41h10" fill="none"' + S + '/>',
    photo: '<rect x="12" y="5" width="40" height="54" rx="3" fill="#e0f2fe"' + S + '/>' +
      '<circle cx="32" cy="26" r="9" fill="#1f2937"/><path d="M17 57c1-11 7-17 15-17s14 6 15 17z" fill="#1f2937"/>',
    letter: '<rect x="12" y="5" width="40" height="54" rx="3" fill="#fff"' + S + '/>' +
      '<path d="M19 16h26M19 24h26M19 32h26" fill="none"' + S + '/>' +
      '<path d="M19 47c4-7 6 5 10-2s5 5 9 0 4 2 7 1" fill="none" stroke="#2563eb" stroke-width="3" stroke-linecap="round"/>',
    residence: '<path d="M14 30v27h36V30" fill="#fef3c7"' + S + '/>' +
      '<path d="M5 33L32 9l27 24z" fill="#dc2626"' + S + '/>' +
      '<rect x="27" y="41" width="10" height="16" fill="#92400e"' + S + '/>',
    medical: '<rect x="7" y="7" width="50" height="50" rx="9" fill="#fff"' + S + '/>' +
      '<path d="M27 16h10v11h11v10H37v11H27V37H16V27h11z" fill="#dc2626" stroke="#1f2937" stroke-width="2" stroke-linejoin="round"/>',
    household: '<circle cx="19" cy="15" r="7" fill="#2563eb"' + S + '/>' +
      '<path d="M6 47c0-12 5-20 13-20s13 8 13 20z" fill="#2563eb"' + S + '/>' +
      '<circle cx="45" cy="15" r="7" fill="#db2777"' + S + '/>' +
      '<path d="M32 47c0-12 5-20 13-20s13 8 13 20z" fill="#db2777"' + S + '/>' +
      '<circle cx="32" cy="37" r="5" fill="#f59e0b"' + S + '/>' +
      '<path d="M23 60c0-9 4-14 9-14s9 5 9 14z" fill="#f59e0b"' + S + '/>',
    money: '<rect x="3" y="14" width="50" height="30" rx="4" fill="#bbf7d0"' + S + '/>' +
      '<circle cx="28" cy="29" r="7" fill="none" stroke="#166534" stroke-width="3"/>' +
      '<circle cx="48" cy="46" r="12" fill="#facc15"' + S + '/>' +
      '<path d="M48 40v12" fill="none"' + S + '/>',
    other: '<path d="M14 5h24l12 12v42H14z" fill="#fff"' + S + '/>' +
      '<path d="M38 5v12h12" fill="none"' + S + '/>' +
      '<path d="M21 30h22M21 38h22M21 46h14" fill="none"' + S + '/>',
    // procedures
    baby: '<path d="M14 60c0-14 8-22 18-22s18 8 18 22z" fill="#93c5fd"' + S + '/>' +
      '<circle cx="32" cy="22" r="13" fill="#fde68a"' + S + '/>' +
      '<circle cx="27.5" cy="21" r="2" fill="#1f2937"/><circle cx="36.5" cy="21" r="2" fill="#1f2937"/>' +
      '<path d="M27.5 27.5c2.5 2 6.5 2 9 0" fill="none" stroke="#1f2937" stroke-width="2.5" stroke-linecap="round"/>',
    rings: '<path d="M32 20s-11-6-11-13a5.5 5.5 0 0 1 11-1 5.5 5.5 0 0 1 11 1c0 7-11 13-11 13z" fill="#e11d48"' +
      ' stroke="#1f2937" stroke-width="2.5" stroke-linejoin="round"/>' +
      '<circle cx="24" cy="42" r="13" fill="none" stroke="#1f2937" stroke-width="9"/>' +
      '<circle cx="40" cy="42" r="13" fill="none" stroke="#1f2937" stroke-width="9"/>' +
      '<circle cx="24" cy="42" r="13" fill="none" stroke="#eab308" stroke-width="5"/>' +
      '<circle cx="40" cy="42" r="13" fill="none" stroke="#eab308" stroke-width="5"/>',
    phone: '<rect x="17" y="3" width="30" height="58" rx="5" fill="#fff"' + S + '/>' +
      '<path d="M32 15l10 4v9c0 7-5 11-10 13-5-2-10-6-10-13v-9z" fill="#dc2626"' + S + '/>' +
      '<circle cx="32" cy="53" r="2.5" fill="#1f2937"/>',
    incense: '<path d="M26 44V18M32 44V14M38 44V18" fill="none" stroke="#b91c1c" stroke-width="3" stroke-linecap="round"/>' +
      '<path d="M26 13c-3-3 3-5 0-8M32 9c-3-3 3-5 0-8M38 13c-3-3 3-5 0-8" fill="none" stroke="#6b7280" stroke-width="2" stroke-linecap="round"/>' +
      '<path d="M9 44h46l-5 15H14z" fill="#a16207"' + S + '/>',
    stamp: '<path d="M26 5h12v14l6 8H20l6-8z" fill="#92400e"' + S + '/>' +
      '<rect x="13" y="27" width="38" height="9" rx="2" fill="#1f2937"/>' +
      '<rect x="8" y="43" width="48" height="16" rx="2" fill="#fff" stroke="#dc2626" stroke-width="3"/>' +
      '<path d="M16 51h32" stroke="#dc2626" stroke-width="3" stroke-linecap="round"/>',
    copy: '<rect x="6" y="13" width="32" height="46" rx="3" fill="#e5e7eb"' + S + '/>' +
      '<rect x="24" y="5" width="34" height="46" rx="3" fill="#fff"' + S + '/>' +
      '<path d="M31 17h20M31 25h20M31 33h12" fill="none"' + S + '/>',
    pen: '<rect x="7" y="5" width="38" height="52" rx="3" fill="#fff"' + S + '/>' +
      '<path d="M14 16h24M14 24h24" fill="none"' + S + '/>' +
      '<path d="M14 33h18" fill="none" stroke="#dc2626" stroke-width="3" stroke-linecap="round"/>' +
      '<path d="M39 53l15-21 6 4-15 21-7 2z" fill="#f59e0b"' + S + '/>',
    pin: '<path d="M32 60S12 38 12 24a20 20 0 0 1 40 0c0 14-20 36-20 36z" fill="#dc2626"' + S + '/>' +
      '<circle cx="32" cy="24" r="8" fill="#fff"' + S + '/>',
    // page controls (drawn in the button's text colour)
    mic: '<rect x="23" y="5" width="18" height="32" rx="9" fill="currentColor"/>' +
      '<path d="M14 29c0 10 8 18 18 18s18-8 18-18M32 47v10M21 59h22" fill="none" stroke="currentColor"' +
      ' stroke-width="5" stroke-linecap="round"/>',
    stop: '<rect x="15" y="15" width="34" height="34" rx="5" fill="currentColor"/>',
    speaker: '<path d="M7 24h11l15-13v42L18 40H7z" fill="currentColor"/>' +
      '<path d="M41 22c4 3 6 6 6 10s-2 7-6 10M47 13c7 5 11 11 11 19s-4 14-11 19" fill="none" stroke="currentColor"' +
      ' stroke-width="5" stroke-linecap="round"/>',
    restart: '<path d="M51 34a19 19 0 1 1-6-15" fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round"/>' +
      '<path d="M47 6v14H33" fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>'
  };
  var PROCEDURE_ICONS = {
    khai_sinh: 'baby', khai_sinh_lien_thong: 'baby', can_cuoc: 'id_card', dinh_danh_dien_tu: 'phone',
    thuong_tru: 'residence', tam_tru: 'residence', tach_ho: 'household', ket_hon: 'rings', xac_nhan_tinh_trang_hon_nhan: 'rings',
    bhyt: 'medical', ho_ngheo: 'household', tro_cap_xa_hoi: 'money', khai_tu: 'incense',
    chung_thuc: 'stamp', trich_luc_ho_tich: 'copy', cai_chinh_ho_tich: 'pen'
  };

  function icon(name, className) {
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 64 64');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'icon ' + (className || ''));
    svg.setAttribute('data-icon', ICONS[name] ? name : 'other');
    svg.innerHTML = ICONS[name] || ICONS.other; // our own constant markup, never server text
    return svg;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text; // server text is only ever textContent
    return node;
  }

  function readConfig() {
    try { return JSON.parse($('kiosk-config').textContent) || {}; } catch (e) { return {}; }
  }

  // ---- who is asking: a random id per browser tab (crypto.randomUUID needs https; kiosks use http) -----
  function newSender() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    var id = h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
    try { sessionStorage.setItem(SENDER_KEY, id); } catch (e) { /* private mode: this page load only */ }
    return id;
  }
  var sender = (function () {
    try { return sessionStorage.getItem(SENDER_KEY) || newSender(); } catch (e) { return newSender(); }
  }());

  // ---- the conversation on screen -------------------------------------------------------------------------
  var chat = $('chat');
  var player = $('player');
  var statusLine = $('status');
  var busy = false;
  var currentReplay = null;
  var idleStatus = ''; // a standing notice (no voice on this device), shown whenever nothing else is
  var screen = 0; // bumped by "start over": answers still on their way belong to the previous person

  function fill(template, text) { return template.replace('{text}', function () { return text; }); }

  function addYou(text) {
    var bubble = el('p', 'you', text);
    chat.appendChild(bubble);
    $('restart').hidden = false;
    reveal(bubble);
    return bubble;
  }

  // Bring the question to the top of the screen: its answer follows right below it.
  function reveal(node) {
    var calm = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (node) node.scrollIntoView({ block: 'start', behavior: calm ? 'auto' : 'smooth' });
  }

  function addThinking() {
    var node = el('p', 'thinking', SAY.thinking);
    chat.appendChild(node);
    return node;
  }

  // Plain lines as one paragraph; the "👉 Nơi nộp: …" line stands out with a drawn pin (no emoji font needed).
  function paragraph(lines) {
    var box = document.createDocumentFragment();
    var run = [];
    var flush = function () {
      var text = run.join('\n').trim();
      if (text) box.appendChild(el('p', 'text', text));
      run = [];
    };
    lines.forEach(function (line) {
      if (line.indexOf('\ud83d\udc49') !== 0) { run.push(line); return; }
      flush();
      var where = el('p', 'text where');
      where.appendChild(icon('pin', 'where-icon'));
      where.appendChild(el('span', null, line.slice(2).trim()));
      box.appendChild(where);
    });
    flush();
    return box.childNodes.length ? box : null;
  }

  // The answer text lists the documents as "1. name – copies" lines; with a checklist those lines are
  // shown as picture cards instead, everything around them (heading, where to go) stays as text.
  function listRegion(lines) {
    var first = -1, last = -1;
    lines.forEach(function (line, i) {
      if (/^\d+\.\s/.test(line)) { if (first < 0) first = i; last = i; } else if (first >= 0 && /^\s*↳/.test(line)) last = i;
    });
    return first < 0 ? null : [first, last];
  }

  function checklistCard(item) {
    var li = el('li', 'doc');
    var pic = el('span', 'doc-pic');
    pic.appendChild(icon(item.icon, 'doc-icon'));
    pic.appendChild(el('span', 'doc-n', String(item.n)));
    li.appendChild(pic);
    var body = el('span', 'doc-body');
    body.appendChild(el('span', 'doc-name', item.name));
    if (item.copies) body.appendChild(el('span', 'doc-copies', item.copies));
    if (item.when) body.appendChild(el('span', 'doc-when', item.when));
    if (item.notes) body.appendChild(el('span', 'doc-notes', item.notes));
    li.appendChild(body);
    return li;
  }

  function checklist(items) {
    var box = el('div', 'checklist');
    var always = items.filter(function (d) { return !d.when; });
    var sometimes = items.filter(function (d) { return d.when; });
    [always, sometimes].forEach(function (group, g) {
      if (!group.length) return;
      if (g === 1) box.appendChild(el('p', 'group', SAY.whenNeeded));
      var list = el('ul', 'docs');
      group.forEach(function (item) { list.appendChild(checklistCard(item)); });
      box.appendChild(list);
    });
    return box;
  }

  function renderReply(reply, card) {
    var lines = String(reply.text || '').split('\n');
    var items = reply.custom && Array.isArray(reply.custom.checklist) ? reply.custom.checklist : [];
    var region = items.length ? listRegion(lines) : null;
    var parts = region
      ? [paragraph(lines.slice(0, region[0])), checklist(items), paragraph(lines.slice(region[1] + 1))]
      : [paragraph(lines), items.length ? checklist(items) : null];
    parts.forEach(function (part) { if (part) card.appendChild(part); });
    // A printable checklist card: shown, and a tap opens it full size for printing.
    if (typeof reply.image === 'string' && reply.image.charAt(0) === '/') {
      var link = el('a', 'card-link');
      link.href = reply.image;
      link.target = '_blank';
      var img = el('img', 'card-image');
      img.src = reply.image;
      img.alt = reply.text ? reply.text.split('\n')[0] : '';
      link.appendChild(img);
      card.appendChild(link);
    }
    var buttons = Array.isArray(reply.buttons) ? reply.buttons : [];
    if (buttons.length) {
      var row = el('div', 'choices');
      buttons.forEach(function (b) {
        var button = el('button', 'choice', b.title || b.payload);
        button.type = 'button';
        button.addEventListener('click', function () { ask(b.payload, fill(SAY.youChose, b.title || b.payload)); });
        row.appendChild(button);
      });
      card.appendChild(row);
    }
  }

  function addAnswer(data, isError) {
    var replies = (data && Array.isArray(data.replies)) ? data.replies : [];
    var card = el('article', 'answer' + (isError ? ' error' : ''));
    // speak === false: a language the browser's Vietnamese voice must not read, and nobody recorded it.
    var spoken = data && data.speak === false ? '' : replies.map(function (r) { return r.text || ''; }).join('\n');
    replies.forEach(function (r) {
      if (r.custom && r.custom.language) card.lang = r.custom.language; // screen readers, and the fonts' shaping
      // The choice made (the menu itself, in several languages, is "mul" and changes nothing).
      if (r.custom && r.custom.topic === 'language' && r.custom.language !== 'mul') markLanguage(r.custom.language || 'vi');
    });
    var replay = replayButton(data && data.audio_url, spoken);
    card.appendChild(replay);
    replies.forEach(function (reply) { renderReply(reply, card); });
    chat.appendChild(card);
    replay.play();
    return card;
  }

  function addError(message) {
    addAnswer({ replies: [{ text: message }], audio_url: null }, true);
  }

  // ---- reading answers aloud ------------------------------------------------------------------------------
  var localVoice = null; // the browser's own Vietnamese voice, when the server has none
  function findLocalVoice() {
    if (!('speechSynthesis' in window)) return;
    var voices = window.speechSynthesis.getVoices() || [];
    localVoice = voices.filter(function (v) { return /^vi/i.test(v.lang); })[0] || null;
  }
  if ('speechSynthesis' in window) {
    findLocalVoice();
    window.speechSynthesis.onvoiceschanged = findLocalVoice;
  }

  function speakLocally(text) {
    if (!localVoice) return false;
    var plain = text.replace(/[\u2190-\u21ff\u2022\u00ab\u00bb]|[\ud83c-\ud83e][\udc00-\udfff]/g, ' ');
    var utterance = new SpeechSynthesisUtterance(plain);
    utterance.voice = localVoice;
    utterance.lang = localVoice.lang;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
    return true;
  }

  function stopSpeaking() {
    player.pause();
    if ('speechSynthesis' in window) window.speechSynthesis.cancel();
  }

  function replayButton(url, text) {
    var button = el('button', 'replay');
    button.type = 'button';
    button.appendChild(icon('speaker'));
    var label = el('span', null, SAY.replay);
    button.appendChild(label);
    if (url) button.setAttribute('data-audio', url);
    button.hidden = !url && (!localVoice || !text);

    var mine = function () { return url && player.getAttribute('src') === url; };
    var show = function (playing) {
      button.classList.toggle('playing', playing);
      label.textContent = playing ? SAY.stop : SAY.replay;
    };
    button.play = function () {
      if (currentReplay && currentReplay !== button) currentReplay.show(false);
      currentReplay = button;
      stopSpeaking();
      if (!url) { show(false); if (text && speakLocally(text)) button.hidden = false; return; }
      if (!mine()) player.setAttribute('src', url);
      else player.currentTime = 0;
      var started = player.play();
      if (started && started.catch) {
        started.catch(function () { // autoplay refused: ask for one tap
          show(false);
          label.textContent = SAY.tapToListen;
          button.classList.add('attention');
        });
      }
    };
    button.show = show;
    button.addEventListener('click', function () {
      button.classList.remove('attention');
      if (mine() && !player.paused) { stopSpeaking(); show(false); } else { button.play(); }
    });
    return button;
  }

  player.addEventListener('playing', function () { if (currentReplay) currentReplay.show(true); });
  ['pause', 'ended'].forEach(function (name) {
    player.addEventListener(name, function () { if (currentReplay) currentReplay.show(false); });
  });
  player.addEventListener('error', function () { // no server voice this time: the browser's own, if any
    if (!currentReplay) return;
    currentReplay.show(false);
    var card = currentReplay.parentNode;
    var text = card ? Array.prototype.map.call(card.querySelectorAll('.text'), function (p) { return p.textContent; }).join('\n') : '';
    if (!speakLocally(text)) currentReplay.hidden = true;
  });

  // ---- talking to the server -------------------------------------------------------------------------------
  function post(path, body) {
    var isForm = body instanceof FormData;
    return fetch(path, {
      method: 'POST',
      cache: 'no-store',
      headers: isForm ? {} : { 'Content-Type': 'application/json' },
      body: isForm ? body : JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (data) {
        if (!res.ok) throw new Error((data && data.error) || SAY.network);
        return data;
      });
    }, function () { throw new Error(SAY.network); });
  }

  function setBusy(on) {
    busy = on;
    document.body.classList.toggle('busy', on);
    $('send').disabled = on;
    statusLine.textContent = on ? SAY.thinking : idleStatus;
  }

  function ask(message, shownAs) {
    if (busy) { statusLine.textContent = SAY.wait; return Promise.resolve(false); }
    stopSpeaking();
    setBusy(true);
    var asked = addYou(shownAs || fill(SAY.youAsked, message));
    var thinking = addThinking();
    var mine = screen;
    return post('text', { sender: sender, message: message }).then(function (data) {
      thinking.remove();
      if (mine !== screen) return false;
      addAnswer(data);
      reveal(asked);
      return true;
    }, function (err) {
      thinking.remove();
      if (mine === screen) addError(err.message);
      return false;
    }).then(function (ok) { setBusy(false); return ok; });
  }

  function sendVoice(blob) {
    setBusy(true);
    var thinking = addThinking();
    var form = new FormData();
    form.append('sender', sender);
    var type = blob.type || '';
    var ext = /ogg/.test(type) ? 'ogg' : /mp4|m4a|aac/.test(type) ? 'm4a' : /wav/.test(type) ? 'wav' : 'webm';
    form.append('audio', blob, 'voice.' + ext);
    var mine = screen;
    return post('voice', form).then(function (data) {
      thinking.remove();
      if (mine !== screen) return;
      var heard = data.transcript ? chat.appendChild(el('p', 'you', fill(SAY.youAsked, data.transcript))) : null;
      var card = addAnswer(data);
      $('restart').hidden = false;
      reveal(heard || card);
    }, function (err) {
      thinking.remove();
      if (mine === screen) addError(err.message);
    }).then(function () { setBusy(false); setTalk('idle'); });
  }

  // ---- push to talk: hold to talk, or tap to start and tap again to send -------------------------------
  var talk = $('talk');
  var talkLabel = $('talk-label');
  var talkHint = $('talk-hint');
  var talkIcon = talk.querySelector('.talk-icon');
  var state = 'idle'; // idle → starting → recording → sending → idle
  var pressed = false, pressStart = 0, tapMode = false, swallowUp = false;
  var recorder = null, stream = null, chunks = [], timer = null, startedAt = 0, discard = false;

  function setTalk(next) {
    state = next;
    talk.classList.toggle('recording', next === 'recording');
    talk.classList.toggle('sending', next === 'sending');
    talk.setAttribute('aria-pressed', next === 'recording' ? 'true' : 'false');
    talk.disabled = next === 'sending';
    talkIcon.textContent = '';
    talkIcon.appendChild(icon(next === 'recording' ? 'stop' : 'mic'));
    if (next === 'recording') {
      talkLabel.textContent = SAY.listening + ' ' + clock();
      talkHint.textContent = tapMode ? SAY.tapToSend : SAY.releaseToSend;
    } else if (next === 'sending') {
      talkLabel.textContent = SAY.sending;
      talkHint.textContent = '';
    } else {
      talkLabel.textContent = canRecord ? SAY.idle : SAY.recordHint;
      talkHint.textContent = canRecord ? SAY.idleHint : '';
    }
  }

  function clock() {
    var s = state === 'recording' ? Math.floor((Date.now() - startedAt) / 1000) : 0;
    return Math.floor(s / 60) + ':' + ('0' + (s % 60)).slice(-2);
  }

  function pickType() {
    var types = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];
    for (var i = 0; i < types.length; i++) {
      if (window.MediaRecorder && MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return '';
  }

  function start() {
    if (busy) { statusLine.textContent = SAY.wait; return; }
    stopSpeaking(); // the microphone must not record the previous answer
    setTalk('starting');
    navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } })
      .then(function (s) {
        if (state !== 'starting') { s.getTracks().forEach(function (t) { t.stop(); }); return; }
        stream = s;
        var type = pickType();
        recorder = type ? new MediaRecorder(s, { mimeType: type }) : new MediaRecorder(s);
        chunks = [];
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
        recorder.onstop = finish;
        recorder.start(250);
        startedAt = Date.now();
        tapMode = tapMode || !pressed; // released while the permission question was open: tap mode
        setTalk('recording');
        timer = setInterval(function () {
          talkLabel.textContent = SAY.listening + ' ' + clock();
          if (Date.now() - startedAt >= MAX_SECONDS * 1000) stop();
        }, 250);
      })
      .catch(function () {
        setTalk('idle');
        addError(SAY.noMic);
      });
  }

  function stop() {
    if (state !== 'recording' || !recorder) return;
    clearInterval(timer);
    setTalk('sending');
    recorder.stop();
  }

  function finish() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    var blob = new Blob(chunks, { type: (recorder && recorder.mimeType) || 'audio/webm' });
    recorder = null; stream = null; chunks = [];
    if (discard) { discard = false; setTalk('idle'); return; }
    if (!blob.size) { setTalk('idle'); addError(SAY.noMic); return; }
    sendVoice(blob);
  }

  function onDown(e) {
    if (e.button !== undefined && e.button !== 0) return;
    e.preventDefault(); // no text selection or long-press menu while holding
    if (talk.setPointerCapture && e.pointerId !== undefined) { try { talk.setPointerCapture(e.pointerId); } catch (x) { /* ignore */ } }
    if (state === 'recording') { swallowUp = true; stop(); return; } // the tap that ends tap mode
    if (state !== 'idle') return;
    pressed = true; pressStart = Date.now(); tapMode = false; swallowUp = false;
    start();
  }

  function onUp() {
    if (swallowUp) { swallowUp = false; return; }
    if (!pressed) return;
    pressed = false;
    var held = Date.now() - pressStart;
    if (state === 'recording') {
      if (held >= HOLD_MS && !tapMode) stop(); else { tapMode = true; setTalk('recording'); }
    }
    // still starting: start() decides (a released button means tap mode)
  }

  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  var coarse = window.matchMedia && window.matchMedia('(pointer: coarse)').matches;

  function setUpTalk() {
    if (config.voice === false) { hideTalk(); return; }
    if (canRecord) {
      talk.addEventListener('pointerdown', onDown);
      talk.addEventListener('pointerup', onUp);
      talk.addEventListener('pointercancel', onUp);
      talk.addEventListener('contextmenu', function (e) { e.preventDefault(); });
      talk.addEventListener('click', function (e) { // keyboard (Enter/Space) arrives as a click with detail 0
        if (e.detail !== 0) return;
        if (state === 'recording') stop(); else if (state === 'idle') { tapMode = true; pressed = false; start(); }
      });
    } else if (coarse) {
      // No recording API here (a page over plain http on a phone): the phone's own recorder app instead.
      var picker = el('input');
      picker.type = 'file';
      picker.accept = 'audio/*';
      picker.setAttribute('capture', '');
      picker.hidden = true;
      document.body.appendChild(picker);
      talk.addEventListener('click', function () { if (!busy) picker.click(); });
      picker.addEventListener('change', function () {
        if (picker.files && picker.files[0]) sendVoice(picker.files[0]);
        picker.value = '';
      });
    } else {
      hideTalk();
      return;
    }
    setTalk('idle');
  }

  function hideTalk() {
    talk.hidden = true;
    statusLine.textContent = idleStatus = SAY.noVoice;
  }

  // ---- procedures, typing, starting over -----------------------------------------------------------------
  function setUpProcedures() {
    var box = $('procedures');
    (config.procedures || []).forEach(function (p) {
      var tile = el('button', 'tile');
      tile.type = 'button';
      tile.title = p.name || p.title;
      tile.setAttribute('data-procedure', p.id);
      tile.appendChild(icon(PROCEDURE_ICONS[p.id] || 'form', 'tile-icon'));
      tile.appendChild(el('span', 'tile-text', p.title));
      tile.addEventListener('click', function () { // in the words on the tile, which follow the language
        ask(p.payload, fill(SAY.youChose, tile.querySelector('.tile-text').textContent));
      });
      box.appendChild(tile);
    });
  }

  // ---- languages: a row at the top when the commune's team has made any (none: no row) ------------------
  var languageButtons = [];
  var SAY_VI = {}; // the page's own words as it came (Vietnamese), to come back to
  Object.keys(SAY).forEach(function (k) { SAY_VI[k] = SAY[k]; });
  var TILE_VI = {};
  // Where each of the page's words shows, by the name the server gives its translation (KIOSK_LABELS).
  var PAGE_WORDS = {
    subtitle: function (t) { document.querySelector('.brand p').textContent = t; },
    choose: function (t) { $('choose-title').textContent = t; },
    typeHere: function (t) { $('question').placeholder = t; },
    send: function (t) { $('send').textContent = t; },
    restart: function (t) { $('restart').lastChild.textContent = t; }
  };
  var PAGE_VI = {
    subtitle: document.querySelector('.brand p').textContent, choose: $('choose-title').textContent,
    typeHere: $('question').placeholder, send: $('send').textContent, restart: $('restart').textContent.trim()
  };
  var SAY_NAMES = { talk: 'idle', talkHint: 'idleHint', replay: 'replay', stop: 'stop', thinking: 'thinking',
    youChose: 'youChose', whenNeeded: 'whenNeeded' };
  function applyLanguage(code) { // the words the language's team approved; the others stay Vietnamese
    var chosen = (config.languages || []).filter(function (l) { return l.code === code; })[0] || {};
    var labels = chosen.labels || {}, tiles = chosen.tiles || {};
    Object.keys(PAGE_WORDS).forEach(function (k) { PAGE_WORDS[k](labels[k] || PAGE_VI[k]); });
    Object.keys(SAY_NAMES).forEach(function (k) { SAY[SAY_NAMES[k]] = labels[k] || SAY_VI[SAY_NAMES[k]]; });
    Array.prototype.forEach.call(document.querySelectorAll('.tile'), function (tile) {
      var id = tile.getAttribute('data-procedure');
      var text = tile.querySelector('.tile-text');
      if (!(id in TILE_VI)) TILE_VI[id] = text.textContent;
      text.textContent = tiles[id] || TILE_VI[id];
    });
    document.documentElement.lang = code; // fonts and screen readers follow the words
    if (state === 'idle' && !talk.hidden) setTalk('idle');
  }
  function markLanguage(code) {
    languageButtons.forEach(function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-language') === code ? 'true' : 'false');
    });
    if (languageButtons.length) applyLanguage(code);
  }
  function setUpLanguages() {
    var choices = config.languages || [];
    if (choices.length < 2) return;
    var row = el('nav', 'languages');
    row.id = 'languages';
    row.setAttribute('aria-label', 'Ngôn ngữ');
    choices.forEach(function (l) {
      var button = el('button', 'language', l.name);
      button.type = 'button';
      button.lang = l.code;
      button.setAttribute('data-language', l.code);
      button.addEventListener('click', function () { ask(l.payload, fill(SAY.youChose, l.name)); });
      languageButtons.push(button);
      row.appendChild(button);
      if (l.prompt) { // the team's recorded "which language?": heard before choosing
        var hear = el('button', 'language-prompt');
        hear.type = 'button';
        hear.setAttribute('aria-label', l.name);
        hear.setAttribute('data-audio', l.prompt);
        hear.appendChild(icon('speaker'));
        hear.addEventListener('click', function () {
          stopSpeaking();
          player.setAttribute('src', l.prompt);
          var started = player.play();
          if (started && started.catch) started.catch(function () {});
        });
        row.appendChild(hear);
      }
    });
    document.querySelector('.top').appendChild(row);
    markLanguage('vi');
  }

  $('ask').addEventListener('submit', function (e) {
    e.preventDefault();
    var input = $('question');
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    ask(text).then(function (ok) { if (ok) input.value = ''; });
  });

  var restart = $('restart');
  restart.insertBefore(icon('restart'), restart.firstChild);
  restart.addEventListener('click', function () { // the next person at the kiosk starts with a clean screen
    screen++;
    if (state === 'recording') { discard = true; stop(); } else if (state === 'starting') setTalk('idle');
    stopSpeaking();
    player.removeAttribute('src');
    chat.textContent = '';
    sender = newSender();
    markLanguage('vi'); // a new person: a new conversation, in Vietnamese until they choose
    restart.hidden = true;
    $('question').value = '';
    window.scrollTo(0, 0);
  });

  // The bar at the bottom stays on screen: keep the last answer scrollable above it.
  var bar = document.querySelector('.bar');
  function fitBar() { document.documentElement.style.setProperty('--bar', bar.offsetHeight + 'px'); }
  window.addEventListener('resize', fitBar);

  setUpProcedures();
  setUpLanguages();
  setUpTalk();
  fitBar();
}());
