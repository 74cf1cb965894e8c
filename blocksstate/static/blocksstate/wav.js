// Microphone recording for Audio: PCM samples taken with the Web Audio API and written as a
// 16-bit mono WAV in the page, so the server stores a file every browser plays and needs no ffmpeg.

// Start recording; resolves to {stop(): Promise<Blob>, cancel()} once the microphone is open.
export async function startRecording() {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const context = new AudioContext();
  await context.resume();
  const source = context.createMediaStreamSource(stream);
  // ScriptProcessorNode rather than an AudioWorklet: a worklet is a second module to load,
  // which a strict Content-Security-Policy would have to allow.
  const processor = context.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  processor.onaudioprocess = (event) => chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
  source.connect(processor);
  // Connected so that it runs; its output buffer is left silent.
  processor.connect(context.destination);
  const close = async () => {
    processor.disconnect();
    source.disconnect();
    for (const track of stream.getTracks()) track.stop();
    await context.close();
  };
  return {
    async stop() {
      const rate = context.sampleRate;
      await close();
      return encodeWav(chunks, rate);
    },
    cancel: close,
  };
}

// A WAV file (RIFF, PCM, 16-bit, mono) of the Float32 `chunks` at `sampleRate`.
export function encodeWav(chunks, sampleRate) {
  const samples = chunks.reduce((count, chunk) => count + chunk.length, 0);
  const view = new DataView(new ArrayBuffer(44 + samples * 2));
  const ascii = (offset, text) => {
    for (let i = 0; i < text.length; i += 1) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // size of the fmt chunk
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // one channel
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, "data");
  view.setUint32(40, samples * 2, true);
  let offset = 44;
  for (const chunk of chunks) {
    for (const sample of chunk) {
      const clipped = Math.max(-1, Math.min(1, sample));
      view.setInt16(offset, clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff, true);
      offset += 2;
    }
  }
  return new Blob([view.buffer], { type: "audio/wav" });
}
