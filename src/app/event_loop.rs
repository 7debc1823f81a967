//! The event loop: terminal input, the frame timer, Unix signals and the
//! trainer's snapshots, multiplexed with `tokio::select!` on one thread.

use std::io;
use std::time::Duration;

use anyhow::Context;
use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::time::MissedTickBehavior;
use tracing::{info, warn};

use super::action::Action;
use super::keymap::action_for_key;
use super::state::App;
use super::trainers::TrainerPool;
use crate::ui::{self, Theme};

/// Time between frames: at most about 30 redraws per second.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(33);

/// Reason the event loop returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// The user quit (`q`, Esc or Ctrl-C).
    Quit,
    /// SIGTERM, SIGHUP or SIGINT arrived.
    Signal(&'static str),
    /// The input stream ended.
    InputClosed,
}

/// SIGTERM, SIGHUP and SIGINT streams.
struct ExitSignals {
    terminate: Signal,
    hangup: Signal,
    interrupt: Signal,
}

impl ExitSignals {
    fn register() -> io::Result<ExitSignals> {
        Ok(ExitSignals {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// Waits for the next signal and returns its name.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.terminate.recv() => "SIGTERM",
            _ = self.hangup.recv() => "SIGHUP",
            _ = self.interrupt.recv() => "SIGINT",
        }
    }
}

/// Runs the UI until the user quits, a signal arrives or `events` ends.
///
/// `trainers` must hold one thread per run of `app`. Snapshots are drained
/// with `try_recv` on each frame tick, so the loop never waits for one. A
/// frame is drawn on a tick only when a snapshot, a key press or a resize
/// arrived since the last one. Two steps do run on this thread and pause
/// the drawing: replacing the training threads (entering or leaving
/// compare mode joins the old ones) and writing an export (`e`).
///
/// # Errors
/// Fails when signal handlers cannot be registered, the terminal input
/// fails, or drawing fails.
pub async fn run_event_loop<B, E>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    theme: &Theme,
    mut events: E,
    trainers: &mut TrainerPool,
) -> anyhow::Result<ExitReason>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut signals = ExitSignals::register().context("failed to register signal handlers")?;
    let mut frames = tokio::time::interval(FRAME_INTERVAL);
    frames.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut dirty = true;
    loop {
        tokio::select! {
            _ = frames.tick() => {
                dirty |= trainers.drain(app);
                if dirty {
                    terminal.draw(|frame| ui::render(frame, app, theme))?;
                    dirty = false;
                }
            }
            event = events.next() => match event {
                Some(Ok(event)) => dirty |= handle_event(app, event, trainers),
                Some(Err(err)) => return Err(err).context("failed to read terminal input"),
                None => return Ok(ExitReason::InputClosed),
            },
            name = signals.recv() => {
                info!(signal = name, "exiting on signal");
                return Ok(ExitReason::Signal(name));
            }
        }
        if app.should_quit() {
            return Ok(ExitReason::Quit);
        }
    }
}

/// Applies a terminal event and returns whether the screen must be redrawn.
fn handle_event(app: &mut App, event: Event, trainers: &mut TrainerPool) -> bool {
    match event {
        Event::Key(key) => {
            let Some(action) = action_for_key(key) else {
                return false;
            };
            if matches!(action, Action::Export) {
                let time = std::time::SystemTime::now();
                let result = crate::export::export_runs(app.export_dir(), app.runs(), time);
                app.update(Action::ExportFinished(result.map_err(|e| e.to_string())));
                return true;
            }
            if let Some(effect) = app.update(action)
                && let Err(run) = trainers.apply(effect)
            {
                warn!(run, "training thread is gone; command dropped");
                app.update(Action::TrainerStopped(
                    "the command channel closed".to_string(),
                ));
            }
            true
        }
        Event::Resize(..) => true,
        _ => false,
    }
}
