// The live page: REST for reads and writes (session cookie), the gateway for live events.
"use strict";

const me = Number(document.body.dataset.userId);
const $ = (id) => document.getElementById(id);
const state = { chats: new Map(), open: null, typing: new Map(), socket: null, lastSeen: {} };

function csrf() {
  const found = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return found ? found.split("=")[1] : "";
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

function renderChats() {
  const list = $("chats");
  list.replaceChildren();
  for (const chat of state.chats.values()) {
    const item = document.createElement("li");
    item.textContent = chat.name;
    item.dataset.chatId = chat.id;
    item.className = chat.id === state.open ? "open" : "";
    if (chat.unread_count) {
      const badge = document.createElement("span");
      badge.className = "unread";
      badge.textContent = chat.unread_count;
      item.append(badge);
    }
    item.onclick = () => openChat(chat.id);
    list.append(item);
  }
}

function messageItem(message) {
  const item = document.createElement("li");
  item.id = `m${message.id}`;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = message.sender.display_name;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.deleted ? "(deleted)" : message.content;
  const reactions = document.createElement("span");
  reactions.className = "reactions";
  item.append(who, text, reactions);
  drawReactions(item, message.id, message.reactions);
  return item;
}

function drawReactions(item, messageId, reactions) {
  const box = item.querySelector(".reactions");
  box.replaceChildren();
  const shown = reactions.length ? reactions : [{ emoji: "👍", count: 0, me: false }];
  for (const reaction of shown) {
    const button = document.createElement("button");
    button.textContent = reaction.count ? `${reaction.emoji} ${reaction.count}` : reaction.emoji;
    button.className = reaction.me ? "me" : "";
    button.dataset.emoji = reaction.emoji;
    button.dataset.count = reaction.count;
    button.onclick = () => react(messageId, reaction);
    box.append(button);
  }
}

async function react(messageId, reaction) {
  const base = `/api/chats/${state.open}/messages/${messageId}/reactions/`;
  if (reaction.me) await api("DELETE", `${base}${encodeURIComponent(reaction.emoji)}/`);
  else await api("POST", base, { emoji: reaction.emoji });
  reaction.me = !reaction.me;
}

function showMessage(message) {
  const existing = $(`m${message.id}`);
  const item = messageItem(message);
  if (existing) existing.replaceWith(item);
  else $("messages").append(item);
  item.scrollIntoView({ block: "end" });
}

async function openChat(chatId) {
  state.open = chatId;
  $("chat-name").textContent = state.chats.get(chatId).name;
  $("send").hidden = false;
  $("messages").replaceChildren();
  const page = await api("GET", `/api/chats/${chatId}/messages/?limit=50`);
  page.results.reverse().forEach(showMessage);
  renderChats();
  drawTyping();
}

function drawTyping() {
  const now = Date.now();
  const names = [...(state.typing.get(state.open) || new Map()).values()]
    .filter((t) => Date.parse(t.expires_at) > now)
    .map((t) => t.user.display_name);
  $("typing").textContent = names.length ? `${names.join(", ")} typing…` : "";
}

const handlers = {
  "message.created"(chatId, data) {
    state.lastSeen[chatId] = data.id;
    if (chatId === state.open) showMessage(data);
    else if (state.chats.has(chatId)) state.chats.get(chatId).unread_count += 1;
    (state.typing.get(chatId) || new Map()).delete(data.sender.id);
    renderChats();
    drawTyping();
  },
  "message.edited"(chatId, data) { if (chatId === state.open) showMessage(data); },
  "message.deleted"(chatId, data) { if (chatId === state.open) showMessage(data); },
  "reaction.added"(chatId, data) { updateReaction(chatId, data, data.user.id === me ? true : null); },
  "reaction.removed"(chatId, data) { updateReaction(chatId, data, data.user.id === me ? false : null); },
  "typing.started"(chatId, data) {
    if (!state.typing.has(chatId)) state.typing.set(chatId, new Map());
    state.typing.get(chatId).set(data.user.id, data);
    drawTyping();
    setTimeout(drawTyping, Date.parse(data.expires_at) - Date.now() + 50);
  },
  "chat.joined"(chatId, data) { state.chats.set(chatId, data); renderChats(); },
  "chat.updated"(chatId, data) { state.chats.set(chatId, data); renderChats(); },
  "chat.left"(chatId) { state.chats.delete(chatId); renderChats(); },
};

function updateReaction(chatId, data, mine) {
  const item = $(`m${data.message_id}`);
  if (chatId !== state.open || !item) return;
  const reactions = [...item.querySelectorAll(".reactions button")]
    .map((b) => ({ emoji: b.dataset.emoji, count: Number(b.dataset.count), me: b.className === "me" }))
    .filter((r) => r.emoji !== data.emoji);
  const before = [...item.querySelectorAll(".reactions button")].find((b) => b.dataset.emoji === data.emoji);
  const wasMine = before ? before.className === "me" : false;
  if (data.count) reactions.push({ emoji: data.emoji, count: data.count, me: mine === null ? wasMine : mine });
  drawReactions(item, data.message_id, reactions);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/`);
  state.socket = socket;
  let beat = null;
  socket.onmessage = (message) => {
    const frame = JSON.parse(message.data);
    if (frame.op === "ready") {
      $("status").textContent = `live as ${frame.user.display_name}`;
      beat = setInterval(() => socket.send(JSON.stringify({ op: "ping" })), frame.heartbeat_interval_ms / 2);
      const chats = Object.fromEntries(Object.entries(state.lastSeen).filter(([id]) => frame.chats.includes(id)));
      if (Object.keys(chats).length) socket.send(JSON.stringify({ op: "resume", chats }));
    } else if (frame.op === "event" && handlers[frame.type]) {
      handlers[frame.type](frame.chat_id, frame.data);
    } else if (frame.op === "error") {
      $("status").textContent = `gateway: ${frame.code}`;
    }
  };
  socket.onclose = () => {
    clearInterval(beat);
    $("status").textContent = "reconnecting…";
    setTimeout(connect, 2000);
  };
}

let lastTyping = 0;
$("text").addEventListener("input", () => {
  const now = Date.now();
  if (state.open && now - lastTyping > 3000 && state.socket.readyState === WebSocket.OPEN) {
    lastTyping = now;
    state.socket.send(JSON.stringify({ op: "typing", chat_id: state.open }));
  }
});

$("send").addEventListener("submit", async (event) => {
  event.preventDefault();
  const content = $("text").value;
  if (!content.trim()) return;
  $("text").value = "";
  lastTyping = 0;
  showMessage(await api("POST", `/api/chats/${state.open}/messages/`, { content }));
});

(async () => {
  const page = await api("GET", "/api/chats/");
  for (const chat of page.results) {
    state.chats.set(chat.id, chat);
    if (chat.last_message) state.lastSeen[chat.id] = chat.last_message.id;
  }
  renderChats();
  connect();
})();
