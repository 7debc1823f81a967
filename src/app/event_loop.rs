//! The event loop: terminal input, the frame timer, Unix signals and the
//! trainer's snapshots, multiplexed with `tokio::select!` on one thread.

use std::io;
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
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
use super::terminal::recorded_panic;
use crate::train::snapshot::{Command, Snapshot};
use crate::ui::{self, Theme};

/// Time between frames: at most about 30 redraws per second.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(33);

/// Snapshots handled per frame at most, so that a flooding trainer cannot
/// starve the input handling.
const MAX_SNAPSHOTS_PER_FRAME: usize = 256;

/// The two channels to the training thread.
#[derive(Clone, Copy, Debug)]
pub struct TrainerLink<'a> {
    pub commands: &'a Sender<Command>,
    pub snapshots: &'a Receiver<Snapshot>,
}

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
/// Snapshots are drained with `try_recv` on each frame tick, so the loop
/// never blocks on the trainer. A frame is drawn on a tick only when a
/// snapshot arrived since the last one, and right away after a key press
/// or a resize that changes the screen.
///
/// # Errors
/// Fails when signal handlers cannot be registered, the terminal input
/// fails, or drawing fails.
pub async fn run_event_loop<B, E>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    theme: &Theme,
    mut events: E,
    trainer: TrainerLink<'_>,
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
    let mut trainer_gone = false;
    loop {
        tokio::select! {
            _ = frames.tick() => {
                dirty |= drain_snapshots(app, trainer, &mut trainer_gone);
                if dirty {
                    terminal.draw(|frame| ui::render(frame, app, theme))?;
                    dirty = false;
                }
            }
            event = events.next() => match event {
                // A key press or resize is drawn at once rather than on the
                // next tick, which would add up to one frame interval of delay.
                Some(Ok(event)) => {
                    if handle_event(app, event, trainer) && !app.should_quit() {
                        terminal.draw(|frame| ui::render(frame, app, theme))?;
                        dirty = false;
                    }
                }
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

/// Feeds waiting snapshots to the app and returns whether any arrived. A
/// closed channel is reported to the app once.
fn drain_snapshots(app: &mut App, trainer: TrainerLink, trainer_gone: &mut bool) -> bool {
    let mut changed = false;
    for _ in 0..MAX_SNAPSHOTS_PER_FRAME {
        match trainer.snapshots.try_recv() {
            Ok(snapshot) => {
                app.update(Action::Snapshot(Box::new(snapshot)));
                changed = true;
            }
            Err(TryRecvError::Empty) => break,
            Err(TryRecvError::Disconnected) => {
                if !*trainer_gone {
                    *trainer_gone = true;
                    let reason = recorded_panic().map_or_else(
                        || "the channel closed".to_string(),
                        |m| format!("panic: {m}"),
                    );
                    app.update(Action::TrainerStopped(reason));
                    changed = true;
                }
                break;
            }
        }
    }
    changed
}

/// Applies a terminal event and returns whether the screen must be redrawn.
fn handle_event(app: &mut App, event: Event, trainer: TrainerLink) -> bool {
    match event {
        Event::Key(key) => {
            let Some(action) = action_for_key(key) else {
                return false;
            };
            if let Some(command) = app.update(action)
                && let Err(err) = trainer.commands.send(command)
            {
                warn!(%err, "training thread is gone; command dropped");
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
