// A host page for an embedded Sync or Stream: send commands with postMessage, listen to events.
// The message schema is documented in the README ("For trainers").
const frame = document.getElementById('playground');
const log = document.getElementById('log');
// Messages go to, and are accepted from, the embedded page's origin only.
const playgroundOrigin = new URL(frame.src, location.href).origin;

function send(command) {
  frame.contentWindow.postMessage(command, playgroundOrigin);
}

function show(event) {
  const item = document.createElement('li');
  item.dataset.type = event.type;
  item.textContent = JSON.stringify(event);
  log.prepend(item);
  while (log.children.length > 200) log.lastChild.remove();
}

window.addEventListener('message', (message) => {
  if (message.origin !== playgroundOrigin || message.source !== frame.contentWindow) return;
  // Time events arrive several times a second; keep only the latest in the log.
  if (message.data.type === 'time') {
    const last = log.querySelector('li[data-type="time"]');
    if (last) last.remove();
  }
  show(message.data);
});

for (const button of document.querySelectorAll('[data-command]')) {
  button.addEventListener('click', () => send(JSON.parse(button.dataset.command)));
}
document.getElementById('goto').addEventListener('click', () => {
  const step = Number(document.getElementById('step').value);
  send({ type: 'goto', lesson: document.getElementById('lesson').value.trim(), step });
});
