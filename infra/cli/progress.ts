/**
 * Progress of long work on stderr: one spinner line redrawn in place on a terminal, plain lines
 * (only when the message changes) in CI logs and pipes, where redrawing would fill the log.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** The current step, replacing the previous one. */
  update(message: string): void;
  /** A line that stays (an applied object, a finished step). */
  log(message: string): void;
  /** Stops the spinner. */
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  if (quiet) return { update() {}, log() {}, stop() {} };
  if (!stream.isTTY) {
    let last = '';
    return {
      update(message) {
        if (message !== last) stream.write(`${message}\n`);
        last = message;
      },
      log: (message) => stream.write(`${message}\n`),
      stop() {},
    };
  }
  let current = '';
  let frame = 0;
  const draw = () => stream.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${current}`);
  const clear = () => stream.write('\r\x1b[K');
  const timer = setInterval(() => current !== '' && draw(), 100);
  // The spinner never keeps the process alive on its own.
  timer.unref();
  return {
    update(message) {
      current = message;
      draw();
    },
    log(message) {
      clear();
      stream.write(`${message}\n`);
      if (current !== '') draw();
    },
    stop() {
      clearInterval(timer);
      clear();
      current = '';
    },
  };
}
