//! Ctrl-C, SIGTERM and SIGHUP during a headless run: the run stops at the
//! next step and still writes its files, instead of dying with half a
//! `metrics.csv` in a temporary file.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag that turns true when the process receives SIGINT, SIGTERM or
/// SIGHUP.
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Starts a thread that waits for the signals and sets the flag. If
    /// the handlers cannot be installed the flag never turns true and the
    /// signals keep their default action.
    pub fn install() -> Self {
        let interrupt = Interrupt::default();
        let flag = interrupt.0.clone();
        let spawned = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Err(error) = wait_for_signal(&flag) {
                    tracing::warn!(%error, "cannot watch for interrupt signals");
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot start the signal thread");
        }
        interrupt
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

fn wait_for_signal(flag: &AtomicBool) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        let mut hangup = signal(SignalKind::hangup())?;
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
            _ = hangup.recv() => "SIGHUP",
        };
        tracing::info!(signal = name, "stopping the run");
        flag.store(true, Ordering::Relaxed);
        Ok(())
    })
}
