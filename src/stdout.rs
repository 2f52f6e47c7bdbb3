//! Standard output for the headless commands: a reader that stops early (`| head`) ends the
//! write quietly, never with a panic or an error message.

use std::io::{ErrorKind, Write};

use crate::exit::ExitCode;

/// Writes `text` to standard output and flushes it. A closed pipe is not a failure: the reader
/// has what it wanted. Any other failure (a full disk behind a redirect) is returned.
pub fn write(text: impl AsRef<[u8]>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_ref()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Prints a command's report and returns its exit status, or 1 (with the cause on standard
/// error) when standard output cannot take it.
pub fn report(text: impl AsRef<[u8]>, status: ExitCode) -> ExitCode {
    match write(text) {
        Ok(()) => status,
        Err(e) => {
            eprintln!("topogy: could not write to standard output: {e}");
            ExitCode::Other
        }
    }
}
