// Runs one Python program in the learner's browser with MicroPython's
// WebAssembly port (a trial run: the server runs it again in its own
// sandbox, and only that verdict counts). One worker a run, ended by the
// page after its time limit, so an endless loop stops with it.
import { loadMicroPython } from './micropython.mjs';

const MOST_OUTPUT = 64 * 1024;

onmessage = async ({ data: { code, input } }) => {
  const bytes = [];
  const write = (byte) => { if (bytes.length < MOST_OUTPUT) bytes.push(byte[0]); };
  const output = () => new TextDecoder().decode(new Uint8Array(bytes));
  try {
    const mp = await loadMicroPython({ stdout: write, stderr: write, linebuffer: false, heapsize: 16 * 1024 * 1024 });
    // input() reads the test's input, line by line, as on the server.
    mp.globals.set('_polku_input', input ?? '');
    mp.runPython([
      "_polku_lines = _polku_input.split('\\n')",
      "def input(prompt=''):",
      "    if prompt:",
      "        print(prompt, end='')",
      "    if not _polku_lines or (len(_polku_lines) == 1 and not _polku_lines[0]):",
      "        raise EOFError('EOF when reading a line')",
      "    return _polku_lines.pop(0)",
    ].join('\n'));
    mp.runPython(code);
    postMessage({ ok: true, output: output() });
  } catch (error) {
    const message = error?.name === 'PythonError' ? error.message.trim().split('\n').pop() : String(error);
    postMessage({ ok: false, output: output(), error: message });
  }
};
