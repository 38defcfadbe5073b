// Loads the author's lesson parser (a separate wasm module, `lessons/parser`) the first time an
// author opens a lesson file, so learners never download it. The page's <meta name="lesson-parser">
// names the module's hashed file; the service worker caches it once fetched.
let parser;

function load() {
  const meta = document.querySelector('meta[name="lesson-parser"]');
  if (!meta) {
    return Promise.reject(new Error('this build of the page has no lesson parser'));
  }
  const url = new URL(meta.content, document.baseURI);
  return fetch(url)
    .then((response) => {
      if (!response.ok) {
        throw new Error(`could not load the lesson parser (${response.status} for ${url.pathname})`);
      }
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.instantiate(bytes, {}))
    .then((result) => result.instance.exports);
}

function copyIn(wasm, text) {
  const bytes = new TextEncoder().encode(text);
  const pointer = wasm.alloc(bytes.length);
  new Uint8Array(wasm.memory.buffer, pointer, bytes.length).set(bytes);
  return [pointer, bytes.length];
}

// Resolves to the parser's JSON answer: `{"lesson": …}` or `{"problems": [lines]}`.
export async function parseLessonFile(name, text) {
  if (!parser) {
    parser = load();
  }
  try {
    const wasm = await parser;
    const [namePointer, nameLength] = copyIn(wasm, name);
    const [textPointer, textLength] = copyIn(wasm, text);
    const length = wasm.parse(namePointer, nameLength, textPointer, textLength);
    return new TextDecoder().decode(new Uint8Array(wasm.memory.buffer, wasm.answer_ptr(), length));
  } catch (error) {
    // A failed download may succeed next time; a module that trapped is not reused.
    parser = undefined;
    throw error;
  }
}
