//! SIGTERM, SIGHUP and SIGINT, caught so a long-running command ends in order: the dashboard
//! restores the terminal exactly as `q` does (then exits 128 + signal), `collect` stops between
//! two requests (then exits 0).

/// The signals that end the dashboard and `collect`.
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Starts listening. A signal that cannot be listened for keeps its default action (the
    /// process ends without restoring the terminal, as before).
    pub fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let wanted = [
                (rustix::process::Signal::TERM, SignalKind::terminate()),
                (rustix::process::Signal::HUP, SignalKind::hangup()),
                (rustix::process::Signal::INT, SignalKind::interrupt()),
            ];
            let streams = wanted
                .into_iter()
                .filter_map(|(number, kind)| Some((number.as_raw(), signal(kind).ok()?)))
                .collect();
            Self { streams }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for the next signal; returns its number.
    pub async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let waits = self.streams.iter_mut().map(|(number, stream)| {
                let number = *number;
                Box::pin(async move {
                    stream.recv().await;
                    number
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}
